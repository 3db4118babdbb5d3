import Foundation
import Testing

/// `Examples/CustomSource` (the README's "Writing a source") builds with the tests and loads a
/// JSON-lines endpoint, served here by Python's http.server on loopback, into a lake.
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required))
struct CustomSourceExampleTests {
    @Test func theExampleLoadsAJSONLinesEndpoint() throws {
        let dir = try TestEnvironment.temporaryDirectory("custom-source")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = [
            #"{"id": 1, "city": "Oslo", "temp_c": -3.5, "day": "2025-01-02"}"#,
            #"{"id": 2, "city": "Lima", "temp_c": 24.0, "day": "2025-01-02"}"#,
            #"{"id": 3, "city": "Tokyo", "temp_c": 7.25, "day": "2025-01-03"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("weather.jsonl"), atomically: true, encoding: .utf8)
        let port = try S3TestServer.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: try #require(TestEnvironment.python))
        server.arguments = ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir.path]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: a child spawned from a test thread can inherit a mask blocking SIGTERM.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        let example = TestEnvironment.packageRoot.appendingPathComponent(".build/debug/custom-source-example").path
        let lake = dir.appendingPathComponent("lake").path
        var run = ProcessOutput(status: -1, stdout: "", stderr: "")
        for _ in 0 ..< 50 {   // until the server listens
            run = try spawn(example, ["http://127.0.0.1:\(port)/weather.jsonl", "weather", lake])
            if run.status == 0 { break }
            usleep(100_000)
        }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("loaded 3 rows into weather (2 partitions)"), "\(run.stdout)")
        let shown = try runInlet(["show", "weather", "--rows", "10", "--json", "--store", lake])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(json["types"] as? [String] == ["int64", "string", "float64", "date"])
        #expect((json["rows"] as? [[String?]])?.map { $0[1] } == ["Oslo", "Lima", "Tokyo"])
    }
}
