import Crypto
import Foundation
import Lake
import ObjectStore
import Parquet
import Testing

/// Two "machines" (processes with their own TMPDIR, so their local staging locks cannot meet)
/// loading one dataset on moto, which honours S3 conditional writes: the lease in the store
/// keeps them apart, a killed or paused holder loses it, and nothing secret is in it.
@Suite(.enabled(if: S3TestServer.available || TestEnvironment.required), .serialized)
final class S3LeaseTests {
    let server: S3TestServer
    let prefix = "lease-\(UUID().uuidString.prefix(8).lowercased())"
    let dir: URL

    init() throws {
        server = try S3TestServer.shared()
        dir = try TestEnvironment.temporaryDirectory("lease")
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    var storeURL: String { "s3://\(server.bucket)/\(prefix)" }

    func env(_ machine: String) throws -> [String: String] {
        let tmp = dir.appendingPathComponent("tmp-\(machine)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        return ["AWS_ENDPOINT_URL_S3": server.endpoint, "AWS_ACCESS_KEY_ID": server.accessKeyID,
                "AWS_SECRET_ACCESS_KEY": server.secretAccessKey, "AWS_REGION": server.region, "AWS_SESSION_TOKEN": "",
                "TMPDIR": tmp.path, "NO_COLOR": "1"]
    }

    /// A usage export whose every row says which version wrote it, over 90 days.
    func export(_ version: String, rows: Int) throws -> String {
        let f = ISO8601DateFormatter()
        let start = f.date(from: "2025-01-01T10:00:00Z")!
        let days = (0 ..< 90).map { f.string(from: start.addingTimeInterval(Double($0) * 86_400)) }
        var text = "Date,User,Tokens,Version\n"
        for i in 0 ..< rows { text += "\(days[i % 90]),user\(i % 17)@x.com,\(i * 7 % 1000),\(version)\n" }
        let url = dir.appendingPathComponent("usage-\(version)-\(rows).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func upload(_ file: String, _ machine: String, _ extra: [String] = []) throws -> Launched {
        try Launched(["upload", file, "--dataset-id", "usage", "--partition-col", "Date", "--store", storeURL] + extra,
                     environment: try env(machine), stderr: dir.appendingPathComponent("err-\(machine)-\(UUID().uuidString.prefix(6))"))
    }

    /// The dataset as a reader finds it: the manifest's checksums against the objects under its
    /// keys, no data object the manifest lacks, and the versions its rows carry.
    func published() async throws -> (versions: Set<String>, files: Int) {
        let store = try server.store(prefix: prefix)
        defer { Task { try? await store.shutdown() } }
        let manifestBytes = try await store.get(key: "datasets/usage/_manifest.json", range: nil)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(manifestBytes)) as? [String: Any])
        let files = try #require(manifest["files"] as? [[String: Any]])
        let live = try await store.list(prefix: "datasets/usage/").map(\.key).filter { $0.hasSuffix(".parquet") }
        #expect(Set(live) == Set(files.compactMap { $0["key"] as? String }), "data objects the manifest does not list, or the reverse")
        var versions = Set<String>()
        for f in files {
            let key = try #require(f["key"] as? String)
            let bytes = try await store.get(key: key, range: nil)
            let hex = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(hex == f["sha256"] as? String, "\(key): the object is not the one the manifest describes")
            let path = dir.appendingPathComponent("read-\(UUID().uuidString).parquet").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let reader = try ParquetFileReader(path: path)
            let column = try #require(reader.schema.fields.firstIndex { $0.name == "Version" })
            for batch in try reader.readAll(columns: [column]) {
                for i in 0 ..< batch.rowCount { if case let .string(v) = batch.columns[0].value(at: i) { versions.insert(v) } }
            }
        }
        return (versions, files.count)
    }

    func leaseExists() async throws -> Bool {
        let store = try server.store(prefix: prefix)
        defer { Task { try? await store.shutdown() } }
        return try await store.head(key: "datasets/usage/_lease") != nil
    }

    func waitForLease(_ p: Launched) async throws {
        let deadline = Date().addingTimeInterval(60)
        while try await !leaseExists(), p.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    }

    @Test func twoMachinesNeverPublishAMix() async throws {
        let a = try export("A", rows: 20_000), b = try export("B", rows: 20_000)
        var refusals = 0
        for trial in 0 ..< 20 {
            let first = try upload(trial % 2 == 0 ? a : b, "one")
            let second = try upload(trial % 2 == 0 ? b : a, "two")
            let results = [first.wait(), second.wait()]
            #expect(results.contains { $0.status == 0 }, "trial \(trial): neither load succeeded: \(results.map(\.stderr))")
            for r in results where r.status != 0 {
                refusals += 1
                #expect(r.status == 2, "trial \(trial): \(r.stderr)")
                #expect(r.stderr.contains("is busy: host ") && r.stderr.contains(", pid ") && r.stderr.contains(", run "), "the holder is named: \(r.stderr)")
            }
            let (versions, files) = try await published()
            #expect(versions.count == 1, "trial \(trial): the dataset mixes versions \(versions.sorted())")
            #expect(files == 90)
            #expect(try await !leaseExists(), "trial \(trial): a finished load left its lease")
        }
        #expect(refusals > 0, "the two loads never overlapped: the test proved nothing")
    }

