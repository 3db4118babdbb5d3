import Foundation

/// Where human text, machine JSON, progress and errors go.
///
/// Results go to stdout (text, or JSON with `--json`); progress, warnings and errors go to
/// stderr so that `--json` output stays parseable. `-q` silences everything but errors and
/// results; `-v` adds detail to errors. Colour only on a terminal and never with NO_COLOR.
struct Console: Sendable {
    let json: Bool
    let quiet: Bool
    let verbose: Bool
    let color: Bool
    let stderrIsTerminal: Bool

    init(json: Bool, quiet: Bool, verbose: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.json = json
        self.quiet = quiet
        self.verbose = verbose
        stderrIsTerminal = isatty(STDERR_FILENO) == 1
        color = isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"].map(\.isEmpty) ?? true && environment["TERM"] != "dumb"
    }

    /// A line of the command's result (stdout).
    func out(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Status for a person (stderr); silenced by `-q` and in JSON mode unless on a terminal.
    func status(_ line: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    func warning(_ line: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(("warning: " + line + "\n").utf8))
    }

    /// Detail shown only with `-v`.
    func detail(_ line: String) {
        guard verbose else { return }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    func error(_ message: String) {
        let prefix = color && stderrIsTerminal ? "\u{1B}[31merror:\u{1B}[0m " : "error: "
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
    }

    /// Asks `question` on stderr and reads the answer; true for y or yes.
    func confirm(_ question: String) -> Bool {
        FileHandle.standardError.write(Data((question + " [y/N] ").utf8))
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.lowercased())
    }

    func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }

    /// Writes `value` as pretty, key-sorted JSON on stdout, every key in snake_case (one
    /// convention for every command, whatever its Swift property names).
    func emitJSON<T: Encodable>(_ value: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.keyEncodingStrategy = .convertToSnakeCase
        enc.dateEncodingStrategy = .iso8601
        FileHandle.standardOutput.write(try enc.encode(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
