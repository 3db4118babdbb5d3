import Foundation

/// A test server written in stdlib Python (`Tests/TestSupport/*.py`) on 127.0.0.1: started with
/// a JSON config, it prints "PORT <n>", appends each request to a log, and exits when its stdin
/// (our lifeline) closes, so no server outlives its test.
///
/// Python comes from `INLET_TEST_PYTHON` (scripts/test), the package's `.venv-test`, or `python3`
/// on PATH. Without any, the suites are skipped unless `INLET_REQUIRE_INTEGRATION=1`.
public final class ScriptServer {
    public static var required: Bool { ProcessInfo.processInfo.environment["INLET_REQUIRE_INTEGRATION"] == "1" }

    public static var python: String? {
        let env = ProcessInfo.processInfo.environment
        if let p = env["INLET_TEST_PYTHON"], !p.isEmpty { return p }
        var candidates = [Fixtures.packageRoot.appendingPathComponent(".venv-test/bin/python").path]
        for dir in (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":") { candidates.append("\(dir)/python3") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static var available: Bool { python != nil || required }

    public let process = Process()
    private let lifeline = Pipe()
    public let directory: URL
    public let logPath: String
    public let port: Int
    public var host: String { "http://127.0.0.1:\(port)" }

    public init(script: String, config: [String: Any], label: String) throws {
        guard let python = Self.python else { throw EmulatorFailure("no python for \(script) (set INLET_TEST_PYTHON)") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configURL = directory.appendingPathComponent("emulator.json")
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        logPath = directory.appendingPathComponent("requests.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Fixtures.packageRoot.appendingPathComponent("Tests/TestSupport/\(script)").path, configURL.path, logPath]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = lifeline
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = out.fileHandleForReading.availableData
            if more.isEmpty { throw EmulatorFailure("\(script) exited before printing its port") }
            line += more
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            throw EmulatorFailure("unexpected output from \(script): \(text)")
        }
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        try? lifeline.fileHandleForWriting.close()
        if process.isRunning {
            // SIGKILL: a child spawned from a test thread can inherit a mask blocking SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    public var logLines: [Substring] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n")
    }
}

public struct EmulatorFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
