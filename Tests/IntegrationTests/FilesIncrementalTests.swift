import Foundation
import Testing
import TestSupport

/// `kind: files` pipelines through `inlet run`: incremental runs (new, late and changed
/// objects), kill -9 then rerun, and a landing bucket reached with its own credentials.
extension FilesSourceTests {
    /// An `inlet.yaml` with one files pipeline over `url`; `extra` adds keys to its files block.
    func config(_ url: String, dataset: String, extra: String = "") throws -> String {
        let path = dir.appendingPathComponent("inlet-\(dataset).yaml")
        try """
        store: ./lake
        pipelines:
          - name: \(dataset)
            kind: files
            files:
              url: \(url)
              incremental: true
        \(extra)
        """.write(toFile: path.path, atomically: true, encoding: .utf8)
        return path.path
    }

    func run(_ config: String, _ landing: Landing, env: [String: String] = [:]) throws -> ProcessOutput {
        try runInlet(["run", "--all", "--config", config], environment: landing.environment.merging(env) { $1 }, currentDirectory: dir)
    }

    static func ids(_ firsts: Int...) -> [Int] { firsts.flatMap { [$0, $0 + 1, $0 + 2] }.sorted() }

    /// New objects load once; an object that shows up late, last modified before the loaded
    /// ones, still loads; nothing new publishes nothing; a changed object stops the run.
    @Test(arguments: Place.allCases)
    func incrementalRunsLoadNewAndLateObjectsOnce(place: Place) throws {
        let landing = try landing(place)
        var first: [String: String] = [:]
        var endpointLine = ""
        var proxy: S3FaultProxy?
        if place == .s3 {
            // The late object is written first (the oldest LastModified) and the first run's
            // listing does not show it, as when a slow writer's object appears afterwards.
            try write(landing, "late-900")
            let server = try S3TestServer.shared()
            proxy = try S3FaultProxy(upstream: server.endpoint) { $0.method == "GET" && $0.target.contains("list-type=2") ? .hideListed("late-") : .pass }
            endpointLine = "      endpoint: ${LANDING_ENDPOINT}\n"
            first["LANDING_ENDPOINT"] = proxy!.endpoint
        }
        defer { proxy?.stop() }
        try write(landing, "inc-100", "inc-200")
        let config = try config(landing.base + "/inc/*.csv", dataset: "inc", extra: endpointLine)
        let later = place == .s3 ? ["LANDING_ENDPOINT": try S3TestServer.shared().endpoint] : [:]

        let run1 = try run(config, landing, env: first)
        #expect(run1.status == 0, "\(run1.stderr)")
        #expect(try read("inc").ids == Self.ids(100, 200))

        if place == .local { try write(landing, "late-900") }
        try write(landing, "inc-300")
        let run2 = try run(config, landing, env: later)
        #expect(run2.status == 0, "\(run2.stderr)")
        #expect(try read("inc").ids == Self.ids(100, 200, 300, 900), "the new and the late object, nothing twice")
        let state = try #require(try manifest("inc")["state"] as? [String: Any])
        #expect((state["objects"] as? [String: Any])?.count == 4)

        let run3 = try run(config, landing, env: later)
        #expect(run3.status == 0, "\(run3.stderr)")
        #expect((run3.stdout + run3.stderr).contains("nothing new to load"), "\(run3.stdout)\(run3.stderr)")
        #expect(try read("inc").ids == Self.ids(100, 200, 300, 900))

        // The same key with other content: the run stops naming it, and nothing changes.
        try write(landing, "changed-100", "inc-400")
        let run4 = try run(config, landing, env: later)
        #expect(run4.status == 3, "\(run4.stderr)")
        #expect(run4.stderr.contains("\(landing.base)/inc/ids-000100.csv"), "\(run4.stderr)")
        #expect(try read("inc").ids == Self.ids(100, 200, 300, 900))
    }

