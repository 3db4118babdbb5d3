import Columnar
import Delimited
import Inference

/// The CSV reading and type inference settings as a person writes them, the same on the
/// command line (`--delimiter ';'`) and in a pipeline config (`delimiter: ";"`), turned into
/// reader and inference options with one set of checks.
public struct CSVSettings: Sendable, Equatable {
    /// One ASCII character, `tab` or `\t`; nil: sniffed.
    public var delimiter: String?
    /// `"` or `'`; nil: sniffed.
    public var quote: String?
    /// false: the first row is data; nil: decided from the rows.
    public var header: Bool?
    public var skipRows = 0
    /// nil: detected.
    public var encoding: String?
    /// `fail` or `replace`.
    public var encodingErrors = "fail"
    /// `fail`, `skip` or `reject`.
    public var badRows = "fail"
    /// Where `reject` writes rows (default: the input's path + `.rejects.csv`).
    public var rejects: String?
    public var nullValues: [String] = []
    /// `double` or `exact`.
    public var decimals = "double"
    /// `MDY` or `DMY`.
    public var dateOrder = "MDY"
    public var compactDates = false
    /// Types that win over inference.
    public var schema: [String: DataType] = [:]

    public init() {}

    /// Checks every setting at once, so a bad one fails before any work.
    public func validate() throws {
        _ = try csvOptions(inputPath: "")
        _ = try inferenceOptions()
    }

    public func csvOptions(inputPath: String) throws -> CSVOptions {
        var o = CSVOptions()
        if let d = delimiter {
            switch d {
            case "\\t", "tab", "\t": o.delimiter = UInt8(ascii: "\t")
            default:
                guard d.utf8.count == 1, let b = d.utf8.first, b < 0x80, b != UInt8(ascii: "\n"), b != UInt8(ascii: "\r") else {
                    throw InvalidSetting(setting: "delimiter", message: "must be one ASCII character (or \\t), not '\(d)'")
                }
                o.delimiter = b
            }
        }
        if let q = quote {
            guard q == "\"" || q == "'" else { throw InvalidSetting(setting: "quote", message: "must be \" or ', not '\(q)'") }
            o.quote = q.utf8.first
        }
        o.hasHeader = header == false ? false : nil
        guard skipRows >= 0 else { throw InvalidSetting(setting: "skip_rows", message: "must be 0 or more") }
        o.skipRows = skipRows
        if let e = encoding {
            guard let enc = TextEncoding(name: e) else {
                throw InvalidSetting(setting: "encoding", message: "'\(e)' is unknown; use one of: \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            o.encoding = enc
        }
        switch encodingErrors {
        case "fail": o.encodingErrors = .fail
        case "replace": o.encodingErrors = .replace
        default: throw InvalidSetting(setting: "encoding_errors", message: "must be fail or replace, not '\(encodingErrors)'")
        }
        switch badRows {
        case "fail": o.badRows = .fail
        case "skip": o.badRows = .skip
        case "reject": o.badRows = .reject(path: rejects ?? inputPath + ".rejects.csv")
        default: throw InvalidSetting(setting: "bad_rows", message: "must be fail, skip or reject, not '\(badRows)'")
        }
        return o
    }

    public func inferenceOptions() throws -> InferenceOptions {
        var o = InferenceOptions()
        guard let d = DecimalMode(rawValue: decimals) else { throw InvalidSetting(setting: "decimals", message: "must be double or exact, not '\(decimals)'") }
        guard let order = DateOrder(rawValue: dateOrder.uppercased()) else {
            throw InvalidSetting(setting: "date_order", message: "must be MDY or DMY, not '\(dateOrder)'")
        }
        o.decimals = d
        o.dateOrder = order
        o.allowCompactDates = compactDates
        o.nullValues = nullValues
        o.schemaOverrides = schema
        return o
    }

    /// `'col=type,…'`. Commas inside `decimal(p,s)`, `map<k,v>` or `struct<a:t,b:t>` do not
    /// split entries, and a column name may itself contain `=` only before the last one.
    public static func parseSchema(_ spec: String) throws -> [String: DataType] {
        var entries: [String] = []
        var current = "", depth = 0
        for ch in spec {
            if ch == "(" || ch == "<" { depth += 1 } else if ch == ")" || ch == ">" { depth -= 1 }
            if ch == ",", depth == 0 { entries.append(current); current = "" } else { current.append(ch) }
        }
        if !current.isEmpty { entries.append(current) }
        var out: [String: DataType] = [:]
        for e in entries {
            // The name ends at the last '=' before any type punctuation.
            guard let eq = e.prefix(while: { $0 != "<" && $0 != "(" }).lastIndex(of: "=") else {
                throw InvalidSetting(setting: "schema", message: "entry '\(e)' is not col=type")
            }
            let name = String(e[..<eq]).trimmingCharacters(in: .whitespaces)
            let typeText = String(e[e.index(after: eq)...])
            guard !name.isEmpty else { throw InvalidSetting(setting: "schema", message: "entry '\(e)' has no column name") }
            guard let t = DataType(parsing: typeText) else { throw InvalidSetting(setting: "schema", message: "unknown type '\(typeText)' for column '\(name)'") }
            guard out[name] == nil else { throw InvalidSetting(setting: "schema", message: "names column '\(name)' twice") }
            out[name] = t
        }
        return out
    }
}
