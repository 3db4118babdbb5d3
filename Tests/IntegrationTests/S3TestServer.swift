import Foundation
import ObjectStore
import SigV4

/// The S3 server the S3 integration tests talk to.
///
/// `scripts/test` may start one moto for the whole run (`scripts/start-s3.sh`) and export
/// `INLET_TEST_S3_ENDPOINT`, `INLET_TEST_S3_ACCESS_KEY_ID`, `INLET_TEST_S3_SECRET_ACCESS_KEY`,
/// `INLET_TEST_S3_REGION`, `INLET_TEST_S3_BUCKET`. Without them, but with the test venv's
/// python, the first test that needs a server starts its own moto on a free port (and stops
/// it when the test process exits). Each test works under its own random prefix.
struct S3TestServer: Sendable {
    var endpoint: String
    var accessKeyID: String
    var secretAccessKey: String
    var region: String
    var bucket: String

    /// Whether S3 tests can run (a server is configured or can be started).
    static var available: Bool {
        ProcessInfo.processInfo.environment["INLET_TEST_S3_ENDPOINT"] != nil || TestEnvironment.python != nil
    }

    static func shared() throws -> S3TestServer { try started.get() }

    private static let started: Result<S3TestServer, Error> = Result {
        let env = ProcessInfo.processInfo.environment
        if let endpoint = env["INLET_TEST_S3_ENDPOINT"] {
            return try S3TestServer(from: env, endpoint: endpoint)
        }
        let port = try freePort()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-moto-\(port)").path
        let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/start-s3.sh").path
        let python = TestEnvironment.python ?? "python3"
        // system(3), not Process: this runs inside a `static let` initializer that other tests
        // wait on, and Process needs a dispatch thread to notice the child's exit.
        let command = "S3_TEST_BUCKET=inlet-test PYTHON='\(python)' /bin/bash '\(script)' \(port) '\(state)' >'\(state).out' 2>'\(state).err'"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let status = system(command)
        let out = (try? String(contentsOfFile: state + ".out", encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw ProcessFailure(command: command, status: status, stderr: (try? String(contentsOfFile: state + ".err", encoding: .utf8)) ?? "")
        }
        stateDirectory = state
        atexit {
            guard let state = S3TestServer.stateDirectory else { return }
            let stop = TestEnvironment.packageRoot.appendingPathComponent("scripts/stop-s3.sh").path
            _ = system("/bin/bash '\(stop)' '\(state)' >/dev/null 2>&1; rm -rf '\(state)' '\(state).out' '\(state).err'")
        }
        var exported: [String: String] = [:]
        for line in out.split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst(7)
            guard let eq = assignment.firstIndex(of: "=") else { continue }
            exported[String(assignment[..<eq])] = String(assignment[assignment.index(after: eq)...]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        guard let endpoint = exported["INLET_TEST_S3_ENDPOINT"] else { throw ProcessFailure(command: script, status: 0, stderr: "no endpoint in:\n\(out)") }
        return try S3TestServer(from: exported, endpoint: endpoint)
    }

    nonisolated(unsafe) private static var stateDirectory: String?

    private init(from env: [String: String], endpoint: String) throws {
        func need(_ name: String) throws -> String {
            guard let v = env[name], !v.isEmpty else { throw ProcessFailure(command: "S3 test server", status: 0, stderr: "\(name) is not set") }
            return v
        }
        self.endpoint = endpoint
        accessKeyID = try need("INLET_TEST_S3_ACCESS_KEY_ID")
        secretAccessKey = try need("INLET_TEST_S3_SECRET_ACCESS_KEY")
        region = env["INLET_TEST_S3_REGION"] ?? "us-east-1"
        bucket = try need("INLET_TEST_S3_BUCKET")
    }

    var credentials: SigV4Credentials { SigV4Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey) }

    /// A store under a fresh random prefix, optionally through another endpoint (a fault proxy).
    func store(prefix: String = "t-\(UUID().uuidString.prefix(8).lowercased())", endpoint: String? = nil,
               secret: String? = nil, tuning: S3Tuning = S3Tuning(), retry: RetryPolicy = .fastForTests) throws -> S3Store {
        var credentials = credentials
        if let secret { credentials.secretAccessKey = secret }
        let config = try S3Config(bucket: bucket, prefix: prefix, endpoint: URL(string: endpoint ?? self.endpoint)!,
                                  region: region, credentials: credentials, tuning: tuning)
        return try S3Store(config: config, retry: retry)
    }

    /// Environment for boto3 scripts run through `runPython`.
    var pythonPreamble: String {
        """
        import boto3
        from botocore.config import Config
        s3 = boto3.client("s3", endpoint_url=\(pyString(endpoint)), region_name=\(pyString(region)),
                          aws_access_key_id=\(pyString(accessKeyID)), aws_secret_access_key=\(pyString(secretAccessKey)),
                          config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
        bucket = \(pyString(bucket))

        """
    }

    private func pyString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'" }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw ProcessFailure(command: "bind", status: errno, stderr: "no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

extension RetryPolicy {
    /// Standard-mode retries with short delays, so fault tests run quickly.
    static let fastForTests = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(20), maxBackoff: .milliseconds(200))
}

/// Deterministic bytes for test objects.
func testBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var out = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        out[i] = UInt8(truncatingIfNeeded: state)
    }
    return out
}
