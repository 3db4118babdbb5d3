/// Everything that can go wrong talking to PostgreSQL, each one line naming what failed.
/// Messages never hold a password or a token: URLs appear as `PGSettings.redacted`.
public enum PGError: Error, CustomStringConvertible {
    /// The server could not be reached, or refused the login (wrong host, password, database).
    case connect(String)
    case tls(String)
    /// The connection dropped or timed out mid-conversation.
    case connectionLost(String)
    /// The server answered with an error: SQLSTATE code, message, and our context.
    case server(code: String, message: String, context: String)
    /// The config or the command line asked for something impossible (unknown table, unmappable type).
    case usage(String)
    /// A value the lake cannot hold as declared (±infinity, NaN in a decimal column).
    case badValue(String)
    /// The server sent something this client does not understand.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case let .connect(m), let .tls(m), let .connectionLost(m), let .usage(m), let .badValue(m), let .protocolViolation(m): return m
        case let .server(code, message, context): return "\(context): \(message) (SQLSTATE \(code))"
        }
    }

    /// Exit-code class: bad config or SQL is the user's (2), bad data 3, the server's failures 4.
    public var isUsage: Bool {
        switch self {
        case .usage: return true
        case let .server(code, _, _):
            // 42: syntax error or access rule violation (unknown table/column, bad SQL); 22: bad literal in `where`.
            return code.hasPrefix("42") || code.hasPrefix("22") || code == "0A000"
        default: return false
        }
    }

    public var isBadData: Bool { if case .badValue = self { return true } else { return false } }
}
