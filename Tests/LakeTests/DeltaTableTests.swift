import Columnar
import Foundation
@testable import Lake
import ObjectStore
import Testing

@Suite("Delta tables: commits, conflicts, time travel, vacuum")
struct DeltaTableTests {
    let root = Fixture.temporaryDirectory()

    func options(_ mode: WriteMode? = nil, partitioned: Bool = true) -> LoadOptions {
        var o = LoadOptions(partitionColumn: partitioned ? "day" : nil, mode: mode)
        o.tableFormat = .delta
        return o
    }

    func log(_ lake: Lake, _ id: String = "t") throws -> DeltaLog { DeltaLog(store: lake.store, dataset: try DatasetID(id)) }

    @Test func eachLoadCommitsTheNextVersionAndOldVersionsKeepTheirFiles() async throws {
        let lake = Fixture.lake(root)
        let v0 = try await Fixture.load(lake, "t", [Fixture.batch([(1, "a", "2024-05-01"), (2, "b", "2024-05-02")])], options())
        let v1 = try await Fixture.load(lake, "t", [Fixture.batch([(3, "c", "2024-05-02")])], options())
        let v2 = try await Fixture.load(lake, "t", [Fixture.batch([(4, "d", "2024-05-03")])], options(.append))
        #expect([v0.deltaVersion, v1.deltaVersion, v2.deltaVersion] == [0, 1, 2])
        #expect(v1.filesRemoved == 1 && v2.filesRemoved == 0)
        #expect(v0.publishedAtomically == .deltaCommit)

        let l = try log(lake)
        let latest = try #require(try await l.snapshot()?.snapshot)
        #expect(latest.version == 2)
        #expect(latest.partitionColumns == ["date"])
        #expect(Set(latest.files.values.map { $0.partitionValues["date"] ?? nil }) == ["2024-05-01", "2024-05-02", "2024-05-03"])
        // Unique names: a replaced partition's old file is still there for version 0's readers.
        let first = try #require(try await l.snapshot(at: 0)?.snapshot)
        for f in first.files.values { #expect(FileManager.default.fileExists(atPath: root + "/datasets/t/" + f.path)) }
        #expect(first.files.keys.allSatisfy { $0.contains(v0.runId) })
        #expect(Set(first.files.keys).isDisjoint(with: latest.files.keys.filter { $0.contains("2024-05-02") }))

        let history = try await lake.history(DatasetID("t"))
        #expect(history.map(\.version) == [2, 1, 0])
        #expect(history.map(\.rowsAdded) == [1, 1, 2])
        #expect(history.map(\.rowsRemoved) == [0, 1, 0])
        #expect(history.first?.runId == v2.runId)

        // The manifest lists exactly the live files.
        let m = try #require(try await lake.manifest(DatasetID("t")))
        #expect(m.tableFormat == .delta && m.deltaVersion == 2)
        #expect(Set(m.files.map(\.key)) == Set(latest.files.keys.map { "datasets/t/" + $0 }))
        #expect(m.rows == 3)
    }

    @Test func theFirstVersionDeclaresProtocolAndSchemaWithTheDatePartition() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "t", [Fixture.batch([(1, "a", "2024-05-01")])], options())
        let commit = try await log(lake).read(version: 0)
        let text = String(decoding: try await lake.store.get(key: "datasets/t/_delta_log/00000000000000000000.json", range: nil), as: UTF8.self)
        #expect(text.split(separator: "\n").first?.hasPrefix("{\"commitInfo\"") == true)
        #expect(commit.changesProtocol && commit.changesMetadata)
        let meta = try #require(commit.actions.compactMap { if case let .metaData(m) = $0 { return m }; return nil }.first)
        #expect(meta.partitionColumns == ["date"])
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(meta.schemaString.utf8)) as? [String: Any])
        let fields = try #require(schema["fields"] as? [[String: Any]])
        #expect(fields.map { $0["name"] as? String } == ["id", "name", "day", "date"])
        #expect(fields.map { $0["type"] as? String } == ["long", "string", "date", "date"])
        let p = try #require(commit.actions.compactMap { if case let .protocolVersions(p) = $0 { return p }; return nil }.first)
        #expect(p.minReaderVersion == 1 && p.minWriterVersion == 2)
    }

    @Test func aNaiveTimestampNeedsTheTimestampNtzFeature() throws {
        let naive = Schema([Field("t", .timestamp(unit: .microsecond, utc: false))])
        let utc = Schema([Field("t", .timestamp(unit: .microsecond, utc: true))])
        #expect(DeltaProtocol.required(for: naive).readerFeatures == ["timestampNtz"])
        #expect(DeltaProtocol.required(for: naive).minWriterVersion == 7)
        #expect(DeltaProtocol.required(for: utc).minReaderVersion == 1)
        #expect(throws: DeltaSchema.Unsupported.self) { try DeltaSchema.schemaString([Field("t", .time)], partitionColumns: []) }
    }

    @Test func aDatasetsFormatIsFixedAtItsFirstLoad() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "plain", [Fixture.batch([(1, "a", "2024-05-01")])], LoadOptions(partitionColumn: "day"))
        await #expect { try await Fixture.load(lake, "plain", [Fixture.batch([(2, "b", "2024-05-01")])], options()) } throws: {
            "\($0)".contains("inlet convert plain --to delta")
        }
        _ = try await Fixture.load(lake, "t", [Fixture.batch([(1, "a", "2024-05-01")])], options())
        var parquet = LoadOptions(partitionColumn: "day")
        parquet.tableFormat = .parquet
        await #expect { try await Fixture.load(lake, "t", [Fixture.batch([(2, "b", "2024-05-01")])], parquet) } throws: {
            "\($0)".contains("is a Delta table")
        }
        // Without --table-format a load goes on in the dataset's own format.
        let next = try await Fixture.load(lake, "t", [Fixture.batch([(2, "b", "2024-05-02")])], LoadOptions(partitionColumn: "day"))
        #expect(next.deltaVersion == 1)
    }

    @Test func writersOfDisjointPartitionsAllCommitInContiguousVersions() async throws {
        let lake = Fixture.lake(root)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0 ..< 8 {
                group.addTask {
                    let day = "2024-05-0\(i + 1)"
                    _ = try await Fixture.load(lake, "t", [Fixture.batch([(Int64(i), "w\(i)", day)])], options(i % 2 == 0 ? .append : .replacePartitions))
                }
            }
            try await group.waitForAll()
        }
        let (snap, commits) = try #require(try await log(lake).snapshot())
        #expect(commits.map(\.version) == Array(0 ... 7))
        #expect(snap.files.count == 8)
        #expect(commits.filter(\.changesMetadata).count == 1)
        #expect(snap.rows == 8)
    }

    @Test func replacingAPartitionAnotherWriterJustWroteIsAConflict() throws {
        let add = DeltaAddFile(path: "partitions/date=2024-05-01/part-0000-x.parquet", partitionValues: ["date": "2024-05-01"],
                               size: 1, modificationTime: 0, dataChange: true, stats: nil)
        let other = DeltaAddFile(path: "partitions/date=2024-05-09/part-0000-y.parquet", partitionValues: ["date": "2024-05-09"],
                                 size: 1, modificationTime: 0, dataChange: true, stats: nil)
        func plan(_ mode: WriteMode) -> DeltaCommitPlan {
            DeltaCommitPlan(mode: mode, partitionColumn: "date", touched: ["date=2024-05-01"], adds: [], metadata: nil,
                            protocolVersions: nil, creates: false)
        }
        let theirsSame = [DeltaCommit(version: 4, actions: [.add(add)])]
        let theirsElsewhere = [DeltaCommit(version: 4, actions: [.add(other)])]
        var p = plan(.replacePartitions)
        let found = p.conflict(with: theirsSame)
        let c = try #require(found)
        #expect(c.version == 4 && c.reason.contains("date=2024-05-01"))
        let none = p.conflict(with: theirsElsewhere)
        #expect(none == nil)
        var a = plan(.append)
        let appendConflict = a.conflict(with: theirsSame)
        #expect(appendConflict == nil)
        var r = plan(.replace)
        let replaceConflict = r.conflict(with: theirsElsewhere)
        #expect(replaceConflict?.version == 4)
        var m = plan(.merge)
        let mergeConflict = m.conflict(with: theirsElsewhere)
        #expect(mergeConflict?.reason.contains("merge did not see") == true, "a merge judged every file: new data anywhere may hold its keys")
        let meta = DeltaMetadata(id: "x", name: nil, description: nil, format: DeltaFormat(provider: "parquet", options: [:]),
                                 schemaString: "{}", partitionColumns: [], configuration: [:], createdTime: nil)
        let schemaConflict = a.conflict(with: [DeltaCommit(version: 5, actions: [.metaData(meta)])])
        #expect(schemaConflict?.reason.contains("schema") == true)
    }

    @Test func aSchemaChangeNeedsReplaceAndKeepsTheTableId() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "t", [Fixture.batch([(1, "a", "2024-05-01")])], options(partitioned: false))
        let other = try RecordBatch(schema: Schema([Field("id", .int64), Field("note", .string)]),
                                    columns: [Column(type: .int64, values: [.int(5)]), Column(type: .string, values: [.string("n")])])
        func load(_ o: LoadOptions) async throws -> LoadResult {
            var src = ArrayBatchSource(schema: other.schema, batches: [other])
            return try await lake.load(datasetId: DatasetID("t"), source: &src, options: o)
        }
        await #expect { try await load(options(.append, partitioned: false)) } throws: { "\($0)".contains("--mode replace") }
        let r = try await load(options(.replace, partitioned: false))
        #expect(r.deltaVersion == 1)
        let l = try log(lake)
        let before = try #require(try await l.snapshot(at: 0)?.snapshot.metadata)
        let after = try #require(try await l.snapshot()?.snapshot.metadata)
        #expect(before.id == after.id && before.schemaString != after.schemaString)
    }

    @Test func vacuumDeletesOnlyFilesNoRetainedVersionReads() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "t", [Fixture.batch([(1, "a", "2024-05-01")])], options())
        _ = try await Fixture.load(lake, "t", [Fixture.batch([(2, "b", "2024-05-01")])], options())
        // A file a dead load left (never committed).
        let stray = root + "/datasets/t/partitions/date=2024-05-01/part-0000-dead.txt"
        try "x".write(toFile: stray, atomically: true, encoding: .utf8)
        let id = try DatasetID("t")
        let kept = try await lake.vacuum(id, retain: 3600, dryRun: false)
        #expect(kept.files.isEmpty)
        let dry = try await lake.vacuum(id, retain: 0, dryRun: true, now: Date().addingTimeInterval(10))
        #expect(dry.files.count == 1 && dry.files[0].hasPrefix("datasets/t/partitions/date=2024-05-01/part-0000-"))
        #expect(!dry.files[0].hasSuffix("dead.txt"), "an uncommitted file younger than an hour may be a running load's")
        let gone = try await lake.vacuum(id, retain: 0, dryRun: false, now: Date().addingTimeInterval(7200))
        #expect(gone.files.count == 2)
        let live = try #require(try await log(lake).snapshot()?.snapshot)
        for f in live.files.keys { #expect(FileManager.default.fileExists(atPath: root + "/datasets/t/" + f)) }
        #expect(!FileManager.default.fileExists(atPath: stray))
    }

    @Test func actionsSurviveTheirJSONLines() throws {
        let add = DeltaAddFile(path: "data/part-0000-r.parquet", partitionValues: ["date": nil], size: 9, modificationTime: 7,
                               dataChange: true, stats: "{\"numRecords\":3}", tags: ["sha256": "ab"])
        let actions: [DeltaAction] = [.commitInfo(DeltaCommitInfo(timestamp: 1, operation: "WRITE")), .add(add),
                                      .remove(DeltaRemoveFile(path: "p", deletionTimestamp: 2, dataChange: true))]
        let bytes = try DeltaAction.encode(actions)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"partitionValues\":{\"date\":null}"))
        #expect(try DeltaAction.decode(bytes, file: "x") == actions)
        #expect(throws: DeltaLogError.self) { try DeltaAction.decode(Array("{\"add\":{\"path\":1}}\n".utf8), file: "00.json") }
    }

    @Test func aSnapshotFromTheCheckpointEqualsTheWholeReplay() async throws {
        let lake = Fixture.lake(root)
        for i in 0 ..< 12 {
            let day = "2024-05-0\(1 + i % 3)"
            _ = try await Fixture.load(lake, "t", [Fixture.batch([(Int64(i), "r\(i)", day), (Int64(100 + i), "s", nil)])],
                                       options(i % 2 == 0 ? .append : .replacePartitions))
        }
        #expect(FileManager.default.fileExists(atPath: root + "/datasets/t/_delta_log/00000000000000000010.checkpoint.parquet"))
        let l = try log(lake)
        let whole = try #require(try await l.snapshot(fromCheckpoint: false))
        let fast = try #require(try await l.snapshot())
        #expect(whole.commits.count == 12 && fast.commits.map(\.version) == [11], "replay starts after the checkpoint")
        #expect(fast.snapshot.files == whole.snapshot.files)
        #expect(fast.snapshot.metadata == whole.snapshot.metadata)
        #expect(fast.snapshot.protocolVersions == whole.snapshot.protocolVersions)
        #expect(Set(fast.snapshot.removed.keys) == Set(whole.snapshot.removed.keys))
        // Time travel before the checkpoint replays from version 0.
        let early = try #require(try await l.snapshot(at: 4))
        #expect(early.commits.count == 5)
        // The commits the checkpoint covers are not needed any more.
        for v in 0 ..< 10 { try FileManager.default.removeItem(atPath: root + "/datasets/t/_delta_log/" + DeltaLog.padded(Int64(v)) + ".json") }
        let alone = try #require(try await l.snapshot())
        #expect(alone.snapshot.files == whole.snapshot.files && alone.snapshot.version == 11)
    }
}
