import Columnar

/// Decodes one column chunk (all its pages): a flat column into a PhysicalBuffer plus validity,
/// a nested leaf into its repetition and definition levels plus its non-null values.
struct ColumnChunkReader {
    let name: String
    let element: SchemaElement
    let physical: PhysicalType
    /// Levels of the leaf: 0 and 0 or 1 for a flat column.
    let maxRepetition: Int
    let maxDefinition: Int

    /// Largest page body we will allocate for (guards against hostile headers).
    static let maxPageBytes = 1 << 30

    /// A flat column: definition levels 0/1 when nullable, no repetition.
    init(name: String, element: SchemaElement, physical: PhysicalType, nullable: Bool) {
        self.init(name: name, element: element, physical: physical, maxRepetition: 0, maxDefinition: nullable ? 1 : 0)
    }

    init(name: String, element: SchemaElement, physical: PhysicalType, maxRepetition: Int, maxDefinition: Int) {
        self.name = name
        self.element = element
        self.physical = physical
        self.maxRepetition = maxRepetition
        self.maxDefinition = maxDefinition
    }

    /// A flat column's values and validity.
    func read(chunk bytes: [UInt8], meta: ColumnMetaData, rows: Int) throws -> (PhysicalBuffer, ValidityBitmap?) {
        var validity = ValidityBitmap()
        let nullable = maxDefinition > 0
        if nullable { validity.reserveCapacity(min(rows, 1 << 24)) }
        let values = try decodePages(bytes, meta: meta, entries: rows, what: "rows") { n, _, def in
            if def.isEmpty { return n }
            var nonNull = 0
            for l in def {
                guard l <= 1 else { throw ParquetError.corrupt("definition level \(l) above 1 in flat column '\(name)'") }
                validity.append(l == 1)
                nonNull += Int(l)
            }
            return nonNull
        }
        return (values, nullable ? validity : nil)
    }

    /// A nested leaf's levels, one entry per value slot (nulls and empty lists included), and
    /// its non-null values.
    func readLevels(chunk bytes: [UInt8], meta: ColumnMetaData) throws -> LeafLevels {
        guard meta.numValues >= 0, meta.numValues <= Int64(Int32.max) else {
            throw ParquetError.corrupt("column '\(name)' declares \(meta.numValues) values")
        }
        var rep: [UInt8] = [], def: [UInt8] = []
        let n = Int(meta.numValues)
        rep.reserveCapacity(min(n, 1 << 24))
        def.reserveCapacity(min(n, 1 << 24))
        let maxRep = UInt32(maxRepetition), maxDef = UInt32(maxDefinition)
        let values = try decodePages(bytes, meta: meta, entries: n, what: "values") { n, r, d in
            if r.isEmpty {
                rep.append(contentsOf: repeatElement(0, count: n))
            } else {
                for l in r {
                    guard l <= maxRep else { throw ParquetError.corrupt("repetition level \(l) above \(maxRep) in column '\(name)'") }
                    rep.append(UInt8(l))
                }
            }
            if d.isEmpty {
                def.append(contentsOf: repeatElement(0, count: n))
                return n
            }
            var nonNull = 0
            for l in d {
                guard l <= maxDef else { throw ParquetError.corrupt("definition level \(l) above \(maxDef) in column '\(name)'") }
                def.append(UInt8(l))
                if l == maxDef { nonNull += 1 }
            }
            return nonNull
        }
        if let first = rep.first, first != 0 { throw ParquetError.corrupt("column '\(name)' starts inside a record") }
        return LeafLevels(values: values, repetition: rep, definition: def)
    }

