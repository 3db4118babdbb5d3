import TestSupport
import Columnar
import Foundation
import Testing
@testable import Parquet

@Suite struct RoundTripTests {
    /// Random schemas × codecs × page/row-group sizes: every value reads back exactly.
    @Test(arguments: ParquetCompression.allCases)
    func randomSchemasRoundTrip(codec: ParquetCompression) throws {
        for seed in UInt64(1) ... 6 {
            var rng = SeededRandom(seed: seed &* 7919 &+ UInt64(codec.rawValue.count))
            let nFields = Int.random(in: 1 ... 8, using: &rng)
            let fields = (0 ..< nFields).map { i in
                Field("c\(i)", allTypes.randomElement(using: &rng)!, nullable: Bool.random(using: &rng))
            }
            let schema = Schema(fields, metadata: ["source": "seed \(seed)"])
            var options = ParquetWriteOptions()
            options.compression = codec
            options.pageMaxBytes = [64, 1024, 1 << 20].randomElement(using: &rng)!
            options.rowGroupMaxRows = [7, 100, 1000].randomElement(using: &rng)!
            options.dictionaryMaxBytes = [16, 1 << 20].randomElement(using: &rng)!
            var expected: [[Value]] = []
            var batches: [RecordBatch] = []
            for _ in 0 ..< Int.random(in: 0 ... 3, using: &rng) {
                let rows = Int.random(in: 0 ... 400, using: &rng)
                let allNull = fields.map { $0.nullable && Int.random(in: 0 ..< 5, using: &rng) == 0 }
                var cols: [[Value]] = fields.map { _ in [] }
                for _ in 0 ..< rows {
                    for (j, f) in fields.enumerated() {
                        let null = f.nullable && (allNull[j] || Int.random(in: 0 ..< 4, using: &rng) == 0)
                        cols[j].append(null ? .null : randomValue(f.type, &rng))
                    }
                }
                let columns = try zip(fields, cols).map { try Column(type: $0.type, values: $1) }
                batches.append(try RecordBatch(schema: schema, columns: columns))
                for r in 0 ..< rows { expected.append(cols.map { $0[r] }) }
            }
            let (path, summary) = try writeFile(batches, schema: schema, options: options)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(summary.rows == Int64(expected.count))
            let reader = try ParquetFileReader(path: path)
            #expect(reader.schema.fields == fields)
            #expect(reader.schema.metadata["source"] == "seed \(seed)")
            #expect(reader.rowCount == Int64(expected.count))
            #expect(reader.createdBy == options.createdBy)
            let got = try readAllRows(path)
            #expect(got.count == expected.count)
            for (r, (g, e)) in zip(got, expected).enumerated() {
                let same = zip(g, e).allSatisfy { sameValue($0, $1) }
                #expect(same, "seed \(seed) row \(r): got \(g), expected \(e)")
                if !same { return }
            }
        }
    }

    /// Large slices encode their columns on all cores; a row range of a batch writes just those rows.
    @Test func largeBatchRangesEncodeInParallelAndRoundTrip() throws {
        var rng = SeededRandom(seed: 42)
        let fields = allTypes.enumerated().map { Field("c\($0.offset)", $0.element, nullable: $0.offset % 2 == 0) }
        let schema = Schema(fields)
        let n = 30_000
        let cols: [[Value]] = fields.map { f in
            (0 ..< n).map { _ in f.nullable && Int.random(in: 0 ..< 5, using: &rng) == 0 ? .null : randomValue(f.type, &rng) }
        }
        let batch = try RecordBatch(schema: schema, columns: zip(fields, cols).map { try Column(type: $0.type, values: $1) })
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = 9_000
        let path = temporaryPath("ranges")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try ParquetFileWriter(path: path, schema: schema, options: options)
        try w.write(batch, rows: 1_234 ..< 21_234)
        try w.write(batch, rows: 5 ..< 5)
        try w.write(batch, rows: 29_990 ..< 30_000)
        #expect(try w.close().rows == 20_010)
        let expected = (Array(1_234 ..< 21_234) + Array(29_990 ..< 30_000)).map { r in cols.map { $0[r] } }
        let got = try readAllRows(path)
        #expect(got.count == expected.count)
        let firstBad = zip(got, expected).enumerated().first { !zip($0.element.0, $0.element.1).allSatisfy { sameValue($0, $1) } }?.offset
        #expect(firstBad == nil, "first differing row \(firstBad ?? -1)")
        #expect(try ParquetFileReader(path: path).rowGroupCount == 3)
    }