    @Test func aKilledHolderBlocksUntilItsLeaseExpires() async throws {
        let a = try export("A", rows: 200_000), b = try export("B", rows: 2_000)
        let holder = try upload(a, "one", ["--lease-ttl", "4"])
        try await waitForLease(holder)
        #expect(holder.isRunning, "the load ended before it could be killed")
        kill(holder.pid, SIGKILL)
        _ = holder.wait()
        let refused = try upload(b, "two").wait()
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("pid \(holder.pid)"), "\(refused.stderr)")
        try await Task.sleep(for: .seconds(4.5))
        let taken = try upload(b, "two").wait()
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(taken.stderr.contains("took over the lease") && taken.stderr.contains("pid \(holder.pid)"), "\(taken.stderr)")
        #expect(try await published().versions == ["B"])
    }

    /// A holder stopped past its TTL resumes to find its lease taken: it publishes nothing and
    /// exits 4 naming what happened; the dataset is wholly the other load's.
    @Test func aPausedHolderDoesNotPublish() async throws {
        let a = try export("A", rows: 200_000), b = try export("B", rows: 2_000)
        let paused = try upload(a, "one", ["--lease-ttl", "2"])
        try await waitForLease(paused)
        kill(paused.pid, SIGSTOP)
        try await Task.sleep(for: .seconds(2.5))
        let taker = try upload(b, "two").wait()
        #expect(taker.status == 0, "\(taker.stderr)")
        kill(paused.pid, SIGCONT)
        let resumed = paused.wait()
        #expect(resumed.status == 4, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("lost its lease and published nothing"), "\(resumed.stderr)")
        #expect(try await published().versions == ["B"])
    }

    @Test func clearIsRefusedDuringALoadAndUnlockBreaksALease() async throws {
        let a = try export("A", rows: 200_000)
        let load = try upload(a, "one")
        try await waitForLease(load)
        let clear = try spawnInlet(["clear", "usage", "--yes", "--store", storeURL], try env("two"))
        #expect(clear.status == 2 && clear.stderr.contains("is busy"), "\(clear.stderr)")
        #expect(load.wait().status == 0)
        #expect(try await published().versions == ["A"], "the refused clear deleted nothing")

        // A dead holder's lease (left by kill -9), broken by hand.
        let dead = try upload(a, "one")
        try await waitForLease(dead)
        kill(dead.pid, SIGKILL)
        _ = dead.wait()
        let unlock = try spawnInlet(["unlock", "usage", "--yes", "--json", "--store", storeURL], try env("two"))
        #expect(unlock.status == 0, "\(unlock.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(unlock.stdout.utf8)) as? [String: Any]
        #expect(json?["broken"] as? Bool == true)
        #expect((json?["holder"] as? [String: Any])?["pid"] as? Int == Int(dead.pid), "\(unlock.stdout)")
        #expect(try await !leaseExists())
        let none = try spawnInlet(["unlock", "usage", "--yes", "--store", storeURL], try env("two"))
        #expect(none.status == 0 && none.stdout.contains("has no lease"), "\(none.stdout)")
        let cleared = try spawnInlet(["clear", "usage", "--yes", "--store", storeURL], try env("two"))
        #expect(cleared.status == 0, "\(cleared.stderr)")
    }

    /// The lease names host, pid and run, never a credential; neither do the messages about it.
    @Test func noSecretInTheLeaseOrItsMessages() async throws {
        let a = try export("A", rows: 200_000), b = try export("B", rows: 2_000)
        let load = try upload(a, "one")
        try await waitForLease(load)
        let store = try server.store(prefix: prefix)
        let body = String(decoding: try await store.get(key: "datasets/usage/_lease", range: nil), as: UTF8.self)
        try await store.shutdown()
        let refused = try upload(b, "two").wait()
        let finished = load.wait()
        for text in [body, refused.stderr, refused.stdout, finished.stderr, finished.stdout] {
            #expect(!text.contains(server.secretAccessKey) && !text.contains(server.accessKeyID), "\(text)")
        }
        let lease = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(Set(lease.keys) == ["dataset", "host", "pid", "run_id", "operation", "acquired_at", "renewed_at", "expires_at",
                                    "ttl_seconds", "renewal"], "\(body)")
    }

    func spawnInlet(_ arguments: [String], _ environment: [String: String]) throws -> ProcessOutput {
        try spawn(TestEnvironment.inletBinary, arguments, environment: environment)
    }
}

/// An `inlet` process running in the background, its stderr in a file.
final class Launched {
    let process = Process()
    let stderrURL: URL
    let stdoutURL: URL

    init(_ arguments: [String], environment: [String: String], stderr: URL) throws {
        stderrURL = stderr
        stdoutURL = stderr.appendingPathExtension("out")
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: TestEnvironment.inletBinary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func wait() -> ProcessOutput {
        process.waitUntilExit()
        let err = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        let out = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
        return ProcessOutput(status: process.terminationStatus, stdout: out, stderr: err)
    }
}
