import Columnar
import Connectors
import Foundation
import Yams

/// One YAML mapping of a config, read with the rules every Inlet config follows: keys must be
/// known (a near miss gets a "did you mean"), a key may appear once, `null`, `~` or nothing for
/// a key means it is absent, `${VAR}` expands from the environment, and every error names the
/// file, the line and the key.
struct ConfigMap {
    let file: String
    let line: Int
    /// `pipeline 'orders'`, `pipeline 'orders', csv`.
    let context: String?
    let interpolation: Interpolation
    private let entries: [String: (key: Node, value: Node)]
    /// Keys written with a null value: absent, but not unknown.
    private let nulls: Set<String>

    init(_ node: Node, file: String, context: String?, known: [String], interpolation: Interpolation, what: String) throws {
        guard case let .mapping(map) = node else {
            throw ConfigError(file: file, line: node.mark?.line, context: context, message: "\(what) must be a mapping of keys")
        }
        self.file = file
        line = map.mark?.line ?? node.mark?.line ?? 1
        self.context = context
        self.interpolation = interpolation
        var entries: [String: (key: Node, value: Node)] = [:]
        var nulls: Set<String> = []
        for (key, value) in map {
            guard case let .scalar(k) = key else {
                throw ConfigError(file: file, line: key.mark?.line, context: context, message: "keys must be plain text")
            }
            let name = k.string
            guard known.contains(name) else {
                let hint = nearest(name, in: known).map { " (did you mean '\($0)'?)" } ?? " (known: \(known.joined(separator: ", ")))"
                throw ConfigError(file: file, line: key.mark?.line, context: context, message: "unknown key '\(name)'\(hint)")
            }
            guard entries[name] == nil, !nulls.contains(name) else {
                throw ConfigError(file: file, line: key.mark?.line, context: context, message: "duplicate key '\(name)'")
            }
            if value.isYAMLNull { nulls.insert(name) } else { entries[name] = (key, value) }
        }
        self.entries = entries
        self.nulls = nulls
    }

    func has(_ key: String) -> Bool { entries[key] != nil }

    /// The raw value of `key` (nil when absent or null).
    func node(_ key: String) -> Node? { entries[key]?.value }

    /// The line of `key` (its value's, when present), else the mapping's.
    func line(of key: String) -> Int { entries[key].flatMap { $0.value.mark?.line ?? $0.key.mark?.line } ?? line }

    func fail(_ key: String?, _ message: String) -> ConfigError {
        ConfigError(file: file, line: key.map(line(of:)) ?? line, context: context, message: message)
    }

    /// Every `${VAR}` value anywhere in this block (nested maps and lists too), with its text as
    /// written: a source that shows URLs or bodies at run time shows those as written.
    func variableValues() -> [(value: String, written: String)] {
        func walk(_ node: Node) -> [(value: String, written: String)] {
            switch node {
            case let .scalar(s): return interpolation.variables(in: s.string)
            case let .sequence(items): return items.flatMap(walk)
            case let .mapping(map): return map.flatMap { walk($0.value) }
            @unknown default: return []
            }
        }
        return entries.values.flatMap { walk($0.value) }
    }

    /// Text as written (before `${VAR}` expansion), for messages about a bad value.
    func written(_ key: String) -> String { entries[key].flatMap { $0.value.string } ?? "" }

    /// An error about `key`'s value whose message shows the value as written: a value that came
    /// from `${VAR}` may be a secret, so its expansion never appears.
    func failValue(_ key: String, _ message: String) -> ConfigError {
        let text = written(key)
        guard text.contains("${"), case let .success(expanded) = interpolation.expand(text), !expanded.isEmpty else {
            return fail(key, message)
        }
        return fail(key, message.replacingOccurrences(of: expanded, with: text))
    }

    // MARK: typed values

    func string(_ key: String) throws -> String? {
        guard let (_, value) = entries[key] else { return nil }
        guard case let .scalar(s) = value else { throw fail(key, "'\(key)' must be a text value") }
        return try expand(s.string, key: key)
    }

