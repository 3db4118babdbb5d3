/// The documented exit codes (README "Exit codes").
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    /// Anything not covered below (a bug, an I/O failure on the local machine).
    case failure = 1
    /// Bad command line, configuration or environment.
    case usage = 2
    /// The input data is bad (CSV syntax, encoding, a value that breaks its type).
    case badData = 3
    /// A remote service or the store failed (S3, DOMO, the lake's storage).
    case remote = 4
}

/// An error the CLI raises itself, already classified.
struct CLIError: Error, CustomStringConvertible {
    let status: ExitStatus
    let message: String
    var description: String { message }

    static func usage(_ m: String) -> CLIError { CLIError(status: .usage, message: m) }
    static func badData(_ m: String) -> CLIError { CLIError(status: .badData, message: m) }
}
