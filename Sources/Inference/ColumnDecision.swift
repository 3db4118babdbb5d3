import Columnar

/// Picks one column's type from its merged statistics, narrowest candidate first:
/// boolean → int64 → decimal(38,0) for integers beyond int64 → float64 (or DECIMAL(p,s) with
/// `.exact`) → date → timestamp → string. Exceptions, all documented in the report's reason:
/// - `allowCompactDates`: a column of valid `YYYYMMDD` values is a date, not an int64.
/// - `.double` mode: a column mixing fractions with integers above 2^53 (which a double would
///   round) becomes DECIMAL(p,s) when p ≤ 38, else string.
/// - `.exact` mode: p > 38 makes the column a string (never rounded); exponents or
///   NaN/Infinity make it float64.
struct ColumnDecision {
    var type: DataType = .string
    var parser: ColumnParser = .string
    var format: String?
    var reason = ""
    var fallback: Witness?
    var warning: String?

    init(_ col: ColumnInference, options: InferenceOptions) {
        if let declared = col.declared {
            type = declared
            parser = ColumnParser(declared: declared, order: options.dateOrder)
            reason = "schema override"
            return
        }
        if col.valueCount == 0 {
            reason = col.nullTokenCount > 0 ? "every value is empty or a null token (tokens stay text in a string column)" : "every value is null"
            return
        }
        var a = col.alive
        var kills = col.kills
        func first(_ bit: Candidates) -> String {
            guard let w = kills[bit.rawValue.trailingZeroBitCount] else { return "" }
            return " (first: '\(w.text)' at line \(w.line))"
        }
        let precision = max(1, col.maxIntDigits + col.maxScale)
        if !a.isDisjoint(with: [.exact, .exactGrouped]), precision > 38 {
            // The later of the two widest values is where the running precision passed 38.
            let w = [col.maxIntWitness, col.maxScaleWitness].compactMap { $0 }.max { $0.line < $1.line }
            // With `.exact` the user asked for no rounding, so float64 is no way out either.
            let lost: Candidates = options.decimals == .exact ? [.exact, .exactGrouped, .float, .floatGrouped] : [.exact, .exactGrouped]
            for b in 0 ..< Candidates.bitCount where a.intersection(lost).rawValue & (1 << b) != 0 { kills[b] = w }
            a.subtract(lost)
        }
        let grouped = "thousands separators"
        func set(_ t: DataType, _ p: ColumnParser, _ f: String?, _ r: String) { type = t; parser = p; format = f; reason = r }
        let exactType = DataType.decimal(precision: precision, scale: col.maxScale)
        let exactReason = "every number has at most \(col.maxIntDigits) integer digits and \(col.maxScale) decimals"

        if options.allowCompactDates, a.contains(.dateCompact) {
            set(.date, .date(order: options.dateOrder), "YYYYMMDD", "every value is a valid YYYYMMDD date (compact dates allowed)")
        } else if a.contains(.boolean) {
            set(.boolean, .boolean, "true/false", "every value is true or false")
        } else if a.contains(.int64) {
            set(.int64, .integer(.int64), nil, "every value is an integer within int64")
        } else if a.contains(.int64Grouped) {
            set(.int64, .integer(.int64), grouped, "every value is an integer within int64, 1,000 and up written with thousands separators")
        } else if !a.isDisjoint(with: [.bigInt, .bigIntGrouped]) {
            let g = !a.contains(.bigInt)
            set(.decimal(precision: 38, scale: 0), .decimal(precision: 38, scale: 0), g ? grouped : nil,
                "integers beyond int64\(first(g ? .int64Grouped : .int64)), none over 38 digits")
        } else if options.decimals == .exact, !a.isDisjoint(with: [.exact, .exactGrouped]) {
            set(exactType, .decimal(precision: precision, scale: col.maxScale), a.contains(.exact) ? nil : grouped,
                exactReason + " (--decimals exact)")
        } else if !a.isDisjoint(with: [.float, .floatGrouped]) {
            let g = !a.contains(.float)
            set(.float64, .float64, g ? grouped : nil, "numbers with a fraction or exponent\(first(g ? .int64Grouped : .int64))")
        } else if !a.isDisjoint(with: [.exact, .exactGrouped]) {
            set(exactType, .decimal(precision: precision, scale: col.maxScale), a.contains(.exact) ? nil : grouped,
                "fractions mixed with integers a double cannot hold exactly\(first(a.contains(.exact) ? .float : .floatGrouped)); " + exactReason)
        } else if a.contains(.dateISO) {
            set(.date, .date(order: options.dateOrder), "YYYY-MM-DD", "every value is a date")
        } else if a.contains(.dateISOSlash) {
            set(.date, .date(order: options.dateOrder), "YYYY/MM/DD", "every value is a date")
        } else if !a.isDisjoint(with: [.dateMDY, .dateDMY]) {
            let order = slashOrder(a, mdy: .dateMDY, dmy: .dateDMY, col: col, options: options, what: "date")
            set(.date, .date(order: order), order == .mdy ? "MM/DD/YYYY" : "DD/MM/YYYY", reason)
        } else if a.contains(.tsISO) {
            set(.timestamp(unit: .microsecond, utc: false), .timestamp(unit: .microsecond, utc: false, order: options.dateOrder),
                "ISO 8601", "every value is an ISO 8601 timestamp without offset (local time; date-only values are midnight)")
        } else if a.contains(.tsISOOffset) {
            set(.timestamp(unit: .microsecond, utc: true), .timestamp(unit: .microsecond, utc: true, order: options.dateOrder),
                "ISO 8601 with offset", "every value is an ISO 8601 timestamp with Z or an offset, stored converted to UTC")
        } else if !a.isDisjoint(with: [.tsMDY, .tsDMY]) {
            let order = slashOrder(a, mdy: .tsMDY, dmy: .tsDMY, col: col, options: options, what: "timestamp")
            set(.timestamp(unit: .microsecond, utc: false), .timestamp(unit: .microsecond, utc: false, order: order),
                order == .mdy ? "MM/DD/YYYY hh:mm:ss" : "DD/MM/YYYY hh:mm:ss",
                reason + " (local time; date-only values are midnight)")
        } else {
            // The column became a string where its last candidate died: the latest first-kill.
            var initial = Candidates.all
            if !options.allowCompactDates { initial.remove(.dateCompact) }
            var lastBit = -1
            for b in 0 ..< Candidates.bitCount where initial.rawValue & (1 << b) != 0 {
                guard let w = kills[b] else { continue }
                if lastBit < 0 || w.line > kills[lastBit]!.line { lastBit = b }
            }
            if lastBit >= 0, let w = kills[lastBit] {
                fallback = w
                let dying = (0 ..< Candidates.bitCount).filter { initial.rawValue & (1 << $0) != 0 && kills[$0]?.line == w.line }
                reason = "'\(w.text)' at line \(w.line) " + Self.describeMisfit(w, bits: dying)
            } else {
                reason = "no type fits every value"
            }
        }
    }

