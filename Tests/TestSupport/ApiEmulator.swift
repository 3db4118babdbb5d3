import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs `api_emulator.py` (stdlib only) on 127.0.0.1 for one test: paginated resources, each
/// auth type, faults (429, 5xx bursts, bodies cut short), child resources (see the script).
public final class ApiEmulator {
    private let server: ScriptServer
    public var host: String { server.host }
    public var port: Int { server.port }

    public init(_ config: [String: Any]) throws {
        server = try ScriptServer(script: "api_emulator.py", config: config, label: "api")
    }

    public func stop() { server.stop() }

    /// Every request line: "GET /path?query auth=…".
    public var requests: [String] { server.logLines.filter { $0.hasPrefix("GET ") || $0.hasPrefix("POST ") }.map(String.init) }

    /// Requests to `path` (the query ignored).
    public func count(_ path: String) -> Int {
        requests.filter { line in
            let target = line.split(separator: " ")[1]
            return target.split(separator: "?", maxSplits: 1)[0] == path
        }.count
    }

    /// Requests the rate limit refused (`rate_limit` in the config).
    public var rateLimited: Int { server.logLines.filter { $0.hasPrefix("RATE_LIMITED ") }.count }

    /// When each request to `path` (the query ignored) arrived, by the emulator's clock.
    public func arrivals(_ path: String) -> [Double] {
        requests.filter { $0.split(separator: " ")[1].split(separator: "?", maxSplits: 1)[0] == path }
            .compactMap { line in line.split(separator: " ").last.flatMap { $0.hasPrefix("at=") ? Double($0.dropFirst(3)) : nil } }
    }

    /// For each answer to `path` that carried Retry-After, the emulator's time before which a
    /// retry would not have honoured it.
    public func retryAfterNotBefore(_ path: String) -> [Double] {
        server.logLines.filter { $0.hasPrefix("RETRY_AFTER \(path) ") }.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }

    /// Requests refused for their credentials (401 from `auth`).
    public var rejected: Int { server.logLines.filter { $0.hasPrefix("REJECTED ") }.count }

    /// The most resource requests whose path `matches` that were being answered at once.
    public func maxInFlight(_ matches: (String) -> Bool) -> Int {
        server.logLines.filter { $0.hasPrefix("INFLIGHT ") }.compactMap { line -> Int? in
            let parts = line.split(separator: " ")
            return parts.count == 3 && matches(String(parts[2])) ? Int(parts[1]) : nil
        }.max() ?? 0
    }

    public var issuedTokens: [String] {
        server.logLines.filter { $0.hasPrefix("ISSUED ") }.map { String($0.dropFirst("ISSUED ".count)) }
    }

    /// Inserts `record` into `path`'s records at `at` (the end when nil).
    public func insert(_ record: [String: Any], into path: String, at: Int? = nil) throws {
        var body: [String: Any] = ["path": path, "record": record]
        if let at { body["at"] = at }
        try control("insert", body)
    }

    public func update(_ path: String, id: Any, set: [String: Any]) throws {
        try control("update", ["path": path, "id": id, "set": set])
    }

    private func control(_ action: String, _ body: [String: Any]) throws {
        var request = URLRequest(url: URL(string: "\(host)/_control/\(action)")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        URLSession.shared.dataTask(with: request) { _, response, error in
            if let error { failure = error } else if (response as? HTTPURLResponse)?.statusCode != 200 { failure = EmulatorFailure("control \(action) failed") }
            done.signal()
        }.resume()
        done.wait()
        if let failure { throw failure }
    }
}
