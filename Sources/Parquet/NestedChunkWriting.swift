/// A nested leaf's levels for the open page: repetition then definition levels, each RLE
/// behind its 4-byte length, as a v1 data page lays them out. A level whose maximum is 0 is
/// not written at all.
struct NestedLevelEncoder {
    let maxRepetition: Int
    let maxDefinition: Int
    private var repetition: RLEHybridEncoder
    private var definition: RLEHybridEncoder

    init(maxRepetition: Int, maxDefinition: Int) {
        self.maxRepetition = maxRepetition
        self.maxDefinition = maxDefinition
        repetition = RLEHybridEncoder(bitWidth: RLEHybridEncoder.bitWidth(forMax: maxRepetition))
        definition = RLEHybridEncoder(bitWidth: RLEHybridEncoder.bitWidth(forMax: maxDefinition))
    }

    var hasLevels: Bool { maxDefinition > 0 }

    /// Encoded size so far (for page-size estimates).
    var byteCount: Int { repetition.out.count + definition.out.count + 8 }

    /// Appends entries `range`; returns how many are not values (null, or an empty or null list above).
    mutating func put(_ rep: [UInt8], _ def: [UInt8], _ range: Range<Int>) -> Int {
        if maxRepetition > 0 { for i in range { repetition.put(UInt32(rep[i])) } }
        guard maxDefinition > 0 else { return 0 }
        let top = UInt8(maxDefinition)
        var nulls = 0
        for i in range {
            definition.put(UInt32(def[i]))
            if def[i] != top { nulls += 1 }
        }
        return nulls
    }

    mutating func finish(into body: inout [UInt8]) {
        if maxRepetition > 0 { Self.lengthPrefixed(&repetition, &body) }
        if maxDefinition > 0 { Self.lengthPrefixed(&definition, &body) }
    }

    private static func lengthPrefixed(_ e: inout RLEHybridEncoder, _ body: inout [UInt8]) {
        let start = body.count
        body.append(contentsOf: [0, 0, 0, 0])
        e.finish(into: &body)
        let n = UInt32(body.count - start - 4)
        for k in 0 ..< 4 { body[start + k] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(k))) }
    }
}

extension ColumnChunkWriter {
    /// Entries encoded between page-size checks: small enough that a page closes near
    /// `pageMaxBytes` (a level entry takes at least a byte or so with its value). Pages close
    /// only between rows, so every page starts a record.
    var nestedStepEntries: Int { max(64, min(4096, options.pageMaxBytes / 8)) }

    /// Encodes a nested leaf's shredded rows, cutting pages as they fill.
    func write(_ leaf: ShreddedLeaf) throws {
        precondition(!sealed, "ColumnChunkWriter.write after seal")
        precondition(nestedLevels != nil, "ColumnChunkWriter.write(ShreddedLeaf) on a flat column")
        let rows = leaf.rowCount
        if rows > 0 { try consultHistory() }
        let step = nestedStepEntries
        var row = 0
        while row < rows {
            let first = leaf.entryStarts[row]
            var end = row + 1
            while end < rows && leaf.entryStarts[end] - first < step { end += 1 }
            let entries = first ..< leaf.entryStarts[end]
            pageNulls += nestedLevels!.put(leaf.repetition, leaf.definition, entries)
            nestedLevelBytes = nestedLevels!.byteCount
            encoder.append(leaf.values, leaf.valueStarts[row] ..< leaf.valueStarts[end])
            pageRows += entries.count
            if peek({ $0.isDictionaryEncoding }) && (peek({ $0.dictionaryBytes }) > options.dictionaryMaxBytes || dictionaryIsUseless()) {
                recordDictionary()
                try flushPage()
                encoder.fallBackToPlain()
            } else if peek({ $0.pageBytesEstimate }) + nestedLevelBytes >= options.pageMaxBytes {
                try flushPage()
            }
            row = end
        }
        if peek({ $0.isDictionaryEncoding }) { recordDictionary() }
    }
}