    /// kill -9 mid-run, twice, then a rerun: every row exactly once. On S3 the downloads are
    /// slowed by the proxy, and the kills come after the first and the twelfth GET of the new
    /// objects; locally the objects are larger, and the kills come once the scan has begun (-v
    /// says how many objects load) and once the write has staged a file.
    @Test(arguments: Place.allCases)
    func killedRunsThenRerunLoadEveryRowOnce(place: Place) throws {
        let landing = try landing(place)
        let gets = ProxyLog()
        var env = landing.environment
        var extra = "      concurrency: 2\n"
        var proxy: S3FaultProxy?
        if place == .s3 {
            proxy = try S3FaultProxy(upstream: try S3TestServer.shared().endpoint) { r in
                guard r.method == "GET", !r.target.contains("list-type=2") else { return .pass }
                gets.add("get")
                return .delay(0.3)
            }
            env["LANDING_ENDPOINT"] = proxy!.endpoint
            extra = "      endpoint: ${LANDING_ENDPOINT}\n" + extra
        }
        defer { proxy?.stop() }
        let config = try config(landing.base + "/kill/*.csv.gz", dataset: "kill", extra: extra)
        // 20 objects per batch, of 50 rows on S3 (slowed anyway) and 20,000 locally (so the
        // run is still going when it is killed).
        let rows = place == .s3 ? 50 : 20_000
        try write(landing, "kill-1-\(rows)")
        #expect(try run(config, landing, env: env).status == 0)
        try write(landing, "kill-1000000-\(rows)")

        let staging = dir.appendingPathComponent("lake/_staging/kill").path
        for point in 0 ..< 2 {
            let (getsBefore, stagedBefore) = (gets.count, Self.files(under: staging))
            let (name, reached): (String, (String) -> Bool) = place == .s3
                ? ("after \([1, 12][point]) GET(s)", { _ in gets.count - getsBefore >= [1, 12][point] })
                : point == 0 ? ("in the scan", { $0.contains("object(s) to load") })
                : ("in the write", { _ in !Self.files(under: staging).subtracting(stagedBefore).isEmpty })
            let killed = try killMidRun(["run", "--all", "--config", config, "-v"], env: env, when: reached)
            #expect(killed.reached && killed.reason == .uncaughtSignal, "killed \(name): \(killed.stderr)")
            #expect(try read("kill").rows == 20 * rows, "a killed run publishes nothing")
            // Its lease would hold the dataset for its TTL: break it, as an operator would.
            let unlock = try inlet(["unlock", "kill", "--yes"], landing)
            #expect(unlock.status == 0, "\(unlock.stderr)")
        }
        let rerun = try run(config, landing, env: env)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let all: [Int] = Array(1 ... 20 * rows) + Array(1_000_000 ..< 1_000_000 + 20 * rows)
        #expect(try read("kill").ids == all, "every row once")
    }

    /// Runs `inlet args` and kills it (SIGKILL) once `when` holds of what it has printed to
    /// stderr so far (or after a minute): whether `when` held, how the run ended, its stderr.
    func killMidRun(_ args: [String], env: [String: String], when: (String) -> Bool) throws
        -> (reached: Bool, reason: Process.TerminationReason, stderr: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: TestEnvironment.inletBinary)
        child.arguments = args
        child.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        child.currentDirectoryURL = dir
        child.standardOutput = FileHandle.nullDevice
        let errPath = dir.appendingPathComponent("killed-\(UUID().uuidString.prefix(8)).err")
        _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
        child.standardError = try FileHandle(forWritingTo: errPath)
        try child.run()
        func printed() -> String { (try? String(contentsOf: errPath, encoding: .utf8)) ?? "" }
        let deadline = Date().addingTimeInterval(60)
        var reached = false
        while child.isRunning, Date() < deadline {
            if when(printed()) { reached = true; break }
            usleep(2_000)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        return (reached, child.terminationReason, printed())
    }

    /// The regular files below `folder` (its lock aside).
    static func files(under folder: String) -> Set<String> {
        guard let walk = FileManager.default.enumerator(atPath: folder) else { return [] }
        var out: Set<String> = []
        for case let name as String in walk where walk.fileAttributes?[.type] as? FileAttributeType == .typeRegular && !name.hasSuffix(".lock") {
            out.insert(name)
        }
        return out
    }

