import Foundation
import Testing

/// Ctrl-C during a load stops the server's query too: a CancelRequest (the backend's pid and
/// secret, on a connection of its own), not only this process. Without it the backend would go
/// on sleeping for an hour, since PostgreSQL notices a vanished client only when it next writes.
@Suite(.enabled(if: PGTestServer.enabled), .serialized)
struct PostgresCancelTests {
    static func active(_ marker: String) throws -> Int {
        Int(try PGTestServer.psql("select count(*) from pg_stat_activity where state = 'active' and query like 'COPY%\(marker)%'")
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func ctrlCCancelsTheServerQueryAndLeavesTheLake() throws {
        try PGTestServer.require()
        let dir = try TestEnvironment.temporaryDirectory("pg-cancel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("lake").path
        let first = try runInletPG(["pg", PGTestServer.url(), "--query", "select g::int8 as id from generate_series(1, 10) g",
                                    "--dataset-id", "c", "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        let dataset = store + "/datasets/c"
        func files() -> [String] { (FileManager.default.enumerator(atPath: dataset)?.allObjects as? [String] ?? []).sorted() }
        let filesBefore = files()
        let manifestBefore = try Data(contentsOf: URL(fileURLWithPath: dataset + "/_manifest.json"))

        // A query that sleeps an hour on the server before its first row.
        let marker = "inlet_cancel_\(UInt32.random(in: 0 ... .max))"
        let child = Process()
        child.executableURL = URL(fileURLWithPath: TestEnvironment.inletBinary)
        child.arguments = ["pg", PGTestServer.url(), "--query", "select g::int8 as id, '\(marker)'::text as m from generate_series(1, 10) g, pg_sleep(3600)",
                           "--dataset-id", "c", "--store", store]
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        child.environment = env
        let stderr = Pipe()
        child.standardOutput = FileHandle.nullDevice
        child.standardError = stderr
        try child.run()
        var deadline = Date().addingTimeInterval(60)
        while Date() < deadline, child.isRunning, try Self.active(marker) == 0 { usleep(50_000) }
        #expect(try Self.active(marker) == 1, "the COPY never ran on the server")

        kill(child.processIdentifier, SIGINT)
        child.waitUntilExit()
        let said = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(child.terminationReason == .exit && child.terminationStatus == 130, "exit \(child.terminationStatus): \(said)")
        // The server's backend stops its query (it would sleep on for an hour without the cancel).
        deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try Self.active(marker) > 0 { usleep(50_000) }
        #expect(try Self.active(marker) == 0, "the server still runs the cancelled load's query")
        #expect(!said.contains(PGTestServer.password) || PGTestServer.password.count < 6)
        // The lake: as the last good load left it, no staged file left behind.
        #expect(try Data(contentsOf: URL(fileURLWithPath: dataset + "/_manifest.json")) == manifestBefore)
        #expect(files() == filesBefore)
    }
}
