import Columnar
import Foundation
@testable import Lake
import ObjectStore
import Parquet
import Testing

/// Mode merge on the local store, in Parquet: rows replaced by key, others added; only the
/// files holding incoming keys rewritten; duplicates, null and missing keys; a key that moves
/// partition; a failure before the manifest leaves the old dataset.
@Suite("Lake load: mode merge")
struct MergeTests {
    let root = Fixture.temporaryDirectory()

    func lake(failAt: PublishStep? = nil) -> Lake {
        Lake(store: LocalStore(root: root), format: ParquetDatasetFormat(), stagingDirectory: nil, failureHook: failAt.map { step in
            { @Sendable s in if s == step { throw InjectedFailure(step: s) } }
        })
    }

    func merge(_ lake: Lake, _ id: String, _ batches: [RecordBatch], key: [String] = ["id"], partition: String? = nil,
               schema: Schema = Fixture.schema) async throws -> LoadResult {
        var options = LoadOptions(partitionColumn: partition, mode: .merge)
        options.primaryKey = key
        var src = ArrayBatchSource(schema: schema, batches: batches)
        return try await lake.load(datasetId: DatasetID(id), source: &src, options: options)
    }

    /// Every row of the dataset's Parquet files, as `id name day` text, sorted.
    func rows(_ id: String) throws -> [String] {
        var out: [String] = []
        for (path, _) in files(id) {
            for batch in try ParquetFileReader(path: root + "/datasets/\(id)/" + path).readAll() {
                for i in 0 ..< batch.rowCount { out.append(batch.row(i).map(\.description).joined(separator: " ")) }
            }
        }
        return out.sorted()
    }

    /// Data files (relative path → inode), to tell a file left alone from one rewritten.
    func files(_ id: String) -> [String: UInt64] {
        let base = root + "/datasets/\(id)/"
        var out: [String: UInt64] = [:]
        for case let rel as String in FileManager.default.enumerator(atPath: base)! where rel.hasSuffix(".parquet") {
            out[rel] = (try! FileManager.default.attributesOfItem(atPath: base + rel)[.systemFileNumber] as! NSNumber).uint64Value
        }
        return out
    }

    static func batch(_ ids: ClosedRange<Int64>, _ name: String, _ day: String? = "2024-05-01") -> RecordBatch {
        Fixture.batch(ids.map { ($0, name, day) })
    }

    @Test func updatesAndInsertsRewriteOnlyTheFileHoldingTheKeys() async throws {
        let lake = lake()
        // Three files by key range: 1…100, 101…200, 201…300 (one load each, appended).
        _ = try await merge(lake, "t", [Self.batch(1 ... 100, "a")])
        _ = try await merge(lake, "t", [Self.batch(101 ... 200, "a")])
        _ = try await merge(lake, "t", [Self.batch(201 ... 300, "a")])
        let before = files("t")
        #expect(before.count == 3)
        let r = try await merge(lake, "t", [Self.batch(150 ... 160, "b"), Self.batch(301 ... 305, "new")])
        let m = try #require(r.merge)
        #expect(m.rowsUpdated == 11)
        #expect(m.rowsInserted == 5)
        #expect(m.duplicates == 0)
        #expect(m.filesTotal == 3)
        #expect(m.filesExamined == 1, "the other two files' key ranges hold no incoming key: only their footers are read")
        #expect(m.replaced.map(\.key) == ["datasets/t/data/part-0001.parquet"])
        let after = files("t")
        #expect(after["data/part-0000.parquet"] == before["data/part-0000.parquet"], "untouched: the same file")
        #expect(after["data/part-0002.parquet"] == before["data/part-0002.parquet"], "untouched: the same file")
        #expect(after["data/part-0001.parquet"] == nil, "rewritten under a new part number")
        #expect(after.count == 4)
        let expected = ((1 ... 300).map { "\($0) \((150 ... 160).contains($0) ? "b" : "a") 2024-05-01" } + (301 ... 305).map { "\($0) new 2024-05-01" }).sorted()
        #expect(try rows("t") == expected)
        let manifest = try #require(try await lake.manifest(DatasetID("t")))
        #expect(Set(manifest.files.map { String($0.key.dropFirst("datasets/t/".count)) }) == Set(after.keys))
        #expect(manifest.rows == 305)
        #expect(manifest.mode == .merge)
    }

    @Test func aFileWhoseRangeOverlapsButHoldsNoKeyIsNotRewritten() async throws {
        let lake = lake()
        _ = try await merge(lake, "t", [Fixture.batch([(1, "a", "2024-05-01"), (100, "a", "2024-05-01")])])
        let before = files("t")
        let r = try await merge(lake, "t", [Fixture.batch([(50, "x", "2024-05-01")])])
        #expect(r.merge?.filesExamined == 1, "its range 1…100 holds 50: its key column is read")
        #expect(r.merge?.replaced.isEmpty == true)
        #expect(files("t")["data/part-0000.parquet"] == before["data/part-0000.parquet"])
        #expect(try rows("t") == ["1 a 2024-05-01", "100 a 2024-05-01", "50 x 2024-05-01"])
    }

