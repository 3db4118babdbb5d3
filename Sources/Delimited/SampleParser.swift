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

/// What `parseSample` would find, without keeping any field: each kept record's field count,
/// and whether a field of a kept record was quoted. The sniffer tries every delimiter and quote
/// on the sample; copying every field byte by byte into arrays for that was most of the cost
/// of opening a small file (800 small gzipped CSVs: 43% of the load's CPU in the sniffer).
func sampleShape(_ bytes: [UInt8], delimiter d: UInt8, quote q: UInt8, maxRecords: Int, complete: Bool) -> (counts: [Int], quoted: Bool) {
    var counts: [Int] = []
    var anyQuoted = false
    bytes.withUnsafeBufferPointer { b in
        var p = 0
        let n = b.count
        records: while p < n && counts.count < maxRecords {
            let c0 = b[p]
            if c0 == byteLF || c0 == byteCR {
                p += (c0 == byteCR && p + 1 < n && b[p + 1] == byteLF) ? 2 : 1
                continue
            }
            var fields = 0
            var recordQuoted = false
            while true {
                // A field: a quoted part when it opens with the quote (a doubled quote inside
                // is one quote), then plain bytes up to the delimiter or the line's end.
                if p < n && b[p] == q {
                    recordQuoted = true
                    p += 1
                    while true {
                        while p < n && b[p] != q { p += 1 }
                        // The record ends inside quotes: dropped, as parseSample does.
                        if p == n { break records }
                        p += 1
                        if p < n && b[p] == q { p += 1 } else { break }
                    }
                }
                while p < n {
                    let c = b[p]
                    if c == d || c == byteLF || c == byteCR { break }
                    p += 1
                }
                fields += 1
                if p == n {
                    // An unterminated last record counts only when the bytes are the whole file.
                    if !complete { break records }
                    break
                }
                let c = b[p]
                p += 1
                if c == d { continue }
                if c == byteCR && p < n && b[p] == byteLF { p += 1 }
                break
            }
            counts.append(fields)
            anyQuoted = anyQuoted || recordQuoted
        }
    }
    return (counts, anyQuoted)
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
