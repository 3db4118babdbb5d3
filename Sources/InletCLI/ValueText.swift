import Columnar

/// Renders one value of a column as text for previews and `show`.
enum ValueText {
    static func render(_ column: Column, row i: Int) -> String {
        if column.isNull(i) { return "null" }
        switch (column.type, column.value(at: i)) {
        case let (.decimal(_, s), .decimal(v)): return Decimal128.format(v, scale: s)
        case let (.timestamp(unit, utc), .timestamp(t)): return Timestamps.format(t, unit: unit, utc: utc)
        case let (_, .string(s)): return s.replacingNewlines()
        case let (_, v): return v.description
        }
    }
}

private extension String {
    func replacingNewlines() -> String {
        var out = ""
        for ch in self { out.append(ch == "\n" || ch == "\r\n" ? "⏎" : ch) }
        return out
    }
}