    @Test func duplicateKeysKeepTheLastRowAndAreCounted() async throws {
        let lake = lake()
        _ = try await merge(lake, "t", [Self.batch(1 ... 3, "a")])
        let r = try await merge(lake, "t", [Fixture.batch([(2, "first", "2024-05-01"), (4, "x", "2024-05-01")]),
                                            Fixture.batch([(2, "second", "2024-05-01"), (4, "y", "2024-05-01"), (2, "third", "2024-05-01")])])
        #expect(r.merge?.duplicates == 3)
        #expect(r.merge?.rowsUpdated == 1)
        #expect(r.merge?.rowsInserted == 1)
        #expect(try rows("t") == ["1 a 2024-05-01", "2 third 2024-05-01", "3 a 2024-05-01", "4 y 2024-05-01"])
    }

    @Test func aKeyThatMovesPartitionIsReplacedInItsOldOne() async throws {
        let lake = lake()
        _ = try await merge(lake, "p", [Fixture.batch([(1, "a", "2024-05-01"), (2, "a", "2024-05-02"), (3, "a", "2024-05-03")])],
                            partition: "day")
        let before = files("p")
        // 1 moves from 05-01 (left empty) to 05-02; 3 stays in 05-03, updated.
        let r = try await merge(lake, "p", [Fixture.batch([(1, "moved", "2024-05-02"), (3, "b", "2024-05-03")])], partition: "day")
        #expect(r.merge?.rowsUpdated == 2)
        #expect(try rows("p") == ["1 moved 2024-05-02", "2 a 2024-05-02", "3 b 2024-05-03"])
        let after = files("p")
        #expect(!after.keys.contains { $0.hasPrefix("partitions/date=2024-05-01/") })
        #expect(!FileManager.default.fileExists(atPath: root + "/datasets/p/partitions/date=2024-05-01"), "an emptied partition goes")
        #expect(after["partitions/date=2024-05-02/part-0000.parquet"] == before["partitions/date=2024-05-02/part-0000.parquet"])
        let manifest = try #require(try await lake.manifest(DatasetID("p")))
        #expect(Set(manifest.files.map { String($0.key.dropFirst("datasets/p/".count)) }) == Set(after.keys))
    }

    @Test func compositeAndStringKeys() async throws {
        let lake = lake()
        _ = try await merge(lake, "c", [Fixture.batch([(1, "x", "2024-05-01"), (1, "y", "2024-05-01"), (2, "x", "2024-05-01")])],
                            key: ["id", "name"])
        _ = try await merge(lake, "c", [Fixture.batch([(1, "y", "2024-06-01"), (2, "y", "2024-06-01")])], key: ["id", "name"])
        #expect(try rows("c") == ["1 x 2024-05-01", "1 y 2024-06-01", "2 x 2024-05-01", "2 y 2024-06-01"])
        // A string key, with a NUL byte and a prefix of another key.
        _ = try await merge(lake, "s", [Fixture.batch([(1, "ab", nil), (2, "a\u{0}b", nil), (3, "abc", nil)])], key: ["name"])
        let r = try await merge(lake, "s", [Fixture.batch([(9, "ab", nil), (8, "a", nil)])], key: ["name"])
        #expect(r.merge?.rowsUpdated == 1)
        #expect(try rows("s").map { $0.replacingOccurrences(of: "\u{0}", with: "0") } == ["2 a0b null", "3 abc null", "8 a null", "9 ab null"])
    }

    @Test func aNullKeyIsNamedAndTheLakeUntouched() async throws {
        let lake = lake()
        let schema = Schema([Field("id", .int64), Field("name", .string)])
        let good = try RecordBatch(schema: schema, columns: [Column(type: .int64, values: [.int(1)]), Column(type: .string, values: [.string("a")])])
        _ = try await merge(lake, "n", [good], schema: schema)
        let before = files("n")
        let bad = try RecordBatch(schema: schema, columns: [Column(type: .int64, values: [.int(5), .null]),
                                                             Column(type: .string, values: [.string("b"), .string("c")])])
        await #expect {
            try await merge(lake, "n", [good, bad], schema: schema)
        } throws: { e in
            guard let e = e as? LakeError, case .nullKey("n", "id", 3) = e else { return false }
            return "\(e)".contains("row 3 of the input has a null primary key in column 'id'")
        }
        #expect(files("n") == before)
        #expect(try rows("n") == ["1 a"])
    }

    @Test func aMissingKeyColumnIsAUsageError() async throws {
        await #expect {
            try await merge(lake(), "m", [Self.batch(1 ... 2, "a")], key: ["id", "sku"])
        } throws: { e in
            guard let e = e as? LakeError, case .missingKeyColumn("m", "sku", _) = e else { return false }
            return true
        }
        await #expect(throws: LakeError.self) { try await merge(lake(), "m", [Self.batch(1 ... 2, "a")], key: []) }
    }

    @Test(arguments: [PublishStep.verified, .move(0), .manifest])
    func aFailureBeforeTheManifestLeavesTheOldDataset(step: PublishStep) async throws {
        _ = try await merge(lake(), "f", [Self.batch(1 ... 10, "a", "2024-05-01"), Self.batch(11 ... 20, "a", "2024-05-02")], partition: "day")
        let before = files("f")
        let rowsBefore = try rows("f")
        await #expect(throws: (any Error).self) {
            try await merge(lake(failAt: step), "f", [Fixture.batch([(5, "moved", "2024-05-02"), (30, "new", "2024-05-03")])], partition: "day")
        }
        #expect(files("f") == before)
        #expect(try rows("f") == rowsBefore)
    }
}
