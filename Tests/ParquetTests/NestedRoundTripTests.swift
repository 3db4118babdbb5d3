import Columnar
import Foundation
import TestSupport
import Testing
@testable import Parquet

/// Nested columns written with repetition and definition levels read back equal, across pages,
/// row groups, codecs and dictionary settings; leaves carry statistics and pages start records.
@Suite struct NestedRoundTripTests {
    static let point = DataType.structure([Field("lat", .float64), Field("lon", .float64)])
    static let schema = Schema([
        Field("id", .int64, nullable: false),
        Field("tags", .list(of: .string)),
        Field("scores", .list(Field("element", .int32, nullable: false)), nullable: false),
        Field("address", .structure([Field("city", .string), Field("zip", .int16), Field("geo", point)])),
        Field("attrs", .map(.string, .int64)),
        // Three levels deep: a list of structs holding a map of lists.
        Field("orders", .list(of: .structure([
            Field("sku", .string, nullable: false),
            Field("lines", .map(.int32, .list(of: .decimal(precision: 18, scale: 4)))),
        ]))),
        Field("flags", .list(of: .boolean)),
        Field("when", .structure([Field("day", .date), Field("at", .timestamp(unit: .microsecond, utc: true)),
                                  Field("big", .decimal(precision: 30, scale: 2)), Field("tiny", .int8),
                                  Field("blob", .binary), Field("f", .float32)]), nullable: false),
    ])

    /// A random value of `type`: nulls where allowed, empty and null lists, lists of nulls.
    static func value(_ type: DataType, nullable: Bool, _ rng: inout SeededRandom) -> Value {
        if nullable && Int.random(in: 0 ..< 6, using: &rng) == 0 { return .null }
        switch type {
        case let .list(e):
            let n = [0, 0, 1, 2, 3, 5, 9][Int.random(in: 0 ..< 7, using: &rng)]
            return .list((0 ..< n).map { _ in value(e.type, nullable: e.nullable, &rng) })
        case let .structure(fields):
            return .structure(fields.map { value($0.type, nullable: $0.nullable, &rng) })
        case let .map(k, v):
            var keys: [Value] = []
            for _ in 0 ..< Int.random(in: 0 ..< 5, using: &rng) {
                let key = value(k, nullable: false, &rng)
                if !keys.contains(key) { keys.append(key) }
            }
            return .map(keys.map { MapEntry($0, value(v.type, nullable: v.nullable, &rng)) })
        case .float32, .float64:
            // NaN never equals itself in a nested Value; the flat suites cover NaN.
            return .float(Double(Int.random(in: -1000 ... 1000, using: &rng)) / 8)
        default:
            return randomValue(type, &rng)
        }
    }

    /// Rows that hit every shape first, then random rows.
    static func batch(rows: Int, seed: UInt64) throws -> RecordBatch {
        var rng = SeededRandom(seed: seed)
        var columns: [[Value]] = schema.fields.map { _ in [] }
        let edges: [[Value]] = [
            [.int(-1), .null, .list([]), .null, .null, .null, .null,
             .structure([.null, .null, .null, .null, .null, .null])],
            [.int(-2), .list([]), .list([.int(7)]), .structure([.null, .null, .null]), .map([]), .list([]), .list([]),
             .structure([.date(0), .timestamp(0), .decimal(0), .int(0), .binary([]), .float(0)])],
            [.int(-3), .list([.null, .null]), .list([]), .structure([.null, .null, .structure([.null, .null])]),
             .map([MapEntry(.string("k"), .null)]), .list([.null, .structure([.string("s"), .null]), .structure([.string("t"), .map([])])]),
             .list([.null]), .structure([.null, .null, .null, .null, .null, .null])],
            [.int(-4), .list([.string("")]), .list([.int(Int64(Int32.min)), .int(Int64(Int32.max))]), .structure([.string("x"), .int(-5), .null]),
             .map([MapEntry(.string("a"), .int(1)), MapEntry(.string("b"), .null)]),
             .list([.structure([.string("u"), .map([MapEntry(.int(3), .null), MapEntry(.int(4), .list([.null, .decimal(12345)]))])])]),
             .list([.boolean(true), .null, .boolean(false)]), .structure([.null, .null, .decimal(-1), .int(-128), .null, .null])],
        ]
        for row in edges { for (j, v) in row.enumerated() { columns[j].append(v) } }
        for i in edges.count ..< rows {
            for (j, f) in schema.fields.enumerated() {
                columns[j].append(j == 0 ? .int(Int64(i)) : value(f.type, nullable: f.nullable, &rng))
            }
        }
        return try RecordBatch(schema: schema, columns: zip(schema.fields, columns).map { try Column(type: $0.type, values: $1) })
    }

    static func rows(_ b: RecordBatch) -> [[Value]] { (0 ..< b.rowCount).map { b.row($0) } }

    static let cases: [(ParquetCompression, Bool)] = ParquetCompression.allCases.flatMap { c in [(c, true), (c, false)] }

