import Testing
@testable import Columnar

/// Joining slices of batches must give exactly the rows a per-row copy would, for every
/// type and whatever the bit offsets of the validity bitmaps.
@Suite struct ConcatenateTests {
    static let types: [DataType] = [.boolean, .int8, .int16, .int32, .int64, .float32, .float64, .decimal(precision: 38, scale: 4),
                                    .date, .timestamp(unit: .microsecond, utc: true), .string, .binary,
                                    .list(of: .string), .structure([Field("n", .int32), Field("tags", .list(of: .string))]),
                                    .map(.string, .int64), .list(of: .list(of: .int64))]

    func value(_ t: DataType, _ i: Int) -> Value {
        if i % 7 == 3 { return .null }
        switch t {
        case .boolean: return .boolean(i % 2 == 0)
        case .int8, .int16, .int32, .int64: return .int(Int64(i % 100) - 50)
        case .float32, .float64: return .float(Double(i) / 4)
        case .decimal: return .decimal(Int128(i) * 1_000_000_007)
        case .date: return .date(Int32(i) - 400)
        case .timestamp: return .timestamp(Int64(i) * 1_000_003)
        case .string: return .string(String(repeating: "é", count: i % 4))
        case .binary: return .binary(Array(repeating: UInt8(i & 0xFF), count: i % 3))
        case .list(let e) where e.type == .string: return .list((0 ..< i % 4).map { $0 == 2 ? .null : .string("s\(i).\($0)") })
        case .list: return .list((0 ..< i % 3).map { j in .list((0 ..< j).map { .int(Int64(i * 10 + $0)) }) })
        case .structure: return .structure([i % 5 == 0 ? .null : .int(Int64(i)), i % 6 == 1 ? .null : .list([.string("t\(i)")])])
        case .map: return .map((0 ..< i % 3).map { MapEntry(.string("k\($0)"), $0 == 1 ? .null : .int(Int64(i))) })
        default: preconditionFailure("no test value for \(t.name)")
        }
    }

    func batch(_ rows: Range<Int>) throws -> RecordBatch {
        let schema = Schema(Self.types.enumerated().map { Field("c\($0.offset)", $0.element) })
        return try RecordBatch(schema: schema, columns: Self.types.map { t in try Column(type: t, values: rows.map { value(t, $0) }) })
    }

    @Test func slicesJoinToTheSameRowsForEveryType() throws {
        // Slice lengths that land the bitmap at every kind of offset: 0, 1, 63, 64, 65, odd.
        let a = try batch(0 ..< 200), b = try batch(1000 ..< 1130), c = try batch(5000 ..< 5001)
        let parts: [(batch: RecordBatch, rows: Range<Int>)] = [(a, 0 ..< 1), (b, 3 ..< 66), (a, 1 ..< 1), (c, 0 ..< 1), (a, 100 ..< 164), (b, 0 ..< 130), (a, 7 ..< 72)]
        let joined = RecordBatch.concatenate(parts, schema: a.schema)
        var expected: [[Value]] = []
        for (batch, rows) in parts { for i in rows { expected.append(batch.row(i)) } }
        #expect(joined.rowCount == expected.count)
        #expect((0 ..< joined.rowCount).map { joined.row($0) } == expected)
        for (col, type) in zip(joined.columns, Self.types) {
            #expect(col.type == type)
            #expect(col.nullCount == expected.filter { $0[0] == .null }.count)
        }
    }

    /// Row lists (scattered, descending, repeated) mixed with ranges give the rows a per-row
    /// copy would, in the listed order.
    @Test func rowListsAndRangesJoinToTheSameRows() throws {
        let a = try batch(0 ..< 200), b = try batch(1000 ..< 1130)
        let scattered = Array(stride(from: 0, to: 200, by: 3))
        let parts: [(batch: RecordBatch, rows: RowSelection)] = [
            (a, .indices(scattered[...])), (b, .range(3 ..< 66)), (b, .indices([129, 64, 63, 0, 0, 1][...])),
            (a, .indices([][...])), (a, .range(150 ..< 151)), (b, .indices(scattered[5 ..< 20])),
        ]
        let joined = RecordBatch.concatenate(parts, schema: a.schema)
        var expected: [[Value]] = []
        for (batch, rows) in parts {
            switch rows {
            case let .range(r): for i in r { expected.append(batch.row(i)) }
            case let .indices(list): for i in list { expected.append(batch.row(i)) }
            }
        }
        #expect(joined.rowCount == expected.count)
        #expect((0 ..< joined.rowCount).map { joined.row($0) } == expected)
        // A consecutive ascending list is recognised as a range; anything else stays a list.
        #expect(RowSelection([4, 5, 6][...]) == .range(4 ..< 7))
        #expect(RowSelection([4, 6, 5][...]) == .indices([4, 6, 5][...]))
        #expect(RowSelection([4, 6][...]) == .indices([4, 6][...]))
        #expect(RowSelection([][...]) == .range(0 ..< 0))
    }

    /// Gathered strings are copied by length class (under 4, 4-7, 8-16, 17-32, longer): every
    /// length must come back byte for byte, next to neighbours of other lengths.
    @Test func stringsOfEveryLengthGatherIntact() throws {
        func text(_ n: Int) -> String {
            let bytes: [UInt8] = (0 ..< n).map { UInt8(65 + ($0 * 7 + n) % 26) }
            return String(decoding: bytes, as: UTF8.self)
        }
        let texts: [String] = (0 ..< 80).map(text)
        let column = try Column(type: .string, values: texts.map { Value.string($0) })
        let order = Array((0 ..< 80).reversed()) + Array(stride(from: 1, to: 80, by: 3))
        let gathered = Column.concatenate([(column, RowSelection.indices(order[...]))], type: .string)
        let expected: [Value] = order.map { Value.string(texts[$0]) }
        #expect((0 ..< gathered.count).map { gathered.value(at: $0) } == expected)
    }

    @Test func wholeSinglePartIsReturnedAsIsAndNothingGivesEmpty() throws {
        let a = try batch(0 ..< 10)
        #expect(RecordBatch.concatenate([(a, 0 ..< 10)], schema: a.schema) == a)
        let none = RecordBatch.concatenate([] as [(batch: RecordBatch, rows: Range<Int>)], schema: a.schema)
        #expect(none.rowCount == 0)
        #expect(none.schema == a.schema)
    }

    @Test func validityAppendKeepsCountsAndTrailingBitsClear() {
        for prefix in [0, 1, 63, 64, 65, 130] {
            for suffix in [0, 1, 63, 64, 65, 200] {
                var x = ValidityBitmap()
                for i in 0 ..< prefix { x.append(i % 3 != 0) }
                var y = ValidityBitmap()
                for i in 0 ..< suffix { y.append(i % 5 == 0) }
                var joined = x
                joined.append(contentsOf: y)
                var byBit = x
                for i in 0 ..< suffix { byBit.append(y[i]) }
                #expect(joined == byBit, "prefix \(prefix), suffix \(suffix)")
                // A later append must land on a clear bit.
                joined.append(false)
                byBit.append(false)
                #expect(joined == byBit)
            }
        }
    }

    @Test func bufferBytesCountValuesOffsetsAndValidity() throws {
        let ints = try Column(type: .int64, values: [.int(1), .null, .int(3)])
        #expect(ints.bufferBytes == 3 * 8 + 8)
        let strings = try Column(type: .string, values: [.string("ab"), .string("cde")])
        #expect(strings.bufferBytes == 5 + 3 * 8)
    }
}
