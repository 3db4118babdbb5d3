@testable import Connectors
import Foundation
import Testing

/// The PostgreSQL cluster `scripts/test` starts (scripts/start-pg.sh) and describes in the
/// environment: PG* variables, `INLET_TEST_PG=1`, the CA files of the TLS tests, an md5 user.
/// Without it the suites are skipped, unless `INLET_REQUIRE_INTEGRATION=1` (then they fail).
enum PGTestServer {
    static var env: [String: String] { ProcessInfo.processInfo.environment }
    static var available: Bool { env["INLET_TEST_PG"] == "1" }
    static var enabled: Bool { available || TestEnvironment.required }

    /// Fails the test when the server is required and missing.
    static func require() throws {
        try #require(available, "no PostgreSQL: run ./scripts/test, which starts one (INLET_TEST_PG is not set)")
    }

    static var host: String { env["PGHOST"] ?? "127.0.0.1" }
    static var port: String { env["PGPORT"] ?? "5432" }
    static var user: String { env["PGUSER"] ?? "" }
    static var password: String { env["PGPASSWORD"] ?? "" }
    static var database: String { env["PGDATABASE"] ?? "" }

    /// A URL without the password (the tests pass it in PGPASSWORD, so no command line holds it).
    static func url(_ query: String = "") -> String { "postgres://\(user)@\(host):\(port)/\(database)" + (query.isEmpty ? "" : "?" + query) }

    /// Runs SQL through psql as the test user; returns its unaligned, tuples-only output.
    @discardableResult
    static func psql(_ sql: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString).sql")
        try sql.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let bin = (env["INLET_TEST_PG_BIN"] ?? "/usr/lib/postgresql/15/bin") + "/psql"
        return try runProcess(bin, ["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-f", file.path], environment: ["PGTZ": "UTC"])
    }

    /// A connection of the test's own (our client), for sessions that must stay open while
    /// Inlet runs: a transaction begun before a load and committed after it.
    static func session() throws -> PGConnection {
        let s = try PGSettings(url: "", environment: env)
        return try PGConnection(s)
    }
}

/// Runs `inlet` with the server's variables (the password in PGPASSWORD) and checks that no
/// secret appears in what it printed.
func runInletPG(_ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessOutput {
    let r = try runInlet(arguments, environment: environment, currentDirectory: currentDirectory)
    let secrets = [PGTestServer.password, PGTestServer.env["INLET_TEST_PG_MD5_PASSWORD"] ?? ""] + environment.filter { $0.key.contains("PASSWORD") || $0.key.contains("SECRET") }.map(\.value)
    for s in secrets where s.count >= 6 {
        #expect(!(r.stdout + r.stderr).contains(s), "a password appeared in inlet's output", sourceLocation: sourceLocation)
    }
    return r
}