    @Test(arguments: cases)
    func shapesRoundTripAcrossPagesAndRowGroups(codec: ParquetCompression, dictionary: Bool) throws {
        let batch = try Self.batch(rows: 1500, seed: 11)
        var options = ParquetWriteOptions()
        options.compression = codec
        options.dictionaryEnabled = dictionary
        options.pageMaxBytes = 700
        options.rowGroupMaxRows = 400
        let path = temporaryPath("nested")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try ParquetFileWriter(path: path, schema: Self.schema, options: options)
        try writer.write(batch, rows: 0 ..< 1000)
        try writer.write(batch, rows: 1000 ..< 1500)
        let summary = try writer.close()
        #expect(summary.rowGroups == 4)
        let reader = try ParquetFileReader(path: path)
        #expect(reader.schema.fields == Self.schema.fields)
        let back = try reader.readAll()
        #expect(back.map(\.rowCount) == [400, 400, 400, 300])
        let got = back.flatMap(Self.rows), want = Self.rows(batch)
        #expect(got.count == want.count)
        for (i, (g, w)) in zip(got, want).enumerated() where g != w {
            Issue.record("row \(i): \(g) vs \(w)")
            break
        }
        // Several pages per leaf: the level-heavy ones span many.
        let meta = reader.fileMetaData
        let pages = try meta.rowGroups[0].columns.map { try Self.dataPages(path, $0.metaData!).count }
        #expect(pages.max()! > 3, "\(pages)")
        if dictionary {
            #expect(meta.rowGroups[0].columns[1].metaData!.dictionaryPageOffset != nil)
        }
    }

