import Columnar
import Foundation
import ObjectStore
import Parquet

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

extension DeltaCheckpoint {
    /// The actions a checkpoint holds (protocol, metadata, live files, tombstones), read with our
    /// own Parquet reader: a snapshot starts there and replays only the commits after it.
    /// Columns are found by name, so checkpoints other writers made read too.
    static func read(path: String, file: String) throws -> [DeltaAction] {
        let reader = try ParquetFileReader(path: path)
        let names = reader.schema.fields.map(\.name)
        var out: [DeltaAction] = []
        for g in 0 ..< reader.rowGroupCount {
            let batch = try reader.readRowGroup(g)
            for (c, name) in names.enumerated() {
                let column = batch.columns[c]
                guard case let .structure(fields) = column.type else { continue }
                let fieldNames = fields.map(\.name)
                for row in 0 ..< batch.rowCount where !column.isNull(row) {
                    guard case let .structure(values) = column.value(at: row) else { continue }
                    let v = Dictionary(uniqueKeysWithValues: zip(fieldNames, values))
                    if let action = try action(name, v, file: file) { out.append(action) }
                }
            }
        }
        return out
    }

    private static func action(_ kind: String, _ v: [String: Value], file: String) throws -> DeltaAction? {
        func text(_ k: String) -> String? { if case let .string(s)? = v[k] { return s }; return nil }
        func int(_ k: String) -> Int64? { if case let .int(i)? = v[k] { return i }; return nil }
        func bool(_ k: String) -> Bool? { if case let .boolean(b)? = v[k] { return b }; return nil }
        func strings(_ k: String) -> [String]? {
            guard case let .list(items)? = v[k] else { return nil }
            return items.compactMap { if case let .string(s) = $0 { return s }; return nil }
        }
        func map(_ value: Value?) -> [String: String?]? {
            guard case let .map(entries)? = value else { return nil }
            var d: [String: String?] = [:]
            for e in entries { if case let .string(k) = e.key { if case let .string(s) = e.value { d[k] = s } else { d[k] = .some(nil) } } }
            return d
        }
        func need<T>(_ x: T?, _ what: String) throws -> T {
            guard let x else { throw DeltaLogError.malformed(file: file, line: 0, detail: "a \(kind) action without \(what)") }
            return x
        }
        switch kind {
        case "add":
            return .add(DeltaAddFile(path: try need(text("path"), "path"), partitionValues: map(v["partitionValues"]) ?? [:],
                                     size: int("size") ?? 0, modificationTime: int("modificationTime") ?? 0,
                                     dataChange: bool("dataChange") ?? true, stats: text("stats"),
                                     tags: map(v["tags"]).map { $0.compactMapValues { $0 } }))
        case "remove":
            return .remove(DeltaRemoveFile(path: try need(text("path"), "path"), deletionTimestamp: int("deletionTimestamp"),
                                           dataChange: bool("dataChange") ?? true, extendedFileMetadata: bool("extendedFileMetadata"),
                                           partitionValues: map(v["partitionValues"]), size: int("size")))
        case "metaData":
            var format = DeltaFormat(provider: "parquet", options: [:])
            if case let .structure(parts)? = v["format"], parts.count >= 1, case let .string(p) = parts[0] { format.provider = p }
            return .metaData(DeltaMetadata(id: try need(text("id"), "id"), name: text("name"), description: text("description"),
                                           format: format, schemaString: try need(text("schemaString"), "schemaString"),
                                           partitionColumns: strings("partitionColumns") ?? [],
                                           configuration: map(v["configuration"]).map { $0.compactMapValues { $0 } } ?? [:],
                                           createdTime: int("createdTime")))
        case "protocol":
            return .protocolVersions(DeltaProtocol(minReaderVersion: Int(try need(int("minReaderVersion"), "minReaderVersion")),
                                                   minWriterVersion: Int(try need(int("minWriterVersion"), "minWriterVersion")),
                                                   readerFeatures: strings("readerFeatures"), writerFeatures: strings("writerFeatures")))
        default:
            return nil
        }
    }
}
