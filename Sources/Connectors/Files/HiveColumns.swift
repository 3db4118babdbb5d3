import Columnar
import Foundation
import Inference

/// `hive_columns: true`: folder names `key=value` in an object's path become columns, typed
/// from every object's value by the CSV rules (`dt=2025-01-02` a date, `n=7` an int64,
/// `region=eu` a string). Values are URL-decoded (`%2F` is `/`), and Hive's
/// `__HIVE_DEFAULT_PARTITION__` is null.
struct HiveColumns {
    private(set) var names: [String] = []
    private var inference: [String: ValueInference] = [:]
    let options: InferenceOptions

    init(options: InferenceOptions) { self.options = options }

    static let nullValue = "__HIVE_DEFAULT_PARTITION__"

    /// The `key=value` folders of `key` (its file name excluded), in path order; a later
    /// folder with the same key wins.
    static func pairs(_ key: String) -> [(name: String, value: String?)] {
        var out: [(String, String?)] = []
        for segment in key.split(separator: "/").dropLast() {
            guard let eq = segment.firstIndex(of: "="), eq != segment.startIndex else { continue }
            let name = decode(segment[..<eq])
            let raw = decode(segment[segment.index(after: eq)...])
            let value: String? = raw == nullValue || raw.isEmpty ? nil : raw
            if let i = out.firstIndex(where: { $0.0 == name }) { out[i].1 = value } else { out.append((name, value)) }
        }
        return out
    }

    private static func decode(_ s: Substring) -> String { String(s).removingPercentEncoding ?? String(s) }

    /// Observes one object's folders.
    mutating func observe(_ key: String) {
        for (name, value) in Self.pairs(key) {
            if inference[name] == nil {
                names.append(name)
                inference[name] = ValueInference(options: options)
            }
            guard let value else { continue }
            var bytes = Array(value.utf8)
            bytes.withUnsafeMutableBufferPointer { b in inference[name]!.observe(b.baseAddress!, b.count, line: 0) }
        }
    }

    /// Each hive column's type, in order of first appearance.
    func fields() -> [(field: Field, parser: ValueParser)] {
        names.map { name in
            let d = inference[name]!.decide()
            return (Field(name, d.type), d.parser)
        }
    }

    /// One object's values as one-row columns, for the batches of that object: null where its
    /// path lacks the folder. A value its column's type refuses (a type the dataset stored from
    /// an earlier load, an `n=abc` folder under an int64 `n`) is an error, never a null.
    static func values(_ key: String, url: String, fields: [(field: Field, parser: ValueParser)]) throws -> [String: Column] {
        let pairs = Dictionary(Self.pairs(key).map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b })
        var out: [String: Column] = [:]
        for (field, parser) in fields {
            var b = ColumnBuilder(type: field.type, capacity: 1)
            if let value = pairs[field.name] ?? nil {
                var bytes = Array(value.utf8)
                let ok = bytes.withUnsafeMutableBufferPointer { parser.append($0.baseAddress!, $0.count, to: &b) }
                guard ok else {
                    throw FilesCastError(message: "\(url): hive column '\(field.name)' is '\(value)', not a value of its type \(field.type.name)")
                }
            } else {
                b.appendNull()
            }
            out[field.name] = b.finish()
        }
        return out
    }
}