    func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else {
            throw fail(nil, nulls.contains(key) ? "'\(key)' must have a value, not null" : "missing required key '\(key)'")
        }
        return s
    }

    /// A text that must not be empty (a column name, a path).
    func nonEmpty(_ key: String) throws -> String? {
        guard let s = try string(key) else { return nil }
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail(key, "'\(key)' must not be empty") }
        return s
    }

    func bool(_ key: String) throws -> Bool? {
        guard let (_, value) = entries[key] else { return nil }
        guard case .scalar = value, let b = value.bool else { throw fail(key, "'\(key)' must be true or false") }
        return b
    }

    func int(_ key: String) throws -> Int? {
        guard let (_, value) = entries[key] else { return nil }
        guard case .scalar = value, let text = try string(key), let n = Int(text) else {
            throw fail(key, "'\(key)' must be a whole number")
        }
        return n
    }

    /// A list of texts; a single text is split on commas (`null_values: "NULL,N/A"`).
    func stringList(_ key: String) throws -> [String]? {
        guard let (_, value) = entries[key] else { return nil }
        switch value {
        case let .scalar(s):
            return try expand(s.string, key: key).split(separator: ",").map(String.init)
        case let .sequence(items):
            return try items.map { item in
                guard case let .scalar(s) = item else { throw fail(key, "'\(key)' must be a list of text values") }
                return try expand(s.string, key: key)
            }
        default:
            throw fail(key, "'\(key)' must be a list of text values")
        }
    }

    /// A mapping of text to text, in file order (`rename`, `schema`).
    func stringPairs(_ key: String) throws -> [(String, String)]? {
        guard let (_, value) = entries[key] else { return nil }
        guard case let .mapping(map) = value else { throw fail(key, "'\(key)' must be a mapping") }
        var seen = Set<String>()
        return try map.map { k, v in
            guard case let .scalar(ks) = k, case let .scalar(vs) = v else {
                throw ConfigError(file: file, line: k.mark?.line, context: context, message: "'\(key)' must map text to text")
            }
            guard seen.insert(ks.string).inserted else {
                throw ConfigError(file: file, line: k.mark?.line, context: context, message: "'\(key)' names '\(ks.string)' twice")
            }
            return (ks.string, try expand(vs.string, key: key))
        }
    }

    /// A nested mapping, read with its own known keys.
    func map(_ key: String, known: [String], context nested: String? = nil) throws -> ConfigMap? {
        guard let (_, value) = entries[key] else { return nil }
        let ctx = [context, nested ?? key].compactMap { $0 }.joined(separator: ", ")
        return try ConfigMap(value, file: file, context: ctx, known: known, interpolation: interpolation, what: "'\(key)'")
    }

    func double(_ key: String) throws -> Double? {
        guard let (_, value) = entries[key] else { return nil }
        guard case .scalar = value, let text = try string(key), let n = Double(text), n.isFinite else {
            throw fail(key, "'\(key)' must be a number")
        }
        return n
    }

    /// A list of mappings (`children`), each read with its own known keys.
    func maps(_ key: String, known: [String]) throws -> [ConfigMap]? {
        guard let (_, value) = entries[key] else { return nil }
        guard case let .sequence(items) = value else { throw fail(key, "'\(key)' must be a list of mappings") }
        return try items.enumerated().map { i, item in
            try ConfigMap(item, file: file, context: [context, "\(key)[\(i)]"].compactMap { $0 }.joined(separator: ", "),
                          known: known, interpolation: interpolation, what: "each of '\(key)'")
        }
    }

    /// Any YAML value as JSON (`json_body`), texts expanded; numbers and booleans stay typed.
    func json(_ key: String) throws -> JSONValue? {
        guard let (_, value) = entries[key] else { return nil }
        return try json(value, key: key)
    }

    private func json(_ node: Node, key: String) throws -> JSONValue {
        switch node {
        case let .scalar(s):
            if node.isYAMLNull { return .null }
            if s.style == .plain {
                if let b = node.bool { return .bool(b) }
                if let i = Int64(s.string) { return .int(i) }
                if let d = Double(s.string), d.isFinite { return .double(d) }
            }
            return .string(try expand(s.string, key: key))
        case let .sequence(items):
            return .array(try items.map { try json($0, key: key) })
        case let .mapping(map):
            var out: [String: JSONValue] = [:]
            for (k, v) in map {
                guard case let .scalar(ks) = k else { throw fail(key, "'\(key)' keys must be plain text") }
                out[ks.string] = try json(v, key: key)
            }
            return .object(out)
        }
    }

    private func expand(_ text: String, key: String) throws -> String {
        switch interpolation.expand(text) {
        case let .success(s): return s
        case let .failure(e): throw fail(key, "'\(key)' uses ${\(e.name)}, which is not set (in the environment or .env)")
        }
    }
}
