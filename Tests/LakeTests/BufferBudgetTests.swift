import Columnar
import Foundation
import Parquet
import Testing
@testable import Lake

/// Open partition writers share one memory budget: past it, buffered row groups are
/// flushed, so peak memory does not grow with the number or size of partitions.
@Suite struct BufferBudgetTests {
    func batch(_ values: Range<Int>) throws -> RecordBatch {
        let schema = Schema([Field("v", .int64)])
        return try RecordBatch(schema: schema, columns: [Column(type: .int64, values: values.map { .int(Int64($0)) })])
    }

    func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("budget-\(UUID().uuidString)").path
    }

    /// Parquet writers of one int64 column `v` (or `schema`) into `dir`, parts numbered from 0.
    func makeWriters(_ dir: String, schema: Schema = Schema([Field("v", .int64)]), maxFileBytes: Int64 = 1 << 30,
                 maxOpenWriters: Int = 8, bufferBudget: Int, pendingBudget: Int, flushRows: Int? = nil,
                 gatherBytes: Int = 2 << 20) -> StagedFileWriters {
        StagedFileWriters(format: ParquetDatasetFormat(), schema: schema, stagingFolder: dir, maxFileBytes: maxFileBytes,
                          maxOpenWriters: maxOpenWriters, bufferBudget: bufferBudget, pendingBudget: pendingBudget,
                          flushRows: flushRows, gatherBytes: gatherBytes, firstPart: { _ in 0 })
    }

    /// Column `v` of each folder's files, read back in the order given (part order).
    func valuesByFolder(_ staged: [StagedFile]) throws -> [String: [Int64]] {
        var read: [String: [Int64]] = [:]
        for f in staged {
            for b in try ParquetFileReader(path: f.path).readAll() {
                guard case let .int64(v) = b.columns[0].storage else { Issue.record("\(f.path): v is not int64"); continue }
                read[f.folder, default: []] += v
            }
        }
        return read
    }

    /// Three rounds of 1000 rows into two partitions; the row groups of each file.
    func stage(budget: Int, pendingBudget: Int) throws -> [Int] {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writers = makeWriters(dir, bufferBudget: budget, pendingBudget: pendingBudget)
        for round in 0 ..< 3 {
            for p in ["date=2025-01-01", "date=2025-01-02"] { try writers.write(batch(round * 1000 ..< round * 1000 + 1000), partition: p) }
            try writers.enforceBufferBudget()
        }
        return try writers.finish().map { try ParquetFileReader(path: $0.path).rowGroupCount }
    }

    /// Budget flushes are decided on counted bytes, never on allocation sizes: the same input
    /// under memory pressure gives byte-identical files (capacities from malloc made runs differ).
    /// Held rows gathered a few partitions at a time, on all cores, give the same files as
    /// gathered all at once.
    @Test func sameInputGivesSameFilesUnderBudgetPressure() throws {
        let schema = Schema([Field("v", .int64), Field("s", .string)])
        func stageAll(gatherBytes: Int = 2 << 20) throws -> [String: Data] {
            let dir = folder()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let writers = makeWriters(dir, schema: schema, maxOpenWriters: 1000, bufferBudget: 200_000, pendingBudget: 100_000,
                                      gatherBytes: gatherBytes)
            var next = 0
            for _ in 0 ..< 30 {
                let n = 4000
                let v = try Column(type: .int64, values: (next ..< next + n).map { .int(Int64($0 &* 2_654_435_761 % 1_000_003)) })
                let s = try Column(type: .string, values: (next ..< next + n).map { .string("row \($0 % 977) of \($0 % 13)") })
                let batch = try RecordBatch(schema: schema, columns: [v, s])
                // 150 partitions, rows scattered among them.
                var byPartition: [Int: [Int]] = [:]
                for r in 0 ..< n { byPartition[(r * 7 + next) % 150, default: []].append(r) }
                try writers.write(batch, pieces: byPartition.keys.sorted().map { p in
                    ("date=2025-01-\(p)", RowSelection(byPartition[p]![...]))
                })
                try writers.enforceBufferBudget()
                next += n
            }
            var files: [String: Data] = [:]
            for f in try writers.finish() { files[f.folder + "/" + f.fileName] = try Data(contentsOf: URL(fileURLWithPath: f.path)) }
            return files
        }
        let first = try stageAll(), second = try stageAll(), grouped = try stageAll(gatherBytes: 1_000)
        #expect(first.count == 150)
        let differing = first.keys.filter { first[$0] != second[$0] }.sorted()
        #expect(differing.isEmpty, "\(differing.count) files differ, e.g. \(differing.prefix(3))")
        let differingGrouped = first.keys.filter { first[$0] != grouped[$0] }.sorted()
        #expect(differingGrouped.isEmpty, "\(differingGrouped.count) files differ when gathered in groups")
    }

    @Test func tinyBudgetsEncodeAndFlushEveryRound() throws {
        #expect(try stage(budget: 1, pendingBudget: 1) == [3, 3])
    }

    @Test func roomyBudgetsKeepOneRowGroupPerFile() throws {
        #expect(try stage(budget: 64 << 20, pendingBudget: 64 << 20) == [1, 1])
    }

    /// A batch stays held while any partition holds a piece of it, and is released when the
    /// last such piece is encoded; a partition that goes idle has its held pieces encoded.
    @Test func heldBatchesAreReleasedPieceByPiece() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writers = makeWriters(dir, bufferBudget: 64 << 20, pendingBudget: 64 << 20, flushRows: 80)
        // Batch 1: 2 rows each for two partitions, both held (fewer than 80 / 8).
        let first = try batch(0 ..< 4)
        try writers.write(first, pieces: [("date=2025-01-01", .range(0 ..< 2)), ("date=2025-01-02", .range(2 ..< 4))])
        try writers.enforceBufferBudget()
        #expect(writers.heldBytes == first.bufferBytes)
        // 2025-01-01 fills up to 80 held rows and drains; 2025-01-02 still holds a piece of batch 1.
        try writers.write(batch(4 ..< 82), pieces: [("date=2025-01-01", .range(0 ..< 78))])
        #expect(writers.heldBytes == first.bufferBytes)
        // 2025-01-02 goes idle: its piece is encoded and nothing is held any more.
        for round in 0 ..< writers.idleBatches {
            try writers.write(batch(100 * round + 100 ..< 100 * round + 150), partition: "date=2025-01-01")
            try writers.enforceBufferBudget()
        }
        #expect(writers.heldBytes == 0)
        let staged = try writers.finish()
        #expect(staged.map(\.rows) == [2 + 78 + 50 * Int64(writers.idleBatches), 2])
        #expect(staged.map(\.writerRows) == staged.map(\.rows))
    }

    /// Small pieces of many batches are held and encoded together, in arrival order, with
    /// every row accounted for; large pieces go straight through after what is held.
    @Test func heldPiecesKeepRowOrderAcrossPartitionsAndFiles() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writers = makeWriters(dir, maxOpenWriters: 2, bufferBudget: 1 << 20, pendingBudget: 4096, flushRows: 800)
        var expected: [String: [Int64]] = [:]
        var next = 0
        for round in 0 ..< 40 {
            // Each batch: a range per partition, sizes from 1 row to well past flushRows / 8.
            let sizes = [1 + round % 7, 3, 150 + round, 17]
            let n = sizes.reduce(0, +)
            let b = try batch(next ..< next + n)
            var pieces: [(partition: String?, rows: RowSelection)] = []
            var at = 0
            for (p, size) in sizes.enumerated() {
                let name = "date=2025-01-0\(p + 1)"
                pieces.append((name, .range(at ..< at + size)))
                expected["partitions/" + name, default: []] += (next + at ..< next + at + size).map(Int64.init)
                at += size
            }
            next += n
            try writers.write(b, pieces: pieces)
            try writers.enforceBufferBudget()
            #expect(writers.openWriters <= 2)
        }
        let staged = try writers.finish()
        #expect(writers.rowsWritten == Int64(next))
        // The open-file cap never closes a file before it got its rows.
        #expect(staged.allSatisfy { $0.rows > 0 })
        #expect(staged.allSatisfy { $0.rows == $0.writerRows })
        // Files of one folder come back in part order, so concatenation is arrival order.
        #expect(try valuesByFolder(staged) == expected)
    }

    /// Rows of a partition scattered through each batch (row lists, not ranges), some pieces
    /// large enough to go straight through and some held, come back complete and in order.
    @Test func scatteredLargeAndSmallPiecesKeepRowOrder() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writers = makeWriters(dir, maxOpenWriters: 8, bufferBudget: 1 << 20, pendingBudget: 2048, flushRows: 400)
        var expected: [String: [Int64]] = [:]
        var next = 0
        for round in 0 ..< 30 {
            let n = 200 + round
            let b = try batch(next ..< next + n)
            // Partition 0 takes every other row (100+, past flushRows / 8 = 50: straight through);
            // the rest spread over three held partitions.
            var rows: [Int: [Int]] = [:]
            for r in 0 ..< n { rows[r % 2 == 0 ? 0 : 1 + (r / 2 + round) % 3, default: []].append(r) }
            let pieces = rows.keys.sorted().map { p in ("date=2025-02-0\(p + 1)", RowSelection(rows[p]![...])) }
            for (name, selection) in pieces {
                guard case let .indices(list) = selection else { Issue.record("expected a row list"); continue }
                expected["partitions/" + name, default: []] += list.map { Int64(next + $0) }
            }
            next += n
            try writers.write(b, pieces: pieces)
            try writers.enforceBufferBudget()
        }
        #expect(try valuesByFolder(writers.finish()) == expected)
    }

    /// Held pieces that could carry a file past its size limit are written one by one, so
    /// the file still rolls over to the next part.
    @Test func heldPiecesStillRollOverAtMaxFileBytes() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writers = makeWriters(dir, maxFileBytes: 4_000, bufferBudget: 1 << 20, pendingBudget: 1 << 20)
        for round in 0 ..< 30 {
            try writers.write(batch(round * 50 ..< round * 50 + 50), partition: "date=2025-01-01")
            try writers.enforceBufferBudget()
        }
        let staged = try writers.finish()
        #expect(staged.count > 2)
        #expect(staged.map(\.fileName) == (0 ..< staged.count).map { DatasetLayout.fileName(part: $0, fileExtension: "parquet") })
        #expect(try valuesByFolder(staged) == ["partitions/date=2025-01-01": (0 ..< 1500).map(Int64.init)])
    }

    /// A partition not written for `idleBatches` source batches has its row group ended, so
    /// a finished partition of sorted input does not hold memory until the end of the load.
    @Test func idlePartitionsEndTheirRowGroup() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writers = makeWriters(dir, bufferBudget: 64 << 20, pendingBudget: 64 << 20, flushRows: 8)
        func load(_ partition: String, _ rounds: Int) throws {
            for _ in 0 ..< rounds {
                try writers.write(batch(0 ..< 100), partition: partition)
                try writers.enforceBufferBudget()
            }
        }
        try load("date=2025-01-01", 2)
        try load("date=2025-01-02", writers.idleBatches - 1)
        try load("date=2025-01-01", 1) // back before going idle: same row group
        try load("date=2025-01-02", writers.idleBatches)
        try load("date=2025-01-01", 1) // after going idle: a new row group
        let groups = try writers.finish().map { try ParquetFileReader(path: $0.path).rowGroupCount }
        #expect(groups == [2, 1])
    }
}
