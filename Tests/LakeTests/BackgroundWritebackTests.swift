import Columnar
import Foundation
import Testing
@testable import Lake

/// Staged files start going to disk while a load runs: the writers kick a syncfs thread
/// every `writebackEvery` bytes of source batches.
@Suite struct BackgroundWritebackTests {
    func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("writeback-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func syncsOnlyWhenKicked() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let idle = try #require(BackgroundWriteback(folder: dir))
        idle.stop()
        idle.waitUntilStopped()
        #expect(idle.syncs == 0)

        let kicked = try #require(BackgroundWriteback(folder: dir))
        kicked.kick()
        #expect(kicked.waitForSyncs(1, timeout: 30) == 1)
        kicked.stop()
        kicked.waitUntilStopped()
    }

    @Test func writersKickAfterEnoughBatchBytes() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let schema = Schema([Field("v", .int64)])
        let batch = try RecordBatch(schema: schema, columns: [Column(type: .int64, values: (0 ..< 1000).map { .int(Int64($0)) })])
        for (every, expected) in [(batch.bufferBytes * 2, 1), (Int.max, 0)] {
            let writers = StagedFileWriters(format: ParquetDatasetFormat(), schema: schema, stagingFolder: dir + "/\(every)",
                                            maxFileBytes: 1 << 30, maxOpenWriters: 4, firstPart: { _ in 0 })
            let writeback = try #require(BackgroundWriteback(folder: dir))
            writers.writeback = writeback
            writers.writebackEvery = every
            for _ in 0 ..< 3 { try writers.write(batch, partition: nil) }
            // Three batches pass one threshold of two batches' bytes: one kick, one sync.
            #expect(writeback.waitForSyncs(expected, timeout: 30) == expected)
            _ = try writers.finish()
            writeback.stop()
            writeback.waitUntilStopped()
            #expect(writeback.syncs == expected)
        }
    }
}
