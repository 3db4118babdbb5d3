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

    func stage(budget: Int) throws -> [Int] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writers = StagedFileWriters(format: ParquetDatasetFormat(), schema: Schema([Field("v", .int64)]), stagingFolder: dir,
                                        maxFileBytes: 1 << 30, maxOpenWriters: 8, bufferBudget: budget, firstPart: { _ in 0 })
        for round in 0 ..< 3 {
            for p in ["date=2025-01-01", "date=2025-01-02"] { try writers.write(batch(round * 1000 ..< round * 1000 + 1000), partition: p) }
            try writers.enforceBufferBudget()
        }
        return try writers.finish().map { try ParquetFileReader(path: $0.path).rowGroupCount }
    }

    @Test func tinyBudgetFlushesEveryWrite() throws {
        #expect(try stage(budget: 1) == [3, 3])
    }

    @Test func roomyBudgetKeepsOneRowGroupPerFile() throws {
        #expect(try stage(budget: 64 << 20) == [1, 1])
    }
}
