import Columnar

/// Diagnoses values the converter could not parse (only for bad rows, so it may be slow).
enum ValueProblem {
    /// Why a value failed its column's parser (only computed for bad rows).
    static func describe(_ p: UnsafePointer<UInt8>, _ n: Int, type: DataType, parser: ColumnParser) -> String {
        switch parser {
        case let .integer(t) where t != .int64:
            if NumberParsers.int64(p, n) != nil { return "is out of range for \(t.name)" }
        case .decimal:
            return "is not \(withArticle(type.name)) (never rounded)"
        case let .timestamp(unit, utc, order):
            if let t = TemporalParts.scan(p, n), let v = t.micros(order: order) {
                if t.hasOffset && !utc { return "has a UTC offset but the column is a naive timestamp" }
                if unit == .millisecond, v % 1000 != 0 { return "has sub-millisecond digits (\(type.name) would lose them)" }
            }
        default:
            break
        }
        return "is not \(withArticle(type.name))"
    }

    /// "an int64", "a decimal(10,2)": the type names start with a vowel only as int*.
    static func withArticle(_ name: String) -> String {
        (name.first.map { "aeio".contains($0) } ?? false ? "an " : "a ") + name
    }
}
