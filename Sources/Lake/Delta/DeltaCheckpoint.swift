import Columnar
import Foundation
import ObjectStore

/// A Parquet checkpoint of a version (`_delta_log/{v}.checkpoint.parquet`, one row per action,
/// one nullable struct column per action kind) and `_last_checkpoint`, so readers start there
/// instead of replaying every commit. Inlet itself replays the JSON commits, which it never
/// deletes; the checkpoint is for other readers.
enum DeltaCheckpoint {
    static let interval: Int64 = 10
    /// Removed files stay in the checkpoint this long (vacuum's default retention), so a reader
    /// starting there still knows they were removed.
    static let tombstoneRetention: Int64 = 7 * 24 * 3600 * 1000

    static let stringMap = DataType.map(.string, .string)
    static let stringList = DataType.list(of: .string)
    static let schema = Schema([
        Field("txn", .structure([Field("appId", .string), Field("version", .int64), Field("lastUpdated", .int64)])),
        Field("add", .structure([
            Field("path", .string), Field("partitionValues", stringMap), Field("size", .int64),
            Field("modificationTime", .int64), Field("dataChange", .boolean), Field("stats", .string), Field("tags", stringMap),
        ])),
        Field("remove", .structure([
            Field("path", .string), Field("deletionTimestamp", .int64), Field("dataChange", .boolean),
            Field("extendedFileMetadata", .boolean), Field("partitionValues", stringMap), Field("size", .int64),
        ])),
        Field("metaData", .structure([
            Field("id", .string), Field("name", .string), Field("description", .string),
            Field("format", .structure([Field("provider", .string), Field("options", stringMap)])),
            Field("schemaString", .string), Field("partitionColumns", stringList), Field("configuration", stringMap),
            Field("createdTime", .int64),
        ])),
        Field("protocol", .structure([
            Field("minReaderVersion", .int32), Field("minWriterVersion", .int32),
            Field("readerFeatures", stringList), Field("writerFeatures", stringList),
        ])),
    ])

    /// The checkpoint's rows: protocol, metadata, live files, recent removes.
    static func rows(_ snapshot: DeltaSnapshot, now: Int64) -> [[Value]] {
        func text(_ s: String?) -> Value { s.map { .string($0) } ?? .null }
        func map(_ d: [String: String?]?) -> Value {
            guard let d else { return .null }
            return .map(d.keys.sorted().map { MapEntry(.string($0), text(d[$0] ?? nil)) })
        }
        func list(_ a: [String]?) -> Value { a.map { .list($0.map(Value.string)) } ?? .null }
        var out: [[Value]] = []
        func row(_ column: Int, _ v: Value) {
            var r = [Value](repeating: .null, count: 5)
            r[column] = v
            out.append(r)
        }
        if let p = snapshot.protocolVersions {
            row(4, .structure([.int(Int64(p.minReaderVersion)), .int(Int64(p.minWriterVersion)), list(p.readerFeatures), list(p.writerFeatures)]))
        }
        if let m = snapshot.metadata {
            row(3, .structure([.string(m.id), text(m.name), text(m.description),
                               .structure([.string(m.format.provider), map(m.format.options)]),
                               .string(m.schemaString), list(m.partitionColumns), map(m.configuration),
                               m.createdTime.map(Value.int) ?? .null]))
        }
        for f in snapshot.files.values.sorted(by: { $0.path < $1.path }) {
            row(1, .structure([.string(f.path), map(f.partitionValues), .int(f.size), .int(f.modificationTime),
                               .boolean(f.dataChange), text(f.stats), map(f.tags)]))
        }
        for (path, when) in snapshot.removed.sorted(by: { $0.key < $1.key }) where when >= now - tombstoneRetention {
            row(2, .structure([.string(path), .int(when), .boolean(true), .boolean(false), .null, .null]))
        }
        return out
    }

    /// Writes the checkpoint of `snapshot` and points `_last_checkpoint` at it.
    static func write(_ snapshot: DeltaSnapshot, log: DeltaLog, staging: String) async throws {
        let rows = rows(snapshot, now: Int64(Date().timeIntervalSince1970 * 1000))
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for r in rows { for (i, v) in r.enumerated() { try builders[i].append(v) } }
        let batch = try RecordBatch(schema: schema, columns: builders.map { var b = $0; return b.finish() })
        let path = staging + "/checkpoint-\(snapshot.version).parquet"
        // Always Parquet, whatever the lake's data format: readers expect it.
        let writer = try ParquetDatasetFormat().makeWriter(path: path, schema: schema)
        try writer.write(batch, rows: 0 ..< batch.rowCount)
        _ = try writer.close()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let name = DeltaLog.padded(snapshot.version)
        try await log.store.put(key: log.prefix + name + ".checkpoint.parquet", fromFile: path)
        let pointer = "{\"version\":\(snapshot.version),\"size\":\(rows.count)}\n"
        try await log.store.put(key: log.prefix + "_last_checkpoint", data: Array(pointer.utf8))
    }
}
