import Foundation

/// A path into a JSON document, one syntax for every path a config gives (`records`,
/// `next_url_path`, `cursor_path`, …): `$` is the document itself; dotted keys walk objects
/// (`meta.next`, an optional leading `$.`); `[n]` indexes lists, from the end when negative
/// (`data[-1].id`: the last record's id).
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public let steps: [Step]
    /// As written, for messages.
    public let description: String

    public var isRoot: Bool { steps.isEmpty }

    /// Parses `text`; the error says what is wrong with it.
    public init(_ text: String) throws {
        description = text
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest == "$" || rest.isEmpty { steps = []; return }
        if rest.hasPrefix("$.") { rest = rest.dropFirst(2) } else if rest.hasPrefix("$[") { rest = rest.dropFirst() }
        var steps: [Step] = []
        var key = ""
        var expectingKey = true
        func flush() throws {
            if !key.isEmpty { steps.append(.key(key)); key = "" } else if expectingKey { throw JSONPathError(path: text, message: "an empty key") }
        }
        var i = rest.startIndex
        while i < rest.endIndex {
            let c = rest[i]
            switch c {
            case ".":
                try flush()
                expectingKey = true
                i = rest.index(after: i)
            case "[":
                if !key.isEmpty { steps.append(.key(key)); key = "" } else if expectingKey, !steps.isEmpty {
                    throw JSONPathError(path: text, message: "an empty key before '['")
                }
                guard let close = rest[i...].firstIndex(of: "]") else { throw JSONPathError(path: text, message: "'[' without ']'") }
                let inside = rest[rest.index(after: i) ..< close].trimmingCharacters(in: .whitespaces)
                guard let n = Int(inside) else { throw JSONPathError(path: text, message: "'[\(inside)]' is not a list index (e.g. [0] or [-1])") }
                steps.append(.index(n))
                expectingKey = false
                i = rest.index(after: close)
                if i < rest.endIndex, rest[i] != ".", rest[i] != "[" {
                    throw JSONPathError(path: text, message: "expected '.' or '[' after ']'")
                }
            case "]":
                throw JSONPathError(path: text, message: "']' without '['")
            default:
                key.append(c)
                i = rest.index(after: i)
            }
        }
        if !key.isEmpty { steps.append(.key(key)) } else if expectingKey { throw JSONPathError(path: text, message: "ends with '.'") }
        self.steps = steps
    }
}

/// A path that cannot be parsed.
public struct JSONPathError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String
    public var description: String { "invalid path '\(path)': \(message)" }
}
