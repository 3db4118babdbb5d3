/// A record parsed by the simple (non-streaming) parser used for sniffing and the header.
struct SampleRecord {
    /// Physical line of the record's first byte.
    var line: Int
    var fields: [[UInt8]] = []
    var quoted: [Bool] = []
    /// Offset just after the record's line end, and the line that starts there.
    var endOffset = 0
    var nextLine = 0
    var terminated = false

    var endsWithEmptyUnquotedField: Bool {
        fields.count >= 2 && fields.last!.isEmpty && !quoted.last!
    }
}

/// Parses up to `maxRecords` records of `bytes` from `start` with the rules documented on
/// `ParseSettings`. A last record that is unterminated (or cut inside quotes) is dropped
/// unless `complete` says the bytes are the whole rest of the file.
func parseSample(_ bytes: [UInt8], from start: Int = 0, firstLine: Int = 1, delimiter d: UInt8, quote q: UInt8,
                 maxRecords: Int, complete: Bool) -> [SampleRecord] {
    var records: [SampleRecord] = []
    var p = start
    var line = firstLine
    let n = bytes.count
    while p < n && records.count < maxRecords {
        let c0 = bytes[p]
        if c0 == byteLF || c0 == byteCR {
            p += (c0 == byteCR && p + 1 < n && bytes[p + 1] == byteLF) ? 2 : 1
            line += 1
            continue
        }
        var record = SampleRecord(line: line)
        var field: [UInt8] = []
        var quoted = false
        var inQuotes = false
        var atFieldStart = true
        var afterQuote = false
        var finished = false
        while p < n {
            let c = bytes[p]
            if inQuotes {
                p += 1
                if c == q {
                    if p < n && bytes[p] == q { field.append(q); p += 1 } else { inQuotes = false; afterQuote = true }
                    continue
                }
                field.append(c)
                if c == byteLF || (c == byteCR && (p >= n || bytes[p] != byteLF)) { line += 1 }
                continue
            }
            if atFieldStart && c == q && !afterQuote {
                inQuotes = true; quoted = true; atFieldStart = false; p += 1
                continue
            }
            if c == d || c == byteLF || c == byteCR {
                record.fields.append(field)
                record.quoted.append(quoted)
                field = []
                quoted = false
                atFieldStart = true
                afterQuote = false
                p += 1
                if c == d { continue }
                if c == byteCR && p < n && bytes[p] == byteLF { p += 1 }
                line += 1
                finished = true
                break
            }
            field.append(c)
            atFieldStart = false
            afterQuote = false
            p += 1
        }
        if !finished {
            if inQuotes || !complete { break }
            record.fields.append(field)
            record.quoted.append(quoted)
        }
        record.terminated = finished
        record.endOffset = p
        record.nextLine = line
        records.append(record)
    }
    return records
}

/// Offset after the first `count` physical lines of `bytes`, or nil if there are fewer.
func offsetAfterLines(_ bytes: [UInt8], _ count: Int) -> Int? {
    var p = 0, seen = 0
    while seen < count {
        guard p < bytes.count else { return nil }
        let c = bytes[p]
        p += 1
        if c == byteLF || (c == byteCR && (p >= bytes.count || bytes[p] != byteLF)) { seen += 1 }
    }
    return p
}
