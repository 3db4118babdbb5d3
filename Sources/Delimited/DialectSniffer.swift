/// Chooses delimiter, quote and header from a sample of decoded (UTF-8) records.
///
/// Delimiter and quote: every candidate pair parses the sample; the winner has the most
/// rows agreeing on one field count, that count being at least 2 (ties: more columns,
/// then candidate order `,` `;` tab `|` and `"` before `'`; `'` only competes when some
/// field in the sample starts with it).
/// Header: `CSVOptions.headerRule` decides from the sampled rows (see `HeaderRule`).
enum DialectSniffer {
    static let sampleBytes = 64 << 10
    static let sampleRecords = 500
    static let delimiters: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]
    static let quotes: [UInt8] = [0x22, 0x27]

    struct Result {
        let dialect: Dialect
        let records: [SampleRecord]
        /// Lines above the first row of the sample's common width, when the rows before it are
        /// narrower (a report's title lines): a guess for `--skip-rows`, given in error hints.
        let preambleLines: Int?
    }

    /// Title lines above a table: the first record is one field (a title has no delimiter; a
    /// header merely narrower than its rows has several), the next ones are narrower than the
    /// rest, which (from the first full-width one, within 20 records) all have the common
    /// width `F` ≥ 2.
    static func preambleLines(_ records: [SampleRecord], firstLine: Int) -> Int? {
        let width = modeFieldCount(records).fields
        guard width >= 2, let first = records.first, first.fields.count == 1,
              let k = records.firstIndex(where: { $0.fields.count == width }), k <= 20,
              records[k...].allSatisfy({ $0.fields.count == width }) else { return nil }
        return records[k].line - firstLine
    }

    static func sniff(_ bytes: [UInt8], from start: Int, firstLine: Int, complete: Bool, options: CSVOptions) -> Result {
        let end = min(bytes.count, start + sampleBytes)
        let sample = Array(bytes[start..<end])
        let sampleComplete = complete && end == bytes.count
        var best: (d: UInt8, q: UInt8, agree: Int, fields: Int)? = nil
        // Delimiters absent from the sample all split it alike (one field a record): parsed
        // once per quote, for the first of them.
        let absent = Set((options.delimiter.map { [$0] } ?? delimiters).filter { !sample.contains($0) })
        var absentShapes: [UInt8: (counts: [Int], quoted: Bool)] = [:]
        for d in options.delimiter.map({ [$0] }) ?? delimiters {
            for q in options.quote.map({ [$0] }) ?? quotes {
                // A quote other than '"' must actually open a field somewhere; otherwise it only
                // wins by mis-splitting fields that '"' quotes (e.g. one with a line end inside).
                if options.quote == nil && q != quotes[0] && !sample.contains(q) { continue }
                let shape: (counts: [Int], quoted: Bool)
                if absent.contains(d), let known = absentShapes[q] {
                    shape = known
                } else {
                    shape = sampleShape(sample, delimiter: d, quote: q, maxRecords: sampleRecords, complete: sampleComplete)
                    if absent.contains(d) { absentShapes[q] = shape }
                }
                if options.quote == nil && q != quotes[0] && !shape.quoted { continue }
                let (fields, agree) = modeFieldCount(shape.counts)
                let candidate = (d, q, agree, fields)
                guard let b = best else { best = candidate; continue }
                let better = (fields >= 2) != (b.fields >= 2) ? fields >= 2
                    : agree != b.agree ? agree > b.agree : fields > b.fields
                if better { best = candidate }
            }
        }
        let d = best!.d, q = best!.q
        var reasons: [String] = []
        let name = { (b: UInt8) -> String in b == 0x09 ? "tab" : "'\(Character(Unicode.Scalar(b)))'" }
        if options.delimiter != nil { reasons.append("delimiter \(name(d)) set by --delimiter") }
        else { reasons.append("delimiter \(name(d)): \(best!.agree) sampled rows have \(best!.fields) fields") }
        reasons.append(options.quote != nil ? "quote \(name(q)) set by --quote" : "quote \(name(q))")

        // The full records (the sample's last record may have been cut by the 64 KiB limit).
        var records = parseSample(bytes, from: start, firstLine: firstLine, delimiter: d, quote: q,
                                  maxRecords: sampleRecords, complete: complete)
        if records.isEmpty {
            records = parseSample(bytes, from: start, firstLine: firstLine, delimiter: d, quote: q, maxRecords: 1, complete: complete)
        }
        let trailing = records.count > 0 && records.allSatisfy { $0.endsWithEmptyUnquotedField }
        if trailing { reasons.append("every sampled row ends with a delimiter: that empty last field is not a column") }

        let header: Bool
        if let forced = options.hasHeader {
            header = forced
            reasons.append(forced ? "header row set by option" : "no header row (--no-header)")
        } else {
            let (h, why) = detectHeader(records, trailing: trailing, rule: options.headerRule ?? TextHeaderRule())
            header = h
            reasons.append(why)
        }
        return Result(dialect: Dialect(delimiter: d, quote: q, hasHeader: header, trailingDelimiter: trailing, reasons: reasons),
                      records: records, preambleLines: preambleLines(records, firstLine: firstLine))
    }

    private static func modeFieldCount(_ recs: [SampleRecord]) -> (fields: Int, agree: Int) {
        modeFieldCount(recs.map(\.fields.count))
    }

    private static func modeFieldCount(_ fieldCounts: [Int]) -> (fields: Int, agree: Int) {
        var counts: [Int: Int] = [:]
        for c in fieldCounts { counts[c, default: 0] += 1 }
        let top = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }
        return top.map { ($0.key, $0.value) } ?? (0, 0)
    }

    static func detectHeader(_ records: [SampleRecord], trailing: Bool, rule: any HeaderRule) -> (Bool, String) {
        // Every row is cut to the first row's width: a trailing delimiter's empty field is no column.
        let width = max(0, (records.first?.fields.count ?? 0) - (trailing ? 1 : 0))
        let rows = records.map { r in
            SampledRow(line: r.line, fields: Array(r.fields.prefix(width)), quoted: Array(r.quoted.prefix(width)))
        }
        return rule.decide(rows)
    }
}