    /// One chunk per leaf, in schema order, with its path; groups carry num_children and annotations.
    @Test func schemaElementsAndPathsFollowLogicalTypes() throws {
        let schema = Schema([
            Field("l", .list(Field("item", .int32, nullable: false)), nullable: false),
            Field("m", .map(.string, .structure([Field("a", .int64), Field("b", .list(of: .string))]))),
        ])
        let batch = try RecordBatch(schema: schema, columns: [
            Column(type: schema.fields[0].type, values: [.list([.int(1)])]),
            Column(type: schema.fields[1].type, values: [.map([MapEntry(.string("k"), .structure([.int(2), .list([.string("v")])]))])]),
        ])
        let (path, _) = try writeFile([batch], schema: schema)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let meta = try ParquetFileReader(path: path).fileMetaData
        let shape = meta.schema.map { "\($0.name):\($0.repetition ?? -1):\($0.numChildren ?? 0)" }
        #expect(shape == ["schema:-1:2", "l:0:1", "list:2:1", "element:0:0", "m:1:1", "key_value:2:2", "key:0:0",
                          "value:1:2", "a:1:0", "b:1:1", "list:2:1", "element:1:0"])
        #expect(meta.schema[1].logicalType == .list && meta.schema[1].convertedType == ConvertedType.list.rawValue)
        #expect(meta.schema[4].logicalType == .map && meta.schema[4].convertedType == ConvertedType.map.rawValue)
        #expect(meta.rowGroups[0].columns.map { $0.metaData!.pathInSchema } == [
            ["l", "list", "element"], ["m", "key_value", "key"], ["m", "key_value", "value", "a"],
            ["m", "key_value", "value", "b", "list", "element"],
        ])
        // The item name is the spec's `element` once written.
        let back = try ParquetFileReader(path: path)
        #expect(back.schema.fields[0].type == .list(Field("element", .int32, nullable: false)))
        #expect(try back.readAll()[0].row(0) == batch.row(0))
    }

    /// Null counts count every entry that is not a value (nulls, null and empty lists above);
    /// min and max come from the values.
    @Test(arguments: [true, false])
    func leafStatisticsCountEntriesThatAreNotValues(dictionary: Bool) throws {
        let schema = Schema([Field("l", .list(of: .int64)), Field("s", .structure([Field("x", .string)]))])
        let lists: [Value] = [.list([.int(5), .null, .int(-3)]), .null, .list([]), .list([.int(40)]), .list([.null])]
        let structs: [Value] = [.structure([.string("b")]), .null, .structure([.null]), .structure([.string("a")]), .structure([.string("c")])]
        var options = ParquetWriteOptions()
        options.dictionaryEnabled = dictionary
        let batch = try RecordBatch(schema: schema, columns: [Column(type: schema.fields[0].type, values: lists),
                                                              Column(type: schema.fields[1].type, values: structs)])
        let (path, _) = try writeFile([batch], schema: schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try ParquetFileReader(path: path)
        let chunks = reader.fileMetaData.rowGroups[0].columns.map { $0.metaData! }
        func le<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
        #expect(chunks[0].numValues == 7) // 3 + null list + empty list + 1 + 1
        #expect(chunks[0].statistics?.nullCount == 4)
        #expect(chunks[0].statistics?.minValue == le(Int64(-3)) && chunks[0].statistics?.maxValue == le(Int64(40)))
        #expect(chunks[1].numValues == 5)
        #expect(chunks[1].statistics?.nullCount == 2)
        #expect(chunks[1].statistics?.minValue == Array("a".utf8) && chunks[1].statistics?.maxValue == Array("c".utf8))
        #expect(try reader.readAll()[0].columns.map(\.values) == [lists, structs])
    }

    /// Every data page's first entry has repetition level 0: no record spans two pages.
    @Test func pagesStartOnRecordBoundaries() throws {
        let schema = Schema([Field("l", .list(of: .list(of: .int32)))])
        var rng = SeededRandom(seed: 5)
        let values: [Value] = (0 ..< 3000).map { _ in Self.value(schema.fields[0].type, nullable: true, &rng) }
        var options = ParquetWriteOptions()
        options.pageMaxBytes = 256
        options.compression = .none
        let batch = try RecordBatch(schema: schema, columns: [Column(type: schema.fields[0].type, values: values)])
        let (path, _) = try writeFile([batch], schema: schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try ParquetFileReader(path: path)
        let meta = reader.fileMetaData.rowGroups[0].columns[0].metaData!
        let pages = try Self.dataPages(path, meta)
        #expect(pages.count > 10)
        #expect(pages.allSatisfy { $0.firstRepetition == 0 })
        #expect(pages.reduce(0) { $0 + $1.values } == Int(meta.numValues))
        #expect(try reader.readAll()[0].columns[0].values == values)
    }

    /// A chunk's data pages: their entry counts and, read from an uncompressed body, the first
    /// repetition level (2 bits wide: up to two nested lists).
    static func dataPages(_ path: String, _ meta: ColumnMetaData) throws -> [(values: Int, firstRepetition: UInt32)] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var pos = Int(meta.dictionaryPageOffset ?? meta.dataPageOffset)
        let end = pos + Int(meta.totalCompressedSize)
        var pages: [(Int, UInt32)] = []
        while pos < end {
            var r = ThriftCompactReader(bytes, offset: pos)
            let header = try PageHeader.decode(&r)
            if let dp = header.dataPage {
                var cur = ByteCursor(bytes, from: r.pos + 4, to: r.pos + Int(header.compressedPageSize), column: "l")
                var levels: [UInt32] = []
                try? RLEHybridDecoder.decode(&cur, bitWidth: 2, count: 1, into: &levels)
                pages.append((Int(dp.numValues), levels.first ?? 99))
            }
            pos = r.pos + Int(header.compressedPageSize)
        }
        return pages
    }

    /// A null where the schema says required fails the write before any column takes the rows.
    @Test func nullsInRequiredNestedFieldsAreRejected() throws {
        let schema = Schema([Field("id", .int32), Field("l", .list(Field("element", .int32, nullable: false)))])
        let path = temporaryPath("req")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try ParquetFileWriter(path: path, schema: schema)
        let bad = try RecordBatch(schema: schema, columns: [Column(type: .int32, values: [.int(1)]),
                                                            Column(type: schema.fields[1].type, values: [.list([.int(1), .null])])])
        #expect(throws: ParquetError.self) { try w.write(bad) }
        let good = try RecordBatch(schema: schema, columns: [Column(type: .int32, values: [.int(2)]),
                                                             Column(type: schema.fields[1].type, values: [.list([.int(3)])])])
        try w.write(good)
        _ = try w.close()
        #expect(try readAllRows(path) == [[.int(2), .list([.int(3)])]])
    }

    /// Truncated and bit-flipped copies of a nested file throw a ParquetError or read; none crashes.
    @Test func mutatedNestedFilesNeverCrash() throws {
        let batch = try Self.batch(rows: 200, seed: 3)
        var options = ParquetWriteOptions()
        options.compression = .none
        options.pageMaxBytes = 300
        let (path, _) = try writeFile([batch], schema: Self.schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let mutated = temporaryPath("nested-mut")
        defer { try? FileManager.default.removeItem(atPath: mutated) }
        var rng = SeededRandom(seed: 17)
        for trial in 0 ..< 400 {
            var bytes = original
            if trial % 4 == 0 {
                bytes.removeLast(Int.random(in: 1 ..< bytes.count, using: &rng))
            } else {
                for _ in 0 ..< Int.random(in: 1 ... 3, using: &rng) {
                    bytes[Int.random(in: 4 ..< bytes.count - 8, using: &rng)] ^= UInt8.random(in: 1 ... 255, using: &rng)
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: mutated))
            do { _ = try ParquetFileReader(path: mutated).readAll() } catch is ParquetError {}
        }
    }

    /// Nesting past what a level byte holds is refused up front, not trapped on.
    @Test func nestingDeeperThanLevelsHoldIsRefused() throws {
        var type = DataType.int32
        for _ in 0 ..< 130 { type = .list(of: type) }
        #expect(throws: ParquetError.self) {
            _ = try ParquetFileWriter(path: temporaryPath("deep"), schema: Schema([Field("d", type)]))
        }
    }
}
