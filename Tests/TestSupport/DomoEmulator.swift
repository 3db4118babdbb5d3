import Foundation

/// Runs `domo_emulator.py` (stdlib only) on 127.0.0.1 for one test.
///
/// Python comes from `INLET_TEST_PYTHON` (scripts/test), the package's `.venv-test`, or `python3`
/// on PATH. Without any, the client suites are skipped unless `INLET_REQUIRE_INTEGRATION=1`.
public final class DomoEmulator {
    public static let clientId = "abcd-client-7f3e"
    public static let clientSecret = "s3cret-Domo-Value-91x"

    public static var packageRoot: URL { Fixtures.packageRoot }

    public static var required: Bool { ProcessInfo.processInfo.environment["INLET_REQUIRE_INTEGRATION"] == "1" }

    public static var python: String? {
        let env = ProcessInfo.processInfo.environment
        if let p = env["INLET_TEST_PYTHON"], !p.isEmpty { return p }
        var candidates = [packageRoot.appendingPathComponent(".venv-test/bin/python").path]
        for dir in (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":") { candidates.append("\(dir)/python3") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static var available: Bool { python != nil || required }

    public let process = Process()
    /// Our end of the emulator's stdin: closing it makes the emulator exit.
    private let lifeline = Pipe()
    public let directory: URL
    public let logPath: String
    public let port: Int
    public var host: String { "http://127.0.0.1:\(port)" }

    /// The environment a `DomoClient` reads, pointing at this emulator.
    public var environment: [String: String] {
        ["DOMO_CLIENT_ID": Self.clientId, "DOMO_CLIENT_SECRET": Self.clientSecret, "DOMO_API_HOST": host]
    }

    /// `config` follows the keys documented in domo_emulator.py; credentials are filled in.
    public init(_ config: [String: Any]) throws {
        guard let python = Self.python else { throw EmulatorFailure("no python for the DOMO emulator (set INLET_TEST_PYTHON)") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-domo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config = config
        config["client_id"] = config["client_id"] ?? Self.clientId
        config["client_secret"] = config["client_secret"] ?? Self.clientSecret
        let configURL = directory.appendingPathComponent("emulator.json")
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        logPath = directory.appendingPathComponent("requests.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)

        let script = Self.packageRoot.appendingPathComponent("Tests/TestSupport/domo_emulator.py").path
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, configURL.path, logPath]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = lifeline
        try process.run()
        // The first stdout line is "PORT <n>".
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = out.fileHandleForReading.availableData
            if more.isEmpty { throw EmulatorFailure("DOMO emulator exited before printing its port") }
            line += more
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            throw EmulatorFailure("unexpected emulator output: \(text)")
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

    private var logLines: [Substring] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n")
    }

    /// Requests the emulator received for `path` (no query string).
    public func count(_ path: String) -> Int {
        logLines.filter { $0 == "GET \(path)" }.count
    }

    /// Every access token the emulator issued.
    public var issuedTokens: [String] {
        logLines.filter { $0.hasPrefix("ISSUED ") }.map { String($0.dropFirst("ISSUED ".count)) }
    }
}

public struct EmulatorFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

