import TestSupport
import Columnar
import Foundation
import Testing
@testable import Parquet

/// `FileSink` writes a file's large pieces on a background queue once the first arrives; the
/// file, its offsets and what the observer saw must be exactly what was written, in order.
@Suite struct FileSinkTests {
    @Test func backgroundWritesKeepTheFileAndTheObserverInOrder() throws {
        let path = temporaryPath("sink")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var seen: [UInt8] = []
        let sink = try FileSink(path: path) { seen.append(contentsOf: $0) }
        var expected: [UInt8] = []
        var rng = SeededRandom(seed: 7)
        func piece(_ n: Int) -> [UInt8] { (0 ..< n).map { _ in UInt8.random(in: 0 ... 255, using: &rng) } }
        // Small pieces on the caller's thread, then a large one starts the queue, after which
        // small raw pieces (copied) and arrays must still land in order.
        for n in [4, 100, 3_000, FileSink.backgroundFrom + 17, 5, 70_000, FileSink.backgroundFrom * 3, 1] {
            let bytes = piece(n)
            if n % 2 == 1 { try bytes.withUnsafeBytes { try sink.write($0) } } else { try sink.write(bytes) }
            expected += bytes
            #expect(sink.offset == Int64(expected.count))
        }
        try sink.close()
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(file.count == expected.count)
        #expect(file == expected)
        #expect(seen == expected)
    }

    /// A Parquet file big enough for background writes reads back whole, and its observer saw
    /// exactly the file's bytes.
    @Test func largeFileDigestMatchesItsBytes() throws {
        let schema = Schema([Field("s", .string, nullable: false), Field("i", .int64, nullable: true)])
        var rng = SeededRandom(seed: 11)
        let n = 120_000
        let strings = (0 ..< n).map { _ in Value.string(String((0 ..< 24).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement(using: &rng)! })) }
        let ints = (0 ..< n).map { i in i % 7 == 0 ? Value.null : .int(Int64.random(in: .min ... .max, using: &rng)) }
        let batch = try RecordBatch(schema: schema, columns: [Column(type: .string, values: strings), Column(type: .int64, values: ints)])
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = 50_000
        let path = temporaryPath("digest")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var seen: [UInt8] = []
        let w = try ParquetFileWriter(path: path, schema: schema, options: options) { seen.append(contentsOf: $0) }
        try w.write(batch)
        #expect(try w.close().rowGroups == 3)
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(file.count > FileSink.backgroundFrom * 4)
        #expect(seen == file)
        let rows = try readAllRows(path)
        #expect(rows.count == n)
        #expect(rows.indices.allSatisfy { rows[$0][0] == strings[$0] && sameValue(rows[$0][1], ints[$0]) })
    }

    /// A write that fails on the background queue (a full disk) is reported, not lost.
    @Test(arguments: [100, FileSink.backgroundFrom * 2])
    func failedWritesSurfaceByClose(size: Int) throws {
        let sink = try FileSink(path: "/dev/full")
        var failure: Error?
        do {
            for _ in 0 ..< 3 { try sink.write([UInt8](repeating: 1, count: size)) }
            try sink.close()
        } catch { failure = error }
        let message = failure.map { "\($0)" } ?? ""
        #expect(message.contains("/dev/full") && message.contains("No space left"), "got \(message)")
    }
}
