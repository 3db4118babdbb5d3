import Columnar

/// Decodes one flat column chunk (all its pages) into a PhysicalBuffer plus validity.
struct ColumnChunkReader {
    let name: String
    let element: SchemaElement
    let physical: PhysicalType
    let nullable: Bool

    /// Largest page body we will allocate for (guards against hostile headers).
    static let maxPageBytes = 1 << 30

    func read(chunk bytes: [UInt8], meta: ColumnMetaData, rows: Int) throws -> (PhysicalBuffer, ValidityBitmap?) {
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
        var validity = ValidityBitmap()
        if nullable { validity.reserveCapacity(min(rows, 1 << 24)) }
        var rowsRead = 0
        var pos = 0
        var levels: [UInt32] = []
        while rowsRead < rows {
            guard pos < bytes.count else {
                throw ParquetError.corrupt("column '\(name)' ends after \(rowsRead) of \(rows) rows")
            }
            var tr = ThriftCompactReader(bytes, offset: pos)
            let header = try PageHeader.decode(&tr)
            let bodyStart = tr.pos
            let compressedSize = Int(header.compressedPageSize)
            guard compressedSize <= bytes.count - bodyStart else {
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
                guard n <= rows - rowsRead else { throw ParquetError.corrupt("column '\(name)' has more values than rows") }
                let raw = try decompress(bytes, bodyStart, compressedSize, Int(header.uncompressedPageSize), codec)
                var cur = ByteCursor(raw, column: name)
                var nonNull = n
                if nullable {
                    levels.removeAll(keepingCapacity: true)
                    switch dp.definitionLevelEncoding {
                    case Encoding.rle.rawValue:
                        let len = Int(try cur.le(UInt32.self))
                        let r = try cur.take(len)
                        var lc = ByteCursor(raw, from: r.lowerBound, to: r.upperBound, column: name)
                        try RLEHybridDecoder.decode(&lc, bitWidth: 1, count: n, into: &levels)
                    case Encoding.bitPacked.rawValue:
                        // Legacy BIT_PACKED levels are packed most significant bit first.
                        let r = try cur.take((n + 7) / 8)
                        for i in 0 ..< n { levels.append(UInt32(raw[r.lowerBound + i >> 3] >> UInt8(7 - i & 7) & 1)) }
                    default:
                        throw ParquetError.unsupported(feature: "definition level encoding \(dp.definitionLevelEncoding)", column: name)
                    }
                    nonNull = try appendValidity(levels, &validity)
                }
                try decodeValues(&cur, encoding: dp.encoding, count: nonNull, into: &values, dict: dict)
                rowsRead += n
            case .dataPageV2?:
                guard let dp = header.dataPageV2, dp.numValues >= 0, dp.definitionLevelsByteLength >= 0,
                      dp.repetitionLevelsByteLength >= 0 else {
                    throw ParquetError.corrupt("data page v2 of column '\(name)' lacks its header")
                }
                let n = Int(dp.numValues)
                guard n <= rows - rowsRead else { throw ParquetError.corrupt("column '\(name)' has more values than rows") }
                let levelBytes = Int(dp.definitionLevelsByteLength) + Int(dp.repetitionLevelsByteLength)
                guard levelBytes <= compressedSize, levelBytes <= Int(header.uncompressedPageSize) else {
                    throw ParquetError.corrupt("data page v2 levels of column '\(name)' exceed the page")
                }
                var nonNull = n
                if nullable {
                    levels.removeAll(keepingCapacity: true)
                    let start = bodyStart + Int(dp.repetitionLevelsByteLength)
                    var lc = ByteCursor(bytes, from: start, to: start + Int(dp.definitionLevelsByteLength), column: name)
                    try RLEHybridDecoder.decode(&lc, bitWidth: 1, count: n, into: &levels)
                    nonNull = try appendValidity(levels, &validity)
                }
                let valuesStart = bodyStart + levelBytes
                let valuesSize = compressedSize - levelBytes
                let valuesUncompressed = Int(header.uncompressedPageSize) - levelBytes
                let raw = dp.isCompressed
                    ? try decompress(bytes, valuesStart, valuesSize, valuesUncompressed, codec)
                    : Array(bytes[valuesStart ..< valuesStart + valuesSize])
                var cur = ByteCursor(raw, column: name)
                try decodeValues(&cur, encoding: dp.encoding, count: nonNull, into: &values, dict: dict)
                rowsRead += n
            default:
                continue // index pages and unknown page types carry no values
            }
        }
        return (values, nullable ? validity : nil)
    }

    private func decompress(_ bytes: [UInt8], _ start: Int, _ size: Int, _ uncompressed: Int, _ codec: CompressionCodec) throws -> [UInt8] {
        if size == 0 && uncompressed == 0 { return [] }
        return try bytes.withUnsafeBytes { raw in
            try PageCodec.decompress(codec, UnsafeRawBufferPointer(rebasing: raw[start ..< start + size]),
                                     uncompressedSize: uncompressed, column: name)
        }
    }

    private func appendValidity(_ levels: [UInt32], _ validity: inout ValidityBitmap) throws -> Int {
        var nonNull = 0
        for l in levels {
            guard l <= 1 else { throw ParquetError.corrupt("definition level \(l) above 1 in flat column '\(name)'") }
            validity.append(l == 1)
            nonNull += Int(l)
        }
        return nonNull
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
