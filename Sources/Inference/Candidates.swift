/// The types a column can still be, one bit each. A value's accept-set is AND-ed into the
/// column's set, so the result of any split of a column into chunks is the same AND:
/// merging states is order-insensitive.
///
/// Numbers come in a plain and a `grouped` (thousands separators) variant: a plain column has
/// no commas at all; a grouped column has every value of 1,000 or more written with correct
/// `,ddd` groups. A column with both kinds of value keeps neither.
struct Candidates: OptionSet, Sendable, Hashable {
    let rawValue: UInt32

    static let boolean = Candidates(rawValue: 1 << 0)
    static let int64 = Candidates(rawValue: 1 << 1)
    static let int64Grouped = Candidates(rawValue: 1 << 2)
    /// Integers of up to 38 digits (decimal(38,0)).
    static let bigInt = Candidates(rawValue: 1 << 3)
    static let bigIntGrouped = Candidates(rawValue: 1 << 4)
    /// Any number except integers above 2^53 in magnitude (integers never get rounded by Double).
    static let float = Candidates(rawValue: 1 << 5)
    static let floatGrouped = Candidates(rawValue: 1 << 6)
    /// Plain-notation numbers (no exponent, no NaN/Infinity) for DECIMAL(p,s).
    static let exact = Candidates(rawValue: 1 << 7)
    static let exactGrouped = Candidates(rawValue: 1 << 8)
    static let dateISO = Candidates(rawValue: 1 << 9)        // YYYY-MM-DD
    static let dateISOSlash = Candidates(rawValue: 1 << 10)  // YYYY/MM/DD
    static let dateMDY = Candidates(rawValue: 1 << 11)       // MM/DD/YYYY
    static let dateDMY = Candidates(rawValue: 1 << 12)       // DD/MM/YYYY
    static let dateCompact = Candidates(rawValue: 1 << 13)   // YYYYMMDD
    /// ISO 8601 without offset (date-only values count as midnight).
    static let tsISO = Candidates(rawValue: 1 << 14)
    /// ISO 8601 with `Z` or `±HH:MM` on every value.
    static let tsISOOffset = Candidates(rawValue: 1 << 15)
    static let tsMDY = Candidates(rawValue: 1 << 16)         // M/D/YYYY h:mm[:ss] [AM|PM]
    static let tsDMY = Candidates(rawValue: 1 << 17)         // D/M/YYYY H:mm[:ss]

    static let bitCount = 18

    static let numeric: Candidates = [.int64, .int64Grouped, .bigInt, .bigIntGrouped, .float, .floatGrouped, .exact, .exactGrouped]
    static let temporal: Candidates = [.dateISO, .dateISOSlash, .dateMDY, .dateDMY, .dateCompact,
                                       .tsISO, .tsISOOffset, .tsMDY, .tsDMY]
    static let all = Candidates(rawValue: (1 << 18) - 1)

    /// Human name of one bit, for reasons in the report.
    static func name(ofBit bit: Int) -> String {
        switch bit {
        case 0: return "boolean"
        case 1: return "int64"
        case 2: return "int64 with thousands separators"
        case 3: return "decimal(38,0)"
        case 4: return "decimal(38,0) with thousands separators"
        case 5: return "float64"
        case 6: return "float64 with thousands separators"
        case 7: return "decimal"
        case 8: return "decimal with thousands separators"
        case 9: return "date YYYY-MM-DD"
        case 10: return "date YYYY/MM/DD"
        case 11: return "date MM/DD/YYYY"
        case 12: return "date DD/MM/YYYY"
        case 13: return "date YYYYMMDD"
        case 14: return "timestamp (ISO 8601)"
        case 15: return "timestamp (ISO 8601 with offset)"
        case 16: return "timestamp MM/DD/YYYY hh:mm:ss"
        default: return "timestamp DD/MM/YYYY hh:mm:ss"
        }
    }
}