    /// "is not a number (leading zero)", "does not fit date MM/DD/YYYY", "is not a boolean, number, date or timestamp".
    static func describeMisfit(_ w: Witness, bits: [Int]) -> String {
        if bits.count == 1 { return "does not fit \(Candidates.name(ofBit: bits[0])), the last type left" }
        var families: [String] = []
        for b in bits {
            let f = b == 0 ? "boolean" : b <= 8 ? "number" : b <= 13 ? "date" : "timestamp"
            if !families.contains(f) { families.append(f) }
        }
        var text = "is not a " + (families.count == 1 ? families[0]
            : families.dropLast().joined(separator: ", ") + " or " + families.last!)
        if families.contains("number") {
            let shape = w.value.withUnsafeBufferPointer { NumberShape.scan($0.baseAddress!, $0.count) }
            if shape.leadingZero { text += " (a leading zero keeps codes and IDs as text)" }
            else if shape.kind == .invalid, w.value.contains(UInt8(ascii: ",")) { text += " (commas not in thousands groups)" }
            else if shape.kind != .invalid { text += " (it and other values disagree on thousands separators or need more than 38 digits)" }
        }
        return text
    }

    /// MDY or DMY for slashed values; both possible means ambiguous: the option decides, with a
    /// warning when some value's parts differ (so the choice changes the data).
    private mutating func slashOrder(_ a: Candidates, mdy: Candidates, dmy: Candidates, col: ColumnInference,
                                     options: InferenceOptions, what: String) -> DateOrder {
        if a.contains(mdy), a.contains(dmy) {
            let name = options.dateOrder == .mdy ? "MM/DD/YYYY" : "DD/MM/YYYY"
            reason = "every value fits both MM/DD/YYYY and DD/MM/YYYY; read as \(name) (--date-order \(options.dateOrder.rawValue))"
            if col.slashOrderMatters {
                warning = "column '\(col.name)': every \(what) fits both MM/DD/YYYY and DD/MM/YYYY; read as \(name) (--date-order \(options.dateOrder.rawValue)). Check a value such as 1/2/2025."
            }
            return options.dateOrder
        }
        if a.contains(mdy) {
            reason = "every value is a \(what) in MM/DD/YYYY order\(firstKill(col, dmy))"
            return .mdy
        }
        reason = "every value is a \(what) in DD/MM/YYYY order\(firstKill(col, mdy))"
        return .dmy
    }

    private func firstKill(_ col: ColumnInference, _ bit: Candidates) -> String {
        guard let w = col.kills[bit.rawValue.trailingZeroBitCount] else { return "" }
        return " ('\(w.text)' at line \(w.line) rules out the other order)"
    }
}