    /// Page buffers are shared by all writers (`PageScratch`): files written at the same time on
    /// several threads, with pages small enough to flush every few values, each read back as written.
    @Test func filesWrittenAtOnceKeepTheirOwnPages() throws {
        let fields = allTypes.enumerated().map { Field("c\($0.offset)", $0.element, nullable: $0.offset % 2 == 1) }
        let schema = Schema(fields)
        let files = 6
        let cols: [[[Value]]] = (0 ..< files).map { k in
            var rng = SeededRandom(seed: UInt64(100 + k))
            return fields.map { f in (0 ..< 3_000).map { _ in f.nullable && Int.random(in: 0 ..< 4, using: &rng) == 0 ? .null : randomValue(f.type, &rng) } }
        }
        var options = ParquetWriteOptions()
        options.pageMaxBytes = 256
        options.rowGroupMaxRows = 700
        let paths = (0 ..< files).map { temporaryPath("scratch\($0)") }
        defer { for p in paths { try? FileManager.default.removeItem(atPath: p) } }
        let failures = UnsafeMutableBufferPointer<String?>.allocate(capacity: files)
        failures.initialize(repeating: nil)
        defer { failures.deinitialize(); failures.deallocate() }
        DispatchQueue.concurrentPerform(iterations: files) { k in
            do {
                let batch = try RecordBatch(schema: schema, columns: zip(fields, cols[k]).map { try Column(type: $0.type, values: $1) })
                let w = try ParquetFileWriter(path: paths[k], schema: schema, options: options)
                for start in stride(from: 0, to: 3_000, by: 250) { try w.write(batch, rows: start ..< start + 250) }
                _ = try w.close()
            } catch { failures[k] = "\(error)" }
        }
        #expect(Array(failures).compactMap { $0 }.isEmpty)
        for k in 0 ..< files {
            let got = try readAllRows(paths[k])
            let expected = (0 ..< 3_000).map { r in cols[k].map { $0[r] } }
            #expect(got.count == expected.count)
            let firstBad = zip(got, expected).enumerated().first { !zip($0.element.0, $0.element.1).allSatisfy { sameValue($0, $1) } }?.offset
            #expect(firstBad == nil, "file \(k): first differing row \(firstBad ?? -1)")
        }
    }

