import Columnar
import Foundation
import ObjectStore

/// The first rows of a dataset, read back with the lake's own format reader (`inlet show --rows`).
public struct DatasetRows: Sendable {
    public let schema: Schema
    public let batches: [RecordBatch]
    /// The files the rows came from, in order.
    public let files: [String]
}

extension Lake {
    /// Up to `limit` rows, file after file in key order; `partition` (e.g. `date=2025-01-03`)
    /// keeps one partition's files. Throws `.datasetNotFound`, or `.invalidOption` naming the
    /// partitions there are when `partition` is not one of them.
    /// A Delta table reads the files of its latest version, or of `version` (time travel); a plain
    /// dataset has no versions.
    public func firstRows(_ id: DatasetID, partition: String? = nil, version: Int64? = nil, limit: Int) async throws -> DatasetRows {
        let objects: [(key: String, partition: String?)]
        let isDelta = try await DeltaLog(store: store, dataset: id).exists()
        if version != nil || isDelta {
            objects = try await deltaFiles(id, version: version)
        } else {
            objects = try await dataObjects(id).map { ($0.key, $0.value.place.partition) }
                .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
        guard !objects.isEmpty else { throw LakeError.datasetNotFound(id.rawValue, store: store.displayName) }
        var keys = objects.map(\.key)
        if let partition {
            keys = objects.filter { $0.partition == partition }.map(\.key)
            if keys.isEmpty {
                let there = Set(objects.compactMap(\.partition)).sorted()
                let list = there.isEmpty ? "the dataset is not partitioned" : "partitions: " + there.prefix(10).joined(separator: ", ") + (there.count > 10 ? ", …" : "")
                throw LakeError.invalidOption("dataset '\(id)' has no partition '\(partition)' (\(list))")
            }
        }
        var batches: [RecordBatch] = []
        var files: [String] = []
        var rows = 0
        var schema: Schema?
        for key in keys where rows < limit || schema == nil {
            let read = try await withLocalCopy(of: key) { path in
                do { return try format.readRows(ofFileAt: path, limit: limit - rows) } catch {
                    throw LakeError.fileFormat(dataset: id.rawValue, file: key, detail: "cannot be read: \(error)")
                }
            }
            files.append(key)
            for b in read {
                schema = schema ?? b.schema
                batches.append(b)
                rows += b.rowCount
            }
        }
        guard let schema else { throw LakeError.datasetNotFound(id.rawValue, store: store.displayName) }
        return DatasetRows(schema: schema, batches: batches, files: files)
    }

    /// Runs `body` on a local path holding `key`: the file itself in a local lake, a temporary
    /// download otherwise (removed afterwards).
    func withLocalCopy<T>(of key: String, _ body: (String) throws -> T) async throws -> T {
        if let local = store.capabilities.localFiles { return try body(try local.path(forKey: key)) }
        let temp = NSTemporaryDirectory() + "inlet-read-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: temp) }
        try await store.download(key: key, toFile: temp)
        return try body(temp)
    }
}
