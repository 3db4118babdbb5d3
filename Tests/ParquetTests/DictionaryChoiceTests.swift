import Columnar
import Foundation
import Testing
@testable import Parquet

/// A dictionary is kept only where it pays: a column whose first values are nearly all
/// distinct goes PLAIN, and its next row groups do not build a dictionary to drop it, except
/// for a retry every `dictionaryRetryChunks`. Values read back the same either way.
@Suite struct DictionaryChoiceTests {
    /// Which row groups of column `c` carry a dictionary page.
    func dictionaryPages(_ path: String, column c: Int) throws -> [Bool] {
        let r = try ParquetFileReader(path: path)
        return r.fileMetaData.rowGroups.map { ($0.columns[c].metaData?.dictionaryPageOffset ?? 0) > 0 }
    }

    @Test func distinctColumnsGoPlainAndRepeatedOnesKeepTheirDictionary() throws {
        let schema = Schema([Field("id", .int64, nullable: false), Field("name", .string), Field("code", .int32, nullable: false)])
        let rows = 12_000, groups = 10
        var id = ColumnBuilder(type: .int64), name = ColumnBuilder(type: .string), code = ColumnBuilder(type: .int32)
        for i in 0 ..< rows * groups {
            id.append(Int64(i) * 7_919)
            if i % 5 == 0 { name.appendNull() } else { name.append(string: "customer \(i)") }
            code.append(Int32(i % 12))
        }
        let batch = try RecordBatch(schema: schema, columns: [id.finish(), name.finish(), code.finish()])
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = rows
        let (path, summary) = try writeFile([batch], schema: schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(summary.rowGroups == groups)
        // The first chunk tries a dictionary (its first page has one), the next seven skip it,
        // the ninth retries; a repeated column keeps its dictionary throughout.
        let retry = ColumnChunkWriter.dictionaryRetryChunks
        let expected = (0 ..< groups).map { $0 % retry == 0 }
        #expect(try dictionaryPages(path, column: 0) == expected)
        #expect(try dictionaryPages(path, column: 1) == expected)
        #expect(try dictionaryPages(path, column: 2) == Array(repeating: true, count: groups))
        let back = try ParquetFileReader(path: path).readAll()
        #expect(RecordBatch.concatenate(back.map { ($0, 0 ..< $0.rowCount) }, schema: schema) == batch)
    }

    /// A column that turns repetitive after a distinct start gets its dictionary back at the retry.
    @Test func aRetryFindsADictionaryThatPaysAgain() throws {
        let schema = Schema([Field("v", .int64, nullable: false)])
        let rows = 10_000, groups = 12
        var v = ColumnBuilder(type: .int64)
        for i in 0 ..< rows * groups { v.append(i < rows ? Int64(i) : Int64(i % 3)) }
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = rows
        let batch = try RecordBatch(schema: schema, columns: [v.finish()])
        let (path, _) = try writeFile([batch], schema: schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let retry = ColumnChunkWriter.dictionaryRetryChunks
        #expect(try dictionaryPages(path, column: 0) == (0 ..< groups).map { $0 == 0 || $0 >= retry })
        let back = try ParquetFileReader(path: path).readAll()
        #expect(RecordBatch.concatenate(back.map { ($0, 0 ..< $0.rowCount) }, schema: schema) == batch)
    }

    /// The short chunks of a many-partition load learn from each other: once a load's settled
    /// chunks of a column were 90% distinct over 8192 values, the next files' chunks of it skip
    /// the dictionary (but for the occasional retry), while a repeated column keeps one.
    /// Records count only after `settle()`, so concurrent writers cannot change each other's
    /// decisions mid-round.
    @Test func aLoadsFilesShareWhichColumnsNeedNoDictionary() throws {
        let schema = Schema([Field("id", .int64, nullable: false), Field("code", .int32)])
        let history = DictionaryHistory()
        var options = ParquetWriteOptions()
        options.dictionaryHistory = history
        var written: [(path: String, batch: RecordBatch)] = []
        // Fixed folder and file names: which files retry depends on them (see ParquetFileWriter's
        // trial seed), so the count below is the same in every run.
        let root = temporaryPath("shared")
        defer { try? FileManager.default.removeItem(atPath: root) }
        func writeSmallFile(_ k: Int) throws -> String {
            let rows = 600
            var id = ColumnBuilder(type: .int64), code = ColumnBuilder(type: .int32)
            for i in 0 ..< rows {
                id.append(Int64(k * rows + i) * 7_919)
                if i % 7 == 0 { code.appendNull() } else { code.append(Int32(i % 5)) }
            }
            let batch = try RecordBatch(schema: schema, columns: [id.finish(), code.finish()])
            let folder = root + "/date=2025-01-\(k)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let (path, _) = try writeFile([batch], schema: schema, options: options, path: folder + "/part-0000.parquet")
            written.append((path, batch))
            return path
        }
        // 14 files × 600 rows: past 8192 values, but recorded only, not settled.
        let early = try (0 ..< 14).map(writeSmallFile)
        for p in early { #expect(try dictionaryPages(p, column: 0) == [true]) }
        history.settle()
        let late = try (14 ..< 40).map(writeSmallFile)
        let lateWithDictionary = try late.filter { try dictionaryPages($0, column: 0) == [true] }.count
        // One chunk in `dictionaryRetryChunks` retries, chosen by its file's path: about 3 of 26.
        #expect(lateWithDictionary < late.count / 3)
        for p in early + late { #expect(try dictionaryPages(p, column: 1) == [true]) }
        for w in written {
            let back = try ParquetFileReader(path: w.path).readAll()
            #expect(RecordBatch.concatenate(back.map { ($0, 0 ..< $0.rowCount) }, schema: schema) == w.batch)
        }
    }

    /// A writer whose own chunk found the dictionary useless keeps its own schedule: its retry
    /// (a single-file load's ninth row group) is not vetoed by the load's history, so a column
    /// that turns repetitive gets its dictionary back. The file name is fixed: which chunks
    /// retry on the history's behalf depends on it.
    @Test func aWritersOwnVerdictKeepsItsRetryDespiteTheLoadsHistory() throws {
        let schema = Schema([Field("v", .int64, nullable: false)])
        let rows = 10_000, groups = 10
        var v = ColumnBuilder(type: .int64)
        for i in 0 ..< rows * groups { v.append(i < rows ? Int64(i) : Int64(i % 3)) }
        let batch = try RecordBatch(schema: schema, columns: [v.finish()])
        let history = DictionaryHistory()
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = rows
        options.dictionaryHistory = history
        let folder = temporaryPath("history")
        try FileManager.default.createDirectory(atPath: folder + "/date=2025-01-01", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/date=2025-01-01/part-0000.parquet"
        let w = try ParquetFileWriter(path: path, schema: schema, options: options)
        try w.write(batch, rows: 0 ..< rows)
        // The first row group's distinct values now count for the load: "no dictionary".
        history.settle()
        try w.write(batch, rows: rows ..< rows * groups)
        _ = try w.close()
        let retry = ColumnChunkWriter.dictionaryRetryChunks
        let pages = try dictionaryPages(path, column: 0)
        #expect(Array(pages.prefix(retry + 1)) == [true] + Array(repeating: false, count: retry - 1) + [true])
        let back = try ParquetFileReader(path: path).readAll()
        #expect(RecordBatch.concatenate(back.map { ($0, 0 ..< $0.rowCount) }, schema: schema) == batch)
    }
}
