import ArgumentParser
import Foundation
import Columnar
import Delimited
import Inference

/// The CSV reading and type inference options shared by `upload` and `preview`.
struct CSVCommandOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Field delimiter: , ; | tab (or \\t). Default: sniffed.", valueName: "char"))
    var delimiter: String?

    @Option(help: ArgumentHelp("Quote character: \" or '. Default: sniffed.", valueName: "char"))
    var quote: String?

    @Flag(help: "The first row is data, not a header (columns are named column_1, column_2, …).")
    var noHeader = false

    @Option(help: ArgumentHelp("Skip this many physical lines before the header.", valueName: "n"))
    var skipRows = 0

    @Option(help: ArgumentHelp("Source encoding: utf-8, utf-16le, utf-16be, cp932 (Shift_JIS), euc-jp, windows-1252, iso-8859-1. Default: detected.", valueName: "name"))
    var encoding: String?

    @Option(help: ArgumentHelp("On bytes invalid in the encoding: fail (default) or replace (with U+FFFD).", valueName: "fail|replace"))
    var encodingErrors = "fail"

    @Option(help: ArgumentHelp("Rows with the wrong field count or a value that breaks its type: fail (default), skip, or reject (write them to --rejects).", valueName: "fail|skip|reject"))
    var badRows = "fail"

    @Option(help: ArgumentHelp("Where --bad-rows reject writes rows. Default: FILE.rejects.csv beside the input.", valueName: "path"))
    var rejects: String?

    @Option(help: ArgumentHelp("Extra null tokens, comma-separated (e.g. NULL,NA,N/A,#N/A). They null typed columns and stay text in string columns.", valueName: "list"))
    var nullValues: String?

    @Option(help: ArgumentHelp("Non-integer numbers: double (default) or exact (DECIMAL(p,s) from the widest value).", valueName: "double|exact"))
    var decimals = "double"

    @Option(help: ArgumentHelp("Order for ambiguous dates like 03/04/2025: MDY (default) or DMY.", valueName: "MDY|DMY"))
    var dateOrder = "MDY"

    @Flag(help: "Also recognise YYYYMMDD dates.")
    var compactDates = false

    @Option(help: ArgumentHelp("Column types that win over inference: 'col=type,…' (int64, float64, decimal(p,s), date, timestamp, timestamptz, string, boolean, …).", valueName: "spec"))
    var schema: String?

    func validate() throws {
        _ = try delimiterByte()
        _ = try quoteByte()
        _ = try encodingValue()
        _ = try schemaOverrides()
        guard ["fail", "replace"].contains(encodingErrors) else { throw ValidationError("--encoding-errors must be fail or replace, not '\(encodingErrors)'") }
        guard ["fail", "skip", "reject"].contains(badRows) else { throw ValidationError("--bad-rows must be fail, skip or reject, not '\(badRows)'") }
        guard DecimalMode(rawValue: decimals) != nil else { throw ValidationError("--decimals must be double or exact, not '\(decimals)'") }
        guard DateOrder(rawValue: dateOrder.uppercased()) != nil else { throw ValidationError("--date-order must be MDY or DMY, not '\(dateOrder)'") }
        guard skipRows >= 0 else { throw ValidationError("--skip-rows must be 0 or more") }
    }

    func delimiterByte() throws -> UInt8? {
        guard let d = delimiter else { return nil }
        switch d {
        case "\\t", "tab", "\t": return UInt8(ascii: "\t")
        default:
            guard d.utf8.count == 1, let b = d.utf8.first, b != UInt8(ascii: "\n"), b != UInt8(ascii: "\r") else {
                throw ValidationError("--delimiter must be one ASCII character (or \\t), not '\(d)'")
            }
            return b
        }
    }

    func quoteByte() throws -> UInt8? {
        guard let q = quote else { return nil }
        guard q == "\"" || q == "'" else { throw ValidationError("--quote must be \" or ', not '\(q)'") }
        return q.utf8.first
    }

    func encodingValue() throws -> TextEncoding? {
        guard let e = encoding else { return nil }
        guard let enc = TextEncoding(name: e) else {
            throw ValidationError("unknown --encoding '\(e)'; use one of: \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return enc
    }

    func schemaOverrides() throws -> [String: DataType] {
        guard let spec = schema else { return [:] }
        return try SchemaSpec.parse(spec)
    }

    func csvOptions(inputPath: String) throws -> CSVOptions {
        var o = CSVOptions()
        o.delimiter = try delimiterByte()
        o.quote = try quoteByte()
        o.hasHeader = noHeader ? false : nil
        o.skipRows = skipRows
        o.encoding = try encodingValue()
        o.encodingErrors = encodingErrors == "replace" ? .replace : .fail
        switch badRows {
        case "skip": o.badRows = .skip
        case "reject": o.badRows = .reject(path: rejects ?? inputPath + ".rejects.csv")
        default: o.badRows = .fail
        }
        return o
    }

    func inferenceOptions() throws -> InferenceOptions {
        var o = InferenceOptions()
        o.decimals = DecimalMode(rawValue: decimals) ?? .double
        o.dateOrder = DateOrder(rawValue: dateOrder.uppercased()) ?? .mdy
        o.allowCompactDates = compactDates
        o.nullValues = nullValues.map { $0.split(separator: ",").map { String($0) } } ?? []
        o.schemaOverrides = try schemaOverrides()
        return o
    }
}

/// `--schema 'col=type,…'`. Commas inside `decimal(p,s)` do not split entries, and a column
/// name may itself contain `=` only before the last one.
enum SchemaSpec {
    static func parse(_ spec: String) throws -> [String: DataType] {
        var entries: [String] = []
        var current = "", depth = 0
        for ch in spec {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if ch == ",", depth == 0 { entries.append(current); current = "" } else { current.append(ch) }
        }
        if !current.isEmpty { entries.append(current) }
        var out: [String: DataType] = [:]
        for e in entries {
            guard let eq = e.lastIndex(of: "=") else { throw ValidationError("--schema entry '\(e)' is not col=type") }
            let name = String(e[..<eq]).trimmingCharacters(in: .whitespaces)
            let typeText = String(e[e.index(after: eq)...])
            guard !name.isEmpty else { throw ValidationError("--schema entry '\(e)' has no column name") }
            guard let t = DataType(parsing: typeText) else { throw ValidationError("--schema: unknown type '\(typeText)' for column '\(name)'") }
            guard out[name] == nil else { throw ValidationError("--schema names column '\(name)' twice") }
            out[name] = t
        }
        return out
    }
}
