import Columnar
import Foundation

/// Renders one value of a column as text for previews and `show`; nested values as JSON
/// (struct fields by name), so a list of strings reads ["a", "b"].
enum ValueText {
    static func render(_ column: Column, row i: Int) -> String {
        if column.isNull(i) { return "null" }
        return render(column.value(at: i), column.type, nested: false).replacingNewlines()
    }

    static func render(_ v: Value, _ type: DataType, nested: Bool) -> String {
        switch (type, v) {
        case (_, .null): return "null"
        case let (.decimal(_, s), .decimal(d)): return Decimal128.format(d, scale: s)
        case let (.timestamp(unit, utc), .timestamp(t)): return quoted(Timestamps.format(t, unit: unit, utc: utc), nested)
        case let (.list(e), .list(items)): return "[" + items.map { render($0, e.type, nested: true) }.joined(separator: ", ") + "]"
        case let (.structure(fields), .structure(values)):
            return "{" + zip(fields, values).map { quoted($0.name, true) + ": " + render($1, $0.type, nested: true) }.joined(separator: ", ") + "}"
        case let (.map(k, vf), .map(entries)):
            return "{" + entries.map { render($0.key, k, nested: true) + ": " + render($0.value, vf.type, nested: true) }.joined(separator: ", ") + "}"
        case let (.time, .int(us)):
            let f = String(us % 1_000_000 + 1_000_000).dropFirst()
            return quoted(String(format: "%02d:%02d:%02d", us / 3_600_000_000, us / 60_000_000 % 60, us / 1_000_000 % 60) + "." + f, nested)
        case let (.uuid, .binary(b)) where b.count == 16:
            let hex = b.map { String(format: "%02x", $0) }.joined()
            let cuts = [8, 12, 16, 20].map { hex.index(hex.startIndex, offsetBy: $0) }
            return quoted([hex[..<cuts[0]], hex[cuts[0] ..< cuts[1]], hex[cuts[1] ..< cuts[2]], hex[cuts[2] ..< cuts[3]], hex[cuts[3]...]]
                .joined(separator: "-"), nested)
        case let (.json, .string(s)): return s
        case let (_, .string(s)): return quoted(s, nested)
        case (.date, _), (.binary, _): return quoted(v.description, nested)
        default: return v.description
        }
    }

    /// A string as JSON writes it, inside nested values only.
    private static func quoted(_ s: String, _ nested: Bool) -> String {
        guard nested else { return s }
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\(s)\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

private extension String {
    func replacingNewlines() -> String {
        var out = ""
        for ch in self { out.append(ch == "\n" || ch == "\r\n" ? "⏎" : ch) }
        return out
    }
}
