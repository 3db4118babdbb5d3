import Foundation

/// Runs `domo_emulator.py` (stdlib only) on 127.0.0.1 for one test (see `ScriptServer`).
public final class DomoEmulator {
    public static let clientId = "abcd-client-7f3e"
    public static let clientSecret = "s3cret-Domo-Value-91x"

    public static var packageRoot: URL { Fixtures.packageRoot }
    public static var required: Bool { ScriptServer.required }
    public static var python: String? { ScriptServer.python }
    public static var available: Bool { ScriptServer.available }

    private let server: ScriptServer
    public var process: Process { server.process }
    public var directory: URL { server.directory }
    public var logPath: String { server.logPath }
    public var port: Int { server.port }
    public var host: String { server.host }

    /// The environment a `DomoClient` reads, pointing at this emulator.
    public var environment: [String: String] {
        ["DOMO_CLIENT_ID": Self.clientId, "DOMO_CLIENT_SECRET": Self.clientSecret, "DOMO_API_HOST": host]
    }

    /// `config` follows the keys documented in domo_emulator.py; credentials are filled in.
    public init(_ config: [String: Any]) throws {
        var config = config
        config["client_id"] = config["client_id"] ?? Self.clientId
        config["client_secret"] = config["client_secret"] ?? Self.clientSecret
        server = try ScriptServer(script: "domo_emulator.py", config: config, label: "domo")
    }

    public func stop() { server.stop() }

    /// Requests the emulator received for `path` (no query string).
    public func count(_ path: String) -> Int {
        server.logLines.filter { $0 == "GET \(path)" }.count
    }

    /// Every access token the emulator issued.
    public var issuedTokens: [String] {
        server.logLines.filter { $0.hasPrefix("ISSUED ") }.map { String($0.dropFirst("ISSUED ".count)) }
    }
}