    /// Dictionary pages written in place (`ByteArrayEncoder.dictionaryPage`) at their edges: a
    /// chunk whose values are all null has an empty dictionary, and one of empty strings has
    /// entries of length 0 next to others.
    @Test func dictionaryPagesOfNullAndEmptyStringsRoundTrip() throws {
        let schema = Schema([Field("nulls", .string, nullable: true), Field("empties", .string, nullable: true)])
        let nulls = [Value](repeating: .null, count: 40)
        let empties: [Value] = (0 ..< 40).map { $0 % 3 == 0 ? .string("") : $0 % 3 == 1 ? .null : .string("v\($0 % 4)") }
        let batch = try RecordBatch(schema: schema, columns: [try Column(type: .string, values: nulls),
                                                              try Column(type: .string, values: empties)])
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = 15
        let (path, summary) = try writeFile([batch], schema: schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(summary.rowGroups == 3)
        let got = try readAllRows(path)
        let expected = (0 ..< 40).map { [nulls[$0], empties[$0]] }
        #expect(got.count == 40)
        #expect(zip(got, expected).allSatisfy { zip($0, $1).allSatisfy { sameValue($0, $1) } })
    }

    @Test func zeroRowsFileHasSchemaAndNoRowGroups() throws {
        let schema = Schema([Field("a", .int64), Field("s", .string, nullable: false)])
        let (path, summary) = try writeFile([RecordBatch.empty(schema)], schema: schema)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(summary == ParquetWriteSummary(rows: 0, fileBytes: summary.fileBytes, rowGroups: 0))
        let r = try ParquetFileReader(path: path)
        #expect(r.schema.fields == schema.fields)
        #expect(r.rowGroupCount == 0 && r.rowCount == 0)
    }

    @Test func rowGroupsSplitByRowsAndColumnsSelectable() throws {
        let schema = Schema([Field("i", .int32, nullable: false), Field("s", .string)])
        var b0 = ColumnBuilder(type: .int32), b1 = ColumnBuilder(type: .string)
        for i in 0 ..< 2500 {
            b0.append(Int32(i))
            if i % 3 == 0 { b1.appendNull() } else { b1.append(string: "v\(i % 17)") }
        }
        let batch = try RecordBatch(schema: schema, columns: [b0.finish(), b1.finish()])
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = 1000
        let (path, summary) = try writeFile([batch, batch], schema: schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(summary.rowGroups == 5 && summary.rows == 5000)
        let r = try ParquetFileReader(path: path)
        #expect((0 ..< r.rowGroupCount).map(r.rowGroupRowCount) == [1000, 1000, 1000, 1000, 1000])
        let g = try r.readRowGroup(2, columns: [1])
        #expect(g.schema.fields.map(\.name) == ["s"])
        #expect(g.columns[0].value(at: 0) == .string("v\(2000 % 17)")) // row 2000
        #expect(g.columns[0].value(at: 1) == .null) // 2001 % 3 == 0
    }

    @Test func rowGroupsSplitByBytes() throws {
        let schema = Schema([Field("x", .float64, nullable: false)])
        var b = ColumnBuilder(type: .float64)
        for i in 0 ..< 200_000 { b.append(Double(i) * 1.000001) }
        var options = ParquetWriteOptions()
        options.rowGroupMaxBytes = 300_000
        options.compression = .none
        let (path, summary) = try writeFile([try RecordBatch(schema: schema, columns: [b.finish()])], schema: schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(summary.rowGroups >= 4)
        #expect(try readAllRows(path).count == 200_000)
    }

    @Test func writerRejectsMismatchedBatchesAndNullsInRequired() throws {
        let schema = Schema([Field("a", .int32, nullable: false)])
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try ParquetFileWriter(path: path, schema: schema)
        let other = try RecordBatch(schema: Schema([Field("a", .int64)]), columns: [Column(type: .int64, values: [.int(1)])])
        #expect(throws: ParquetError.self) { try w.write(other) }
        let nulls = try RecordBatch(schema: Schema([Field("a", .int32)]), columns: [Column(type: .int32, values: [.null])])
        #expect(throws: ParquetError.self) { try w.write(nulls) }
        _ = try w.close()
        #expect(throws: ParquetError.self) { _ = try w.close() }
    }

    @Test func estimatedBytesGrowAndKeyValueMetadataMerges() throws {
        let schema = Schema([Field("s", .string)], metadata: ["a": "schema", "b": "schema"])
        var options = ParquetWriteOptions()
        options.keyValueMetadata = ["b": "options"]
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try ParquetFileWriter(path: path, schema: schema, options: options)
        let before = w.estimatedFileBytes
        var b = ColumnBuilder(type: .string)
        for i in 0 ..< 10_000 { b.append(string: "value-\(i)") }
        try w.write(try RecordBatch(schema: schema, columns: [b.finish()]))
        #expect(w.estimatedFileBytes > before + 10_000)
        #expect(w.rowsWritten == 10_000)
        _ = try w.close()
        let r = try ParquetFileReader(path: path)
        #expect(r.schema.metadata == ["a": "schema", "b": "options"])
    }
}