    /// Walks the chunk's pages until `entries` level entries (rows of a flat column) are read.
    /// `levels` gets each data page's entry count and its repetition and definition levels (empty
    /// when the column has none: then all are 0) and returns how many values are non-null.
    private func decodePages(_ bytes: [UInt8], meta: ColumnMetaData, entries: Int, what: String,
                             levels: (Int, [UInt32], [UInt32]) throws -> Int) throws -> PhysicalBuffer {
        guard let codec = CompressionCodec(rawValue: meta.codec) else {
            throw ParquetError.unsupported(feature: "compression codec \(meta.codec)", column: name)
        }
        switch codec {
        case .uncompressed, .snappy, .gzip, .zstd: break
        default: throw ParquetError.unsupported(feature: "compression codec \(codec)", column: name)
        }
        let width = physical == .int96 ? 12 : Int(element.typeLength ?? 0)
        if physical == .fixedLenByteArray, width <= 0 {
            throw ParquetError.corrupt("FIXED_LEN_BYTE_ARRAY column '\(name)' has no positive type_length")
        }
        var values = PhysicalBuffer(type: physical, width: width, column: name)
        var dict: PhysicalBuffer?
        var read = 0
        var pos = 0
        var rep: [UInt32] = [], def: [UInt32] = []
        let repWidth = RLEHybridEncoder.bitWidth(forMax: maxRepetition), defWidth = RLEHybridEncoder.bitWidth(forMax: maxDefinition)
        while read < entries {
            guard pos < bytes.count else {
                throw ParquetError.corrupt("column '\(name)' ends after \(read) of \(entries) \(what)")
            }
            var tr = ThriftCompactReader(bytes, offset: pos)
            let header = try PageHeader.decode(&tr)
            let bodyStart = tr.pos
            let compressedSize = Int(header.compressedPageSize)
            guard compressedSize >= 0, compressedSize <= bytes.count - bodyStart else {
                throw ParquetError.corrupt("page of column '\(name)' runs past its column chunk")
            }
            guard Int(header.uncompressedPageSize) <= Self.maxPageBytes else {
                throw ParquetError.unsupported(feature: "page larger than 1 GiB", column: name)
            }
            pos = bodyStart + compressedSize
            switch PageType(rawValue: header.type) {
            case .dictionaryPage?:
                guard let dh = header.dictionaryPage, dh.numValues >= 0 else {
                    throw ParquetError.corrupt("dictionary page of column '\(name)' lacks its header")
                }
                guard dh.encoding == Encoding.plain.rawValue || dh.encoding == Encoding.plainDictionary.rawValue else {
                    throw ParquetError.unsupported(feature: "dictionary page encoding \(dh.encoding)", column: name)
                }
                let raw = try decompress(bytes, bodyStart, compressedSize, Int(header.uncompressedPageSize), codec)
                var cur = ByteCursor(raw, column: name)
                var d = PhysicalBuffer(type: physical, width: width, column: name)
                try d.appendPlain(&cur, count: Int(dh.numValues))
                dict = d
            case .dataPage?:
                guard let dp = header.dataPage, dp.numValues >= 0 else {
                    throw ParquetError.corrupt("data page of column '\(name)' lacks its header")
                }
                let n = Int(dp.numValues)
                guard n <= entries - read else { throw ParquetError.corrupt("column '\(name)' has more values than \(what)") }
                let raw = try decompress(bytes, bodyStart, compressedSize, Int(header.uncompressedPageSize), codec)
                var cur = ByteCursor(raw, column: name)
                rep.removeAll(keepingCapacity: true)
                def.removeAll(keepingCapacity: true)
                if repWidth > 0 { try decodeV1Levels(&cur, encoding: dp.repetitionLevelEncoding, bitWidth: repWidth, count: n, into: &rep) }
                if defWidth > 0 { try decodeV1Levels(&cur, encoding: dp.definitionLevelEncoding, bitWidth: defWidth, count: n, into: &def) }
                let nonNull = try levels(n, rep, def)
                try decodeValues(&cur, encoding: dp.encoding, count: nonNull, into: &values, dict: dict)
                read += n
            case .dataPageV2?:
                guard let dp = header.dataPageV2, dp.numValues >= 0, dp.definitionLevelsByteLength >= 0,
                      dp.repetitionLevelsByteLength >= 0 else {
                    throw ParquetError.corrupt("data page v2 of column '\(name)' lacks its header")
                }
                let n = Int(dp.numValues)
                guard n <= entries - read else { throw ParquetError.corrupt("column '\(name)' has more values than \(what)") }
                let levelBytes = Int(dp.definitionLevelsByteLength) + Int(dp.repetitionLevelsByteLength)
                guard levelBytes <= compressedSize, levelBytes <= Int(header.uncompressedPageSize) else {
                    throw ParquetError.corrupt("data page v2 levels of column '\(name)' exceed the page")
                }
                rep.removeAll(keepingCapacity: true)
                def.removeAll(keepingCapacity: true)
                let repEnd = bodyStart + Int(dp.repetitionLevelsByteLength)
                if repWidth > 0 {
                    var lc = ByteCursor(bytes, from: bodyStart, to: repEnd, column: name)
                    try RLEHybridDecoder.decode(&lc, bitWidth: repWidth, count: n, into: &rep)
                }
                if defWidth > 0 {
                    var lc = ByteCursor(bytes, from: repEnd, to: repEnd + Int(dp.definitionLevelsByteLength), column: name)
                    try RLEHybridDecoder.decode(&lc, bitWidth: defWidth, count: n, into: &def)
                }
                let nonNull = try levels(n, rep, def)
                let valuesStart = bodyStart + levelBytes
                let valuesSize = compressedSize - levelBytes
                let valuesUncompressed = Int(header.uncompressedPageSize) - levelBytes
                let raw = dp.isCompressed
                    ? try decompress(bytes, valuesStart, valuesSize, valuesUncompressed, codec)
                    : Array(bytes[valuesStart ..< valuesStart + valuesSize])
                var cur = ByteCursor(raw, column: name)
                try decodeValues(&cur, encoding: dp.encoding, count: nonNull, into: &values, dict: dict)
                read += n
            default:
                continue // index pages and unknown page types carry no values
            }
        }
        return values
    }

