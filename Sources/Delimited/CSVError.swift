/// A CSV problem a person can act on: `FILE:LINE: what went wrong`.
public struct CSVError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case fieldCount(expected: Int, found: Int)
        /// The line is where the quote opened.
        case unterminatedQuote
        /// `byteOffset` is the 0-based offset of the first bad byte in the file.
        case invalidBytes(encoding: TextEncoding, byteOffset: Int64, bytes: [UInt8], hint: String?)
        /// `quoteOpen`: the line is where a quoted field opened that had not closed by then.
        case recordTooLong(limit: Int, quoteOpen: Bool)
        case emptyFile
        /// Not delimited text (a compressed file, a workbook…): what it is, and what to do.
        case notText(what: String, hint: String)
        case io(String)
    }

    public let file: String
    /// Physical 1-based line (0 when the problem is not tied to a line).
    public let line: Int
    public let kind: Kind
    /// What probably caused it and what to do, when the reader can tell (shown in parentheses).
    public var hint: String?

    public init(file: String, line: Int, kind: Kind, hint: String? = nil) {
        self.file = file
        self.line = line
        self.kind = kind
        self.hint = hint
    }

    /// The message without the `FILE:LINE: ` prefix (used as the reason in rejects files).
    public var reason: String {
        hint.map { "\(problem) (\($0))" } ?? problem
    }

    private var problem: String {
        switch kind {
        case let .fieldCount(expected, found):
            return "expected \(expected) field\(expected == 1 ? "" : "s"), found \(found)"
        case .unterminatedQuote:
            return "unterminated quoted field (the quote opened on this line never closes)"
        case let .invalidBytes(encoding, offset, bytes, hint):
            let hex = bytes.map { "0x" + String($0, radix: 16, uppercase: true).leftPadded(2) }.joined(separator: " ")
            // No bytes: a gzip file's, whose text offsets are not file offsets.
            var text = bytes.isEmpty ? "the text at byte offset \(offset) of the decompressed file is not valid \(encoding.rawValue)"
                : "bytes \(hex) at byte offset \(offset) are not valid \(encoding.rawValue)"
            if let hint { text += " (\(hint))" }
            return text
        case let .recordTooLong(limit, quoteOpen):
            let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
            return quoteOpen
                ? "a quoted field opened here is still open after \(size) (unterminated quote?)"
                : "a record longer than \(size) starts here"
        case .emptyFile:
            return "the file has no rows"
        case let .notText(what, hint):
            return "the file is \(what), not CSV text; \(hint)"
        case let .io(message):
            return message
        }
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)"
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