    /// The landing bucket has its own user: every landing request is signed with its key (the
    /// lake's are never used there), no secret is printed, and an object that user may not
    /// read is exit 4 naming the bucket and key.
    @Test func aLandingBucketWithItsOwnCredentials() throws {
        let server = try S3TestServer.shared()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let setup = """
        import boto3, json, os, sys
        from botocore.config import Config
        env = os.environ
        c = lambda svc, k, s: boto3.client(svc, endpoint_url=env["INLET_TEST_S3_ENDPOINT"], region_name=env["INLET_TEST_S3_REGION"],
            aws_access_key_id=k, aws_secret_access_key=s, config=Config(s3={"addressing_style": "path"}))
        a = (env["INLET_TEST_S3_ACCESS_KEY_ID"], env["INLET_TEST_S3_SECRET_ACCESS_KEY"])
        bucket, user, lake_bucket = sys.argv[1], sys.argv[2], sys.argv[3]
        c("s3", *a).create_bucket(Bucket=bucket)
        c("s3", *a).put_object(Bucket=lake_bucket, Key=user + "/private.csv", Body=b"id\\n1\\n")
        iam = c("iam", *a)
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="landing", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"]},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["arn:aws:s3:::" + lake_bucket]}]}))
        k = iam.create_access_key(UserName=user)["AccessKey"]
        print(json.dumps([k["AccessKeyId"], k["SecretAccessKey"]]))
        """
        let base = Self.s3Environment(server)
        let keys = try JSONDecoder().decode([String].self, from: Data(try runPython(setup, ["landing-\(suffix)", "lander-\(suffix)", server.bucket],
                                                                                  environment: base).utf8))
        let (landingKey, landingSecret) = (keys[0], keys[1])
        var landingEnv = base
        landingEnv["INLET_TEST_S3_ACCESS_KEY_ID"] = landingKey
        landingEnv["INLET_TEST_S3_SECRET_ACCESS_KEY"] = landingSecret
        let landing = Landing(place: .s3, root: "landing-\(suffix)", environment: landingEnv)
        try write(landing, "inc-100", "inc-200")

        let seen = ProxyLog()
        let proxy = try S3FaultProxy(upstream: server.endpoint) { seen.add($0.accessKeyID ?? "unsigned"); return .pass }
        defer { proxy.stop() }
        let access = """
              endpoint: ${LANDING_ENDPOINT}
              access_key_id: ${LANDING_KEY}
              secret_access_key: ${LANDING_SECRET}

        """
        // The lake's own credentials (the test user's) stay in AWS_*; only the config names the landing ones.
        let env = ["LANDING_ENDPOINT": proxy.endpoint, "LANDING_KEY": landingKey, "LANDING_SECRET": landingSecret]
        let ok = try run(try config("s3://landing-\(suffix)/inc/*.csv", dataset: "landed", extra: access), Landing(place: .s3, root: "", environment: base), env: env)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try read("landed").ids == Self.ids(100, 200))
        #expect(!seen.keys.isEmpty && seen.keys == [landingKey], "landing requests signed with: \(seen.keys)")

        let denied = try run(try config("s3://\(server.bucket)/lander-\(suffix)/*.csv", dataset: "denied", extra: access),
                             Landing(place: .s3, root: "", environment: base), env: env)
        #expect(denied.status == 4, "\(denied.stderr)")
        #expect(denied.stderr.contains("s3://\(server.bucket)/lander-\(suffix)/private.csv"), "\(denied.stderr)")
        for out in [ok, denied] {
            let printed = out.stdout + out.stderr
            #expect(!printed.contains(landingSecret) && !printed.contains(server.secretAccessKey), "a secret was printed")
        }
    }
}

/// What a proxy rule saw, from its threads: distinct values (access key IDs) and how many.
final class ProxyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var set: Set<String> = []
    private var n = 0
    func add(_ value: String) { lock.lock(); set.insert(value); n += 1; lock.unlock() }
    var keys: Set<String> { lock.lock(); defer { lock.unlock() }; return set }
    var count: Int { lock.lock(); defer { lock.unlock() }; return n }
}

extension FilesSourceTests {
    /// `--delete-source` and `move_to` act once the load has published: the loaded objects are
    /// gone from the landing pattern, and moved ones sit under the target by their paths.
    @Test(arguments: Place.allCases)
    func loadedObjectsAreDeletedOrMovedAfterThePublish(place: Place) throws {
        let landing = try landing(place)
        try write(landing, "inc-100", "inc-200")
        let deleted = try inlet(["upload", landing.base + "/inc/*.csv", "--dataset-id", "deleted", "--delete-source"], landing)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try read("deleted").ids == Self.ids(100, 200))
        #expect(try inlet(["upload", landing.base + "/inc/*.csv", "--dataset-id", "again"], landing).status == 2, "nothing left to match")

        try write(landing, "inc-300")
        let config = try config(landing.base + "/inc/*.csv", dataset: "moved", extra: "      move_to: \(landing.base)/done/\n")
        let moved = try run(config, landing)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try read("moved").ids == Self.ids(300))
        #expect(try inlet(["upload", landing.base + "/inc/*.csv", "--dataset-id", "again"], landing).status == 2, "nothing left to match")
        let check = try inlet(["upload", landing.base + "/done/*.csv", "--dataset-id", "check", "--file-column", "f"], landing)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(try read("check").ids == Self.ids(300), "the moved object, whole, under done/")
    }
}