    /// A v1 page's levels: RLE behind a 4-byte length, or the legacy BIT_PACKED (most significant bit first).
    private func decodeV1Levels(_ cur: inout ByteCursor, encoding: Int32, bitWidth: Int, count n: Int, into out: inout [UInt32]) throws {
        switch encoding {
        case Encoding.rle.rawValue:
            let len = Int(try cur.le(UInt32.self))
            let r = try cur.take(len)
            var lc = ByteCursor(cur.bytes, from: r.lowerBound, to: r.upperBound, column: name)
            try RLEHybridDecoder.decode(&lc, bitWidth: bitWidth, count: n, into: &out)
        case Encoding.bitPacked.rawValue:
            let r = try cur.take((n * bitWidth + 7) / 8)
            let raw = cur.bytes
            for i in 0 ..< n {
                var v: UInt32 = 0
                for b in i * bitWidth ..< (i + 1) * bitWidth {
                    v = v << 1 | UInt32(raw[r.lowerBound + b >> 3] >> UInt8(7 - b & 7) & 1)
                }
                out.append(v)
            }
        default:
            throw ParquetError.unsupported(feature: "level encoding \(encoding)", column: name)
        }
    }

    private func decompress(_ bytes: [UInt8], _ start: Int, _ size: Int, _ uncompressed: Int, _ codec: CompressionCodec) throws -> [UInt8] {
        if size == 0 && uncompressed == 0 { return [] }
        return try bytes.withUnsafeBytes { raw in
            try PageCodec.decompress(codec, UnsafeRawBufferPointer(rebasing: raw[start ..< start + size]),
                                     uncompressedSize: uncompressed, column: name)
        }
    }

    private func decodeValues(_ cur: inout ByteCursor, encoding: Int32, count n: Int, into values: inout PhysicalBuffer,
                              dict: PhysicalBuffer?) throws {
        guard n > 0 else { return }
        switch Encoding(rawValue: encoding) {
        case .plain?:
            try values.appendPlain(&cur, count: n)
        case .plainDictionary?, .rleDictionary?:
            guard let dict else { throw ParquetError.corrupt("dictionary-encoded page without a dictionary page in column '\(name)'") }
            let bw = Int(try cur.u8())
            var idx: [UInt32] = []
            try RLEHybridDecoder.decode(&cur, bitWidth: bw, count: n, into: &idx)
            try values.appendIndices(idx, from: dict)
        case .rle? where physical == .boolean:
            let len = Int(try cur.le(UInt32.self))
            let r = try cur.take(len)
            var lc = ByteCursor(cur.bytes, from: r.lowerBound, to: r.upperBound, column: name)
            var bits: [UInt32] = []
            try RLEHybridDecoder.decode(&lc, bitWidth: 1, count: n, into: &bits)
            for b in bits { values.bools.append(b != 0) }
        case .deltaBinaryPacked? where physical == .int32 || physical == .int64:
            let decoded = try ValueDecoders.deltaBinaryPacked(&cur, is32: physical == .int32)
            guard decoded.count >= n else { throw cur.fail("DELTA_BINARY_PACKED holds \(decoded.count) of \(n) values") }
            if physical == .int32 {
                for v in decoded.prefix(n) { values.i32.append(Int32(truncatingIfNeeded: v)) }
            } else {
                values.i64.append(contentsOf: decoded.prefix(n))
            }
        case .deltaLengthByteArray? where physical == .byteArray:
            let before = values.count
            try ValueDecoders.deltaLengthByteArray(&cur, into: &values)
            guard values.count - before == n else { throw cur.fail("DELTA_LENGTH_BYTE_ARRAY count mismatch") }
        case .deltaByteArray? where physical == .byteArray || physical == .fixedLenByteArray:
            let before = values.count
            try ValueDecoders.deltaByteArray(&cur, into: &values)
            guard values.count - before == n else { throw cur.fail("DELTA_BYTE_ARRAY count mismatch") }
        case .byteStreamSplit?:
            try ValueDecoders.byteStreamSplit(&cur, count: n, into: &values)
        default:
            throw ParquetError.unsupported(feature: "encoding \(encoding) for \(physical)", column: name)
        }
    }
}

/// A nested leaf's column chunk, decoded: levels per slot and the non-null values in order.
struct LeafLevels {
    var values: PhysicalBuffer
    var repetition: [UInt8]
    var definition: [UInt8]
}
