import Columnar
import Foundation
@testable import Lake
import ObjectStore
import Testing

@Suite("Lake catalog: datasets, describe, clear")
struct CatalogTests {
    let root = Fixture.temporaryDirectory()

    @Test func listsDescribesAndClears() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "orders", [Fixture.batch([(1, "a", "2024-05-01"), (2, "b", "2024-05-01"), (3, "c", "2024-05-02")])],
                                   LoadOptions(partitionColumn: "day"))
        _ = try await Fixture.load(lake, "orders2", [Fixture.batch([(1, "a", nil)])], LoadOptions())
        // A folder without a manifest (another tool wrote it) still shows up, with unknown rows.
        try await lake.store.put(key: "datasets/foreign/data/part-0000.txt", data: Array("x".utf8))

        let list = try await lake.datasets()
        #expect(list.map(\.id) == ["foreign", "orders", "orders2"])
        #expect(list[0].rows == nil)
        #expect(list[0].files == 1)
        #expect(list[1].rows == 3)
        #expect(list[1].partitions == 2)
        #expect(list[1].files == 2)
        #expect(list[1].partitionColumn == "day")
        #expect(list[1].lastLoad != nil)
        let onDisk = Fixture.snapshot(root, "orders").keys.map { try! FileManager.default.attributesOfItem(atPath: root + "/datasets/orders/" + $0)[.size] as! Int }
        #expect(list[1].bytes == Int64(onDisk.reduce(0, +)))
        #expect(list[2].partitions == 0)

        let d = try await lake.describe(DatasetID("orders"))
        #expect(d.schema.map(\.name) == ["id", "name", "day"])
        #expect(d.schema.map(\.type) == ["int64", "string", "date"])
        #expect(d.partitions.map(\.name) == ["date=2024-05-01", "date=2024-05-02"])
        #expect(d.partitions.map(\.rows) == [2, 1])
        #expect(d.files.count == 2)
        #expect(d.objects.map(\.key).contains("datasets/orders/_manifest.json"))
        let json = String(decoding: try JSONEncoder().encode(d), as: UTF8.self)
        #expect(json.contains("\"partitions\":[{"))
        #expect(!json.contains("\"objects\""))

        #expect(try await lake.clear(DatasetID("orders")) == 3) // two files and the manifest
        #expect(try await lake.datasets().map(\.id) == ["foreign", "orders2"])
        #expect(!FileManager.default.fileExists(atPath: root + "/datasets/orders"))
        #expect(!FileManager.default.fileExists(atPath: root + "/_staging/orders"))
        #expect(Fixture.idsByFolder(root, "orders2") == ["data": ["1"]])
        await #expect(throws: LakeError.self) { _ = try await lake.describe(DatasetID("orders")) }
        #expect(try await lake.clear(DatasetID("orders")) == 0)
    }

    @Test func aDamagedManifestIsAnErrorNamingIt() async throws {
        let lake = Fixture.lake(root)
        try await lake.store.put(key: "datasets/x/_manifest.json", data: Array("{".utf8))
        do {
            _ = try await lake.describe(DatasetID("x"))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("dataset 'x': manifest datasets/x/_manifest.json cannot be read"))
        }
        #expect(try await lake.datasets().map(\.id) == ["x"])
        // A load replaces it.
        _ = try await Fixture.load(lake, "x", [Fixture.batch([(1, "a", nil)])], LoadOptions())
        #expect(try await lake.describe(DatasetID("x")).manifest?.rows == 1)
    }

    @Test func manifestRoundTripsThroughJSON() async throws {
        let tokyo = LoadOptions(partitionColumn: "at", partitionTimeZone: TimeZone(identifier: "Asia/Tokyo")!)
        let schema = Schema([Field("at", .timestamp(unit: .microsecond, utc: true))])
        var src = ArrayBatchSource(schema: schema, batches: [
            try RecordBatch(schema: schema, columns: [Column(type: .timestamp(unit: .microsecond, utc: true), values: [.timestamp(1_714_600_000_000_000)])]),
        ])
        let r = try await Fixture.lake(root).load(datasetId: DatasetID("m"), source: &src, options: tokyo)
        let decoded = try Manifest.decode(try r.manifest.encoded())
        #expect(decoded.files == r.manifest.files)
        #expect(decoded.partitionTimeZone == "Asia/Tokyo")
        #expect(abs(decoded.finishedAt.timeIntervalSince(r.manifest.finishedAt)) < 1)
    }

    /// A date column (or a naive timestamp) gives its own dates: the manifest names no zone.
    @Test func manifestNamesTheZoneOnlyWhereItDecidedTheDates() async throws {
        let r = try await Fixture.load(Fixture.lake(root), "d", [Fixture.batch([(1, "a", "2024-05-01")])],
                                       LoadOptions(partitionColumn: "day", partitionTimeZone: TimeZone(identifier: "Asia/Tokyo")!))
        #expect(r.manifest.partitionColumn == "day")
        #expect(r.manifest.partitionTimeZone == nil)
    }
}
