import Foundation

/// Where the integration tests find their peers.
///
/// `scripts/test` creates `.venv-test` (pyarrow, DuckDB, polars, moto), exports
/// `INLET_TEST_PYTHON` and sets `INLET_REQUIRE_INTEGRATION=1`, under which a missing peer
/// is a failure. A bare `swift test` without them skips these tests.
enum TestEnvironment {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static var required: Bool { ProcessInfo.processInfo.environment["INLET_REQUIRE_INTEGRATION"] == "1" }

    /// The venv's python, or nil when integration tests should be skipped.
    static var python: String? {
        if let p = ProcessInfo.processInfo.environment["INLET_TEST_PYTHON"], !p.isEmpty { return p }
        let venv = packageRoot.appendingPathComponent(".venv-test/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// `../shared/testdata` or `INLET_TESTDATA`.
    static var testdata: URL? {
        let env = ProcessInfo.processInfo.environment["INLET_TESTDATA"]
        let url = env.map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory(_ label: String = "inlet-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    let command: String
    let status: Int32
    let stderr: String
    var description: String { "\(command) exited \(status): \(stderr)" }
}

/// Runs a program and returns its standard output; throws with stderr on a non-zero exit.
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                currentDirectory: URL? = nil) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    if let currentDirectory { p.currentDirectoryURL = currentDirectory }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes before waiting so a chatty child cannot block on a full pipe.
    var errData = Data()
    let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    errReader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while errReader.isExecuting || !errReader.isFinished { usleep(1000) }
    guard p.terminationStatus == 0 else {
        throw ProcessFailure(command: ([executable] + arguments).joined(separator: " "), status: p.terminationStatus,
                             stderr: String(decoding: errData, as: UTF8.self))
    }
    return String(decoding: outData, as: UTF8.self)
}

/// Runs a Python snippet with the test venv's interpreter; `arguments` land in `sys.argv[1...]`.
@discardableResult
func runPython(_ script: String, _ arguments: [String] = []) throws -> String {
    guard let python = TestEnvironment.python else { throw ProcessFailure(command: "python", status: -1, stderr: "no INLET_TEST_PYTHON") }
    return try runProcess(python, ["-c", script] + arguments)
}
