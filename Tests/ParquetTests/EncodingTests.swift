import TestSupport
import Testing
@testable import Parquet

@Suite struct EncodingTests {
    @Test(arguments: [1, 2, 3, 7, 8, 13, 20, 32])
    func rleHybridRoundTrips(bitWidth: Int) throws {
        var rng = SeededRandom(seed: UInt64(bitWidth))
        let maxV = bitWidth == 32 ? UInt32.max : (UInt32(1) << UInt32(bitWidth)) - 1
        var values: [UInt32] = []
        var enc = RLEHybridEncoder(bitWidth: bitWidth)
        for _ in 0 ..< 300 {
            let v = UInt32.random(in: 0 ... maxV, using: &rng)
            let run = [1, 1, 3, 8, 9, 70, 1000].randomElement(using: &rng)!
            if Bool.random(using: &rng) { enc.put(v, count: run) } else { for _ in 0 ..< run { enc.put(v) } }
            values.append(contentsOf: repeatElement(v, count: run))
        }
        let bytes = enc.finish()
        var cur = ByteCursor(bytes, column: "t")
        var out: [UInt32] = []
        try RLEHybridDecoder.decode(&cur, bitWidth: bitWidth, count: values.count, into: &out)
        #expect(out == values)
    }

    @Test func rleUsesRunsForRepeats() {
        var enc = RLEHybridEncoder(bitWidth: 1)
        enc.put(1, count: 1_000_000)
        // One run header (varint of 2,000,000) and one value byte.
        #expect(enc.finish().count == 4)
    }

    @Test func thriftMetadataRoundTrips() throws {
        var w = ThriftCompactWriter()
        let header = PageHeader(type: 0, uncompressedPageSize: 123_456, compressedPageSize: 789,
                                dataPage: DataPageHeader(numValues: 1000, encoding: 8, definitionLevelEncoding: 3, repetitionLevelEncoding: 3,
                                                         statistics: Statistics(max: [9], min: [1], nullCount: 5, maxValue: [9], minValue: [1])))
        header.encode(&w)
        var r = ThriftCompactReader(w.bytes)
        let back = try PageHeader.decode(&r)
        #expect(back.uncompressedPageSize == 123_456 && back.compressedPageSize == 789)
        #expect(back.dataPage?.numValues == 1000 && back.dataPage?.encoding == 8)
        #expect(back.dataPage?.statistics == header.dataPage?.statistics)
        #expect(r.pos == w.bytes.count)
    }

    @Test func thriftSkipsUnknownFieldsAndRejectsTruncation() throws {
        var w = ThriftCompactWriter()
        w.i32(1, 2); w.i32(2, 10); w.i32(3, 10)
        w.beginStruct(40); w.string(1, "future"); w.listHeader(2, .i64, count: 20); for i in 0 ..< 20 { w.varint(UInt64(i)) }; w.endStruct()
        w.stop()
        var r = ThriftCompactReader(w.bytes)
        let h = try PageHeader.decode(&r)
        #expect(h.type == 2 && h.compressedPageSize == 10)
        for cut in 0 ..< w.bytes.count {
            var t = ThriftCompactReader(Array(w.bytes[0 ..< cut]))
            #expect(throws: ParquetError.self) { _ = try PageHeader.decode(&t) }
        }
    }

    @Test func decimalWidthsAreMinimal() throws {
        #expect(SchemaMapping.decimalByteWidth(precision: 19) == 9)
        #expect(SchemaMapping.decimalByteWidth(precision: 38) == 16)
        #expect(SchemaMapping.decimalByteWidth(precision: 2) == 1)
        #expect(SchemaMapping.decimalByteWidth(precision: 3) == 2)
        #expect(FixedDecimalEncoder.bigEndian(-2, width: 3) == [0xFF, 0xFF, 0xFE])
        #expect(try ColumnAssembler.bigEndianInt([0xFF, 0xFF, 0xFE], "c") == -2)
    }
}

@Suite struct DefinitionLevelTests {
    /// Byte-wise level encoding decodes to the same bits from any alignment and mix of runs.
    @Test func levelsRoundTripAtAnyAlignment() throws {
        var rng = SeededRandom(seed: 5)
        for _ in 0 ..< 50 {
            let n = Int.random(in: 0 ..< 3000, using: &rng)
            var bitmap = [UInt64](repeating: 0, count: (n + 63) / 64 + 1)
            var expected: [UInt32] = []
            var i = 0
            while i < n {
                let run = Int.random(in: 1 ... 200, using: &rng), mode = Int.random(in: 0 ..< 3, using: &rng)
                for _ in 0 ..< min(run, n - i) {
                    let v = mode == 0 ? true : mode == 1 ? false : Bool.random(using: &rng)
                    if v { bitmap[i >> 6] |= 1 << UInt64(i & 63) }
                    expected.append(v ? 1 : 0); i += 1
                }
            }
            var enc = DefinitionLevelEncoder()
            var nulls = 0, at = 0
            while at < n {
                let step = Int.random(in: 1 ... 300, using: &rng), end = min(n, at + step)
                if Int.random(in: 0 ..< 4, using: &rng) == 0 && expected[at ..< end].allSatisfy({ $0 == 1 }) {
                    enc.putRepeated(true, count: end - at)
                } else {
                    nulls += bitmap.withUnsafeBufferPointer { enc.put(words: $0, at ..< end) }
                }
                at = end
            }
            var bytes: [UInt8] = []
            enc.finish(into: &bytes)
            var cur = ByteCursor(bytes, column: "t")
            var out: [UInt32] = []
            try RLEHybridDecoder.decode(&cur, bitWidth: 1, count: n, into: &out)
            #expect(out == expected)
            #expect(nulls <= expected.filter { $0 == 0 }.count)
        }
    }
}
