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

/// What a finished child process printed, and how it ended.
struct ProcessOutput {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs a program to completion; never throws on a non-zero exit.
func spawn(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
           currentDirectory: URL? = nil) throws -> ProcessOutput {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let currentDirectory { p.currentDirectoryURL = currentDirectory }
    // Files, not pipes: a chatty child can never block on a full pipe.
    let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("proc-out-\(UUID().uuidString)")
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("proc-err-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
    p.standardOutput = try FileHandle(forWritingTo: outURL)
    p.standardError = try FileHandle(forWritingTo: errURL)
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return ProcessOutput(status: p.terminationStatus,
                         stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
                         stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
}

/// Runs a program and returns its standard output; throws with stderr on a non-zero exit.
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                currentDirectory: URL? = nil) throws -> String {
    let r = try spawn(executable, arguments, environment: environment, currentDirectory: currentDirectory)
    guard r.status == 0 else {
        throw ProcessFailure(command: ([executable] + arguments).joined(separator: " "), status: r.status, stderr: r.stderr)
    }
    return r.stdout
}

/// Runs a Python snippet with the test venv's interpreter; `arguments` land in `sys.argv[1...]`.
@discardableResult
/// Secrets go in `environment`, never in `arguments`: a failure message repeats the command line.
func runPython(_ script: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> String {
    guard let python = TestEnvironment.python else { throw ProcessFailure(command: "python", status: -1, stderr: "no INLET_TEST_PYTHON") }
    return try runProcess(python, ["-c", script] + arguments, environment: environment)
}

extension TestEnvironment {
    /// The `inlet` binary that `swift build --build-tests` made beside the test bundle.
    static var inletBinary: String {
        if let p = ProcessInfo.processInfo.environment["INLET_BIN"] { return p }
        let candidates = [".build/debug/inlet", ".build/x86_64-unknown-linux-gnu/debug/inlet", ".build/aarch64-unknown-linux-gnu/debug/inlet"]
        for c in candidates {
            let p = packageRoot.appendingPathComponent(c).path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return packageRoot.appendingPathComponent(".build/debug/inlet").path
    }

    static func example(_ name: String) -> String { packageRoot.appendingPathComponent("Examples/\(name)").path }

    /// `Support/arrow_canon.py`: Arrow data as canonical JSON, for the interop tests' scripts.
    static let arrowCanonScript: String = {
        let path = packageRoot.appendingPathComponent("Tests/IntegrationTests/Support/arrow_canon.py")
        // swiftlint:disable:next force_try
        return try! String(contentsOf: path, encoding: .utf8)
    }()
}

/// Runs the `inlet` binary (no colour); never throws on a non-zero exit.
func runInlet(_ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> ProcessOutput {
    try spawn(TestEnvironment.inletBinary, arguments, environment: environment.merging(["NO_COLOR": "1"]) { a, _ in a },
              currentDirectory: currentDirectory)
}
