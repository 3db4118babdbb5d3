import Columnar
import Foundation
@testable import Lake
import ObjectStore
import Testing

@Suite("Lake load: layout and write modes")
struct LoadModeTests {
    let root = Fixture.temporaryDirectory()

    @Test func unpartitionedReplaceWritesDataPartZeroAndManifest() async throws {
        let lake = Fixture.lake(root)
        let r = try await Fixture.load(lake, "orders", [Fixture.batch([(1, "a", "2024-05-01"), (2, "b", nil)])],
                                       LoadOptions(source: SourceInfo(fileName: "orders.csv", size: 42, sha256: "ab"), inletVersion: "0.1.0"))
        #expect(r.mode == .replace)
        #expect(r.rowsWritten == 2)
        #expect(Array(Fixture.snapshot(root, "orders").keys) == ["data/part-0000.txt"])
        #expect(Fixture.idsByFolder(root, "orders") == ["data": ["1", "2"]])
        let m = try #require(try await lake.manifest(DatasetID("orders")))
        #expect(m.id == "orders")
        #expect(m.schema == [ManifestField(Field("id", .int64, nullable: false)), ManifestField(Field("name", .string)), ManifestField(Field("day", .date))])
        #expect(m.files.map(\.key) == ["datasets/orders/data/part-0000.txt"])
        #expect(m.files[0].rows == 2)
        let path = root + "/datasets/orders/data/part-0000.txt"
        #expect(m.files[0].bytes == Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int))
        #expect(m.files[0].sha256.count == 64)
        #expect(m.source == SourceInfo(fileName: "orders.csv", size: 42, sha256: "ab"))
        #expect(m.inletVersion == "0.1.0")
        #expect(m.mode == .replace)
        #expect(m.runId == r.runId)
        // Stable key order and ISO-8601 times.
        let text = try #require(Fixture.manifestText(root, "orders"))
        let keys = ["\"files\"", "\"formatVersion\"", "\"id\"", "\"inletVersion\"", "\"mode\"", "\"runId\"", "\"schema\"", "\"source\"", "\"startedAt\""]
        let positions = keys.map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(text.contains(#""mode" : "replace""#))
        #expect(text.range(of: #""finishedAt" : "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ""#, options: .regularExpression) != nil)
        // No staging left behind.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: root + "/_staging/orders")) ?? []).filter { $0 != ".lock" }.isEmpty)
    }

    @Test func replaceDeletesPartsTheNewDataNoLongerHas() async throws {
        let lake = Fixture.lake(root)
        let big = (0 ..< 60).map { (Int64($0), "name-\($0)", "2024-05-01" as String?) }
        let first = try await Fixture.load(lake, "t", (0 ..< 6).map { Fixture.batch(Array(big[$0 * 10 ..< $0 * 10 + 10])) },
                                           LoadOptions(maxFileBytes: 300))
        #expect(first.files.count > 2)
        #expect(Fixture.snapshot(root, "t").keys.sorted() == first.files.map { String($0.key.dropFirst("datasets/t/".count)) })
        let second = try await Fixture.load(lake, "t", [Fixture.batch([(100, "x", nil)])], LoadOptions())
        // LocalStore swaps the whole `data` folder, so the old parts leave with it (not as stale deletes).
        #expect(second.staleDeleted == 0)
        #expect(second.publishedAtomically == .perPartition)
        #expect(Fixture.idsByFolder(root, "t") == ["data": ["100"]])
        #expect(Array(Fixture.snapshot(root, "t").keys) == ["data/part-0000.txt"])
        #expect(try await lake.manifest(DatasetID("t"))?.rows == 1)
    }

    @Test func filesRollOverAtMaxFileBytes() async throws {
        let lake = Fixture.lake(root)
        let rows = (0 ..< 40).map { (Int64($0), "n", "2024-05-01" as String?) }
        let r = try await Fixture.load(lake, "t", (0 ..< 8).map { Fixture.batch(Array(rows[$0 * 5 ..< $0 * 5 + 5])) },
                                       LoadOptions(partitionColumn: "day", maxFileBytes: 200))
        let names = r.files.map { ($0.key as NSString).lastPathComponent }
        #expect(names.count >= 3)
        #expect(names == (0 ..< names.count).map { DatasetLayout.fileName(part: $0, fileExtension: "txt") })
        #expect(r.files.allSatisfy { $0.key.hasPrefix("datasets/t/partitions/date=2024-05-01/part-") })
        #expect(Fixture.idsByFolder(root, "t")["partitions/date=2024-05-01"] == (0 ..< 40).map(String.init))
        #expect(r.files.reduce(0) { $0 + $1.rows } == 40)
    }

    @Test func replacePartitionsKeepsPartitionsAbsentFromNewData() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "p", [Fixture.batch([(1, "a", "2024-05-01"), (2, "b", "2024-05-02"), (3, "c", nil)])],
                                   LoadOptions(partitionColumn: "day"))
        #expect(Fixture.idsByFolder(root, "p") == [
            "partitions/date=2024-05-01": ["1"], "partitions/date=2024-05-02": ["2"],
            "partitions/date=__HIVE_DEFAULT_PARTITION__": ["3"],
        ])
        let r = try await Fixture.load(lake, "p", [Fixture.batch([(20, "b2", "2024-05-02"), (21, "b3", "2024-05-02"), (4, "d", "2024-05-03")])],
                                       LoadOptions(partitionColumn: "day"))
        #expect(r.mode == .replacePartitions)
        #expect(r.partitionsWritten == ["date=2024-05-02", "date=2024-05-03"])
        #expect(Fixture.idsByFolder(root, "p") == [
            "partitions/date=2024-05-01": ["1"], "partitions/date=2024-05-02": ["20", "21"],
            "partitions/date=2024-05-03": ["4"], "partitions/date=__HIVE_DEFAULT_PARTITION__": ["3"],
        ])
        let m = try #require(try await lake.manifest(DatasetID("p")))
        #expect(m.rows == 5)
        #expect(m.partitions == ["date=2024-05-01", "date=2024-05-02", "date=2024-05-03", "date=__HIVE_DEFAULT_PARTITION__"])
        #expect(m.partitionColumn == "day")
        // Reloading the same export is idempotent.
        _ = try await Fixture.load(lake, "p", [Fixture.batch([(20, "b2", "2024-05-02"), (21, "b3", "2024-05-02"), (4, "d", "2024-05-03")])],
                                   LoadOptions(partitionColumn: "day"))
        #expect(try await lake.manifest(DatasetID("p"))?.rows == 5)
    }

    @Test func replaceOnPartitionedDatasetDropsOtherPartitions() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "p", [Fixture.batch([(1, "a", "2024-05-01"), (2, "b", "2024-05-02")])], LoadOptions(partitionColumn: "day"))
        let r = try await Fixture.load(lake, "p", [Fixture.batch([(3, "c", "2024-05-02")])], LoadOptions(partitionColumn: "day", mode: .replace))
        #expect(r.staleDeleted == 1)
        #expect(Fixture.idsByFolder(root, "p") == ["partitions/date=2024-05-02": ["3"]])
        #expect(!FileManager.default.fileExists(atPath: root + "/datasets/p/partitions/date=2024-05-01"))
        // And back to unpartitioned.
        _ = try await Fixture.load(lake, "p", [Fixture.batch([(4, "d", nil)])], LoadOptions(mode: .replace))
        #expect(Fixture.idsByFolder(root, "p") == ["data": ["4"]])
    }

    /// Unpartitioned → partitioned: the first `partitions` folder moves in whole, and the old
    /// `data` file goes as a stale object once the manifest names only the partitions.
    @Test func replaceTurnsAnUnpartitionedDatasetPartitioned() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "u", [Fixture.batch([(1, "a", "2024-05-01")])], LoadOptions())
        let r = try await Fixture.load(lake, "u", [Fixture.batch([(2, "b", "2024-05-01"), (3, "c", "2024-05-02")])],
                                       LoadOptions(partitionColumn: "day", mode: .replace))
        #expect(r.staleDeleted == 1)
        #expect(Fixture.idsByFolder(root, "u") == ["partitions/date=2024-05-01": ["2"], "partitions/date=2024-05-02": ["3"]])
        #expect(!FileManager.default.fileExists(atPath: root + "/datasets/u/data"))
        let m = try #require(try await lake.manifest(DatasetID("u")))
        #expect(m.files.map(\.key) == ["datasets/u/partitions/date=2024-05-01/part-0000.txt", "datasets/u/partitions/date=2024-05-02/part-0000.txt"])
        #expect(m.rows == 2)
    }

    @Test func appendAddsPartNumbersAfterExistingOnes() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "a", [Fixture.batch([(1, "a", "2024-05-01")])], LoadOptions(partitionColumn: "day"))
        let r = try await Fixture.load(lake, "a", [Fixture.batch([(2, "b", "2024-05-01"), (3, "c", "2024-05-04")])],
                                       LoadOptions(partitionColumn: "day", mode: .append))
        #expect(r.files.map(\.key) == ["datasets/a/partitions/date=2024-05-01/part-0001.txt", "datasets/a/partitions/date=2024-05-04/part-0000.txt"])
        #expect(Fixture.idsByFolder(root, "a") == ["partitions/date=2024-05-01": ["1", "2"], "partitions/date=2024-05-04": ["3"]])
        #expect(try await lake.manifest(DatasetID("a"))?.files.count == 3)
        #expect(try await lake.manifest(DatasetID("a"))?.rows == 3)
        // Unpartitioned append too.
        _ = try await Fixture.load(lake, "u", [Fixture.batch([(1, "a", nil)])], LoadOptions())
        _ = try await Fixture.load(lake, "u", [Fixture.batch([(2, "b", nil)])], LoadOptions(mode: .append))
        #expect(Fixture.snapshot(root, "u").keys.sorted() == ["data/part-0000.txt", "data/part-0001.txt"])
    }

    @Test func writerCapClosesLeastRecentlyUsedAndContinuesInNextPart() async throws {
        let lake = Fixture.lake(root)
        let batches = (0 ..< 6).map { i in Fixture.batch([(Int64(i), "x", i % 2 == 0 ? "2024-01-01" : "2024-01-02")]) }
        let r = try await Fixture.load(lake, "c", batches, LoadOptions(partitionColumn: "day", maxOpenWriters: 1))
        #expect(r.files.filter { $0.partition == "date=2024-01-01" }.count == 3)
        #expect(Fixture.idsByFolder(root, "c") == ["partitions/date=2024-01-01": ["0", "2", "4"], "partitions/date=2024-01-02": ["1", "3", "5"]])
    }

    @Test func modeAndSchemaMistakesAreRefusedBeforeWork() async throws {
        let lake = Fixture.lake(root)
        await #expect(throws: LakeError.self) {
            _ = try await Fixture.load(lake, "m", [Fixture.batch([(1, "a", nil)])], LoadOptions(mode: .replacePartitions))
        }
        _ = try await Fixture.load(lake, "m", [Fixture.batch([(1, "a", nil)])], LoadOptions())
        // Appending a different schema would mix files readers cannot combine.
        let other = Schema([Field("id", .string)])
        var src = ArrayBatchSource(schema: other, batches: [try RecordBatch(schema: other, columns: [Column(type: .string, values: [.string("x")])])])
        do {
            _ = try await lake.load(datasetId: DatasetID("m"), source: &src, options: LoadOptions(mode: .append))
            Issue.record("expected a schema error")
        } catch let e as LakeError {
            #expect("\(e)".contains("dataset 'm'"))
            #expect("\(e)".contains("--mode replace"))
        }
        // Appending partitioned data to an unpartitioned dataset.
        await #expect(throws: LakeError.self) {
            _ = try await Fixture.load(lake, "m", [Fixture.batch([(1, "a", "2024-01-01")])], LoadOptions(partitionColumn: "day", mode: .append))
        }
        #expect(Fixture.idsByFolder(root, "m") == ["data": ["1"]])
    }

    @Test func dryRunPublishesNothing() async throws {
        let lake = Fixture.lake(root)
        let r = try await Fixture.load(lake, "d", [Fixture.batch([(1, "a", "2024-05-01")])], LoadOptions(partitionColumn: "day", dryRun: true))
        #expect(r.dryRun)
        #expect(r.rowsWritten == 1)
        #expect(r.manifest.files.map(\.key) == ["datasets/d/partitions/date=2024-05-01/part-0000.txt"])
        #expect(!FileManager.default.fileExists(atPath: root + "/datasets/d"))
    }

    @Test func transformsRunInsideTheLoad() async throws {
        let lake = Fixture.lake(root)
        var src = Fixture.source([Fixture.batch([(1, "keep", nil), (2, "drop", nil), (3, "keep", nil)])])
        let r = try await lake.load(datasetId: DatasetID("t"), source: &src,
                                    transforms: [KeepRowsWhereEquals(column: "name", value: "keep"), RenameColumns(["name": "label"])],
                                    options: LoadOptions())
        #expect(r.rowsRead == 3)
        #expect(r.rowsWritten == 2)
        #expect(r.manifest.schema.map(\.name) == ["id", "label", "day"])
        #expect(Fixture.idsByFolder(root, "t") == ["data": ["1", "3"]])
    }

    @Test func footerMismatchStopsThePublish() async throws {
        _ = try await Fixture.load(Fixture.lake(root), "f", [Fixture.batch([(1, "a", nil)])], LoadOptions())
        let liar = Fixture.lake(root, format: TextTestFormat(footerSkew: -1))
        do {
            _ = try await Fixture.load(liar, "f", [Fixture.batch([(2, "b", nil), (3, "c", nil)])], LoadOptions())
            Issue.record("expected a row count mismatch")
        } catch let LakeError.rowCountMismatch(d, file, expected, footer) {
            #expect(d == "f"); #expect(file == "data/part-0000.txt"); #expect(expected == 2); #expect(footer == 1)
        }
        #expect(Fixture.idsByFolder(root, "f") == ["data": ["1"]])
    }

    @Test func filesWithoutManifestEntriesAreReReadForTheNextManifest() async throws {
        let lake = Fixture.lake(root)
        let first = try await Fixture.load(lake, "r", [Fixture.batch([(1, "a", "2024-05-01"), (2, "b", "2024-05-01"), (3, "c", "2024-05-02")])],
                                           LoadOptions(partitionColumn: "day"))
        // As if a run was killed after moving files but before writing its manifest.
        try FileManager.default.removeItem(atPath: root + "/datasets/r/_manifest.json")
        let r = try await Fixture.load(lake, "r", [Fixture.batch([(4, "d", "2024-05-02")])], LoadOptions(partitionColumn: "day"))
        let kept = try #require(r.manifest.files.first { $0.partition == "date=2024-05-01" })
        #expect(kept == first.manifest.files.first { $0.partition == "date=2024-05-01" })
        #expect(r.manifest.rows == 3)
    }

    @Test func aFailingSourceLeavesTheOldVersionAndNoStaging() async throws {
        struct Broken: Error {}
        struct FailingSource: BatchSource {
            var schema: Schema { Fixture.schema }
            var sent = false
            mutating func next() throws -> RecordBatch? {
                if sent { throw Broken() }
                sent = true
                return Fixture.batch([(9, "z", "2024-05-01")])
            }
        }
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "b", [Fixture.batch([(1, "a", "2024-05-01")])], LoadOptions(partitionColumn: "day"))
        let before = Fixture.snapshot(root, "b")
        var src = FailingSource()
        await #expect(throws: Broken.self) {
            _ = try await lake.load(datasetId: DatasetID("b"), source: &src, options: LoadOptions(partitionColumn: "day"))
        }
        #expect(Fixture.snapshot(root, "b") == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/_staging/b") == [".lock"])
    }

    @Test func partitionColumnStaysInTheFilesAndProgressIsReported() async throws {
        final class Phases: @unchecked Sendable { var seen: [LoadProgress.Phase] = []; var rows: Int64 = 0 }
        let phases = Phases()
        let options = LoadOptions(partitionColumn: "day", progress: { p in phases.seen.append(p.phase); phases.rows = p.rowsWritten })
        _ = try await Fixture.load(Fixture.lake(root), "c", [Fixture.batch([(1, "a", "2024-05-01")]), Fixture.batch([(2, "b", "2024-05-01")])], options)
        let rows = try TextTestFormat.rows(ofFileAt: root + "/datasets/c/partitions/date=2024-05-01/part-0000.txt")
        #expect(rows == [["1", "a", "2024-05-01"], ["2", "b", "2024-05-01"]])
        #expect(phases.seen == [.writing, .writing, .verifying, .publishing, .cleaning, .done])
        #expect(phases.rows == 2)
    }

    @Test func staleStagingFromAKilledRunIsSwept() async throws {
        let leftover = root + "/_staging/s/20240101T000000Z-deadbeef/files/data"
        try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: leftover + "/part-0000.txt", contents: Data("junk".utf8))
        _ = try await Fixture.load(Fixture.lake(root), "s", [Fixture.batch([(1, "a", nil)])], LoadOptions())
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/_staging/s") == [".lock"])
    }

    @Test func aSecondConcurrentLoadOfOneDatasetIsRefused() throws {
        let held = try StagingArea(base: root + "/_staging/x", runId: "run-1", dataset: "x")
        #expect(throws: LakeError.self) { _ = try StagingArea(base: root + "/_staging/x", runId: "run-2", dataset: "x") }
        held.finish()
        let next = try StagingArea(base: root + "/_staging/x", runId: "run-3", dataset: "x")
        next.finish()
    }
}
