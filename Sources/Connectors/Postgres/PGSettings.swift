import Foundation

/// Where and how to connect, as libpq reads it: a `postgres://user:pass@host:port/db?sslmode=…`
/// URL whose parts win, then `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`,
/// `PGSSLMODE`, `PGSSLROOTCERT`, then `~/.pgpass` (or `PGPASSFILE`) for the password.
public struct PGSettings: Sendable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host = "localhost"
    public var port = 5432
    public var user = ""
    public var password: String?
    public var database = ""
    public var sslMode = SSLMode.prefer
    public var sslRootCert: String?
    public var connectTimeout = 30.0
    /// How long a read may wait for the server mid-load before the load fails.
    public var ioTimeout = 600.0

    public init() {}

    /// The URL (may be empty) completed from the environment. A password written in the URL is
    /// percent-decoded; nothing here ever prints it.
    public init(url: String, environment env: [String: String]) throws {
        var fromURL = PGSettings.URLParts()
        if !url.isEmpty { fromURL = try PGSettings.parse(url) }
        host = fromURL.host ?? env["PGHOST"].nonEmpty ?? "localhost"
        if let p = fromURL.port ?? env["PGPORT"].nonEmpty {
            // The value is not echoed: from a URL whose password holds a '/' or '?', what parses
            // as the port is the start of the password.
            guard let n = Int(p), (1 ... 65535).contains(n) else {
                throw PGError.usage(fromURL.port != nil ? "the URL's port is not a port number (1-65535); percent-encode '/', '?', '@' and ':' in a password"
                                                        : "PGPORT is not a port number (1-65535)")
            }
            port = n
        }
        user = fromURL.user ?? env["PGUSER"].nonEmpty ?? env["USER"] ?? "postgres"
        database = fromURL.database ?? env["PGDATABASE"].nonEmpty ?? user
        password = fromURL.password ?? env["PGPASSWORD"].nonEmpty
        if let m = fromURL.query["sslmode"] ?? env["PGSSLMODE"].nonEmpty {
            guard let mode = SSLMode(rawValue: m) else {
                throw PGError.usage("sslmode '\(m)' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sslMode = mode
        }
        sslRootCert = fromURL.query["sslrootcert"] ?? env["PGSSLROOTCERT"].nonEmpty
        if let t = fromURL.query["connect_timeout"] ?? env["PGCONNECT_TIMEOUT"].nonEmpty, let s = Double(t), s > 0 { connectTimeout = s }
        if password == nil {
            let passfile = env["PGPASSFILE"].nonEmpty ?? (env["HOME"].map { $0 + "/.pgpass" })
            if let passfile { password = PGSettings.pgpass(at: passfile, host: host, port: port, database: database, user: user) }
        }
    }

    /// For messages: the URL with no password (`postgres://tester:***@127.0.0.1:5432/testdb`).
    public var redacted: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(hostPart):\(port)/\(database)"
    }

    struct URLParts {
        var user: String?, password: String?, host: String?, port: String?, database: String?
        var query: [String: String] = [:]
    }

    /// `postgres[ql]://[user[:password]@][host][:port][/database][?key=value&…]`.
    static func parse(_ url: String) throws -> URLParts {
        var rest = Substring(url)
        guard let scheme = ["postgresql://", "postgres://"].first(where: { rest.hasPrefix($0) }) else {
            throw PGError.usage("the url must start with postgres:// or postgresql://")
        }
        rest = rest.dropFirst(scheme.count)
        var parts = URLParts()
        if let q = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                parts.query[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
            }
            rest = rest[..<q]
        }
        if let slash = rest.firstIndex(of: "/") {
            let db = decode(rest[rest.index(after: slash)...])
            if !db.isEmpty { parts.database = db }
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let auth = rest[..<at]
            if let colon = auth.firstIndex(of: ":") {
                parts.user = decode(auth[..<colon])
                parts.password = decode(auth[auth.index(after: colon)...])
            } else {
                parts.user = decode(auth)
            }
            rest = rest[rest.index(after: at)...]
        }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            parts.host = String(rest[rest.index(after: rest.startIndex) ..< close])
            rest = rest[rest.index(after: close)...]
            if rest.hasPrefix(":") { parts.port = String(rest.dropFirst()) }
        } else if let colon = rest.lastIndex(of: ":") {
            parts.host = decode(rest[..<colon])
            parts.port = String(rest[rest.index(after: colon)...])
        } else if !rest.isEmpty {
            parts.host = decode(rest)
        }
        if parts.user?.isEmpty == true { parts.user = nil }
        if parts.host?.isEmpty == true { parts.host = nil }
        return parts
    }

    private static func decode<S: StringProtocol>(_ s: S) -> String { String(s).removingPercentEncoding ?? String(s) }

    /// The password of the first matching `host:port:database:user:password` line (`*` matches
    /// anything; `\:` and `\\` are escapes), as libpq reads `.pgpass`.
    static func pgpass(at path: String, host: String, port: Int, database: String, user: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], field = "", escaped = false
            for c in line {
                if escaped { field.append(c); escaped = false } else if c == "\\" { escaped = true }
                else if c == ":" && fields.count < 4 { fields.append(field); field = "" } else { field.append(c) }
            }
            fields.append(field)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 || ($0 == "localhost" && $1 == "127.0.0.1") }) {
                return fields[4]
            }
        }
        return nil
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}

/// Printed, dumped or shown by a failed expectation, settings show the redacted URL: never the
/// password.
extension PGSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { redacted }
    public var debugDescription: String { redacted }
    public var customMirror: Mirror { Mirror(self, children: ["url": redacted]) }
}
