import Foundation
import ObjectStore

/// A data file found by listing the store.
struct DataObject {
    var place: DatasetLayout.DataKey
    var size: Int64
}

/// One line of `inlet datasets`.
public struct DatasetSummary: Sendable, Codable, Equatable {
    public var id: String
    /// From the manifest; nil when the dataset has none.
    public var rows: Int64?
    public var partitions: Int
    public var files: Int
    public var bytes: Int64
    public var lastLoad: Date?
    public var partitionColumn: String?
}

/// What `inlet show ID` prints (`--json`: everything but the raw object list).
public struct DatasetDescription: Sendable, Encodable {
    public struct Partition: Sendable, Codable, Equatable {
        public var name: String
        public var rows: Int64
        public var files: Int
        public var bytes: Int64
    }
    public var id: String
    /// nil when the folder has objects but no manifest (e.g. written by another tool).
    public var manifest: Manifest?
    public var schema: [ManifestField]
    public var partitions: [Partition]
    public var files: [ManifestFile]
    public var lastLoad: Date?
    /// Every object under `datasets/{id}/`, as listed (manifest included).
    public var objects: [ObjectInfo]

    enum CodingKeys: String, CodingKey { case id, manifest, schema, partitions, files, lastLoad }
}

extension Lake {
    /// Every dataset under `datasets/`, in id order, summarized from its manifest.
    public func datasets() async throws -> [DatasetSummary] {
        var byId: [String: [ObjectInfo]] = [:]
        for o in try await store.list(prefix: "datasets/") {
            let parts = o.key.split(separator: "/", maxSplits: 2)
            // A first load's lease alone does not make a dataset.
            guard parts.count == 3, parts[2] != "_lease" else { continue }
            byId[String(parts[1]), default: []].append(o)
        }
        var out: [DatasetSummary] = []
        for raw in byId.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let id = try? DatasetID(raw) else { continue }
            // One damaged manifest must not hide the other datasets: fall back to the listing.
            let m: Manifest?
            do { m = try await manifest(id) } catch LakeError.badManifest { m = nil }
            if let m {
                out.append(DatasetSummary(id: raw, rows: m.rows, partitions: m.partitions.count, files: m.files.count,
                                          bytes: m.bytes, lastLoad: m.finishedAt, partitionColumn: m.partitionColumn))
            } else {
                let data = byId[raw]!.compactMap { o in DatasetLayout.dataKey(o.key, in: id).map { (o, $0) } }
                out.append(DatasetSummary(id: raw, rows: nil, partitions: Set(data.compactMap(\.1.partition)).count,
                                          files: data.count, bytes: data.reduce(0) { $0 + $1.0.size }, lastLoad: nil,
                                          partitionColumn: nil))
            }
        }
        return out
    }

    /// Schema, partitions with row counts, files and last load; throws `.datasetNotFound`.
    public func describe(_ id: DatasetID) async throws -> DatasetDescription {
        let objects = try await store.list(prefix: DatasetLayout.prefix(id))
        guard !objects.isEmpty else { throw LakeError.datasetNotFound(id.rawValue, store: store.displayName) }
        guard let m = try await manifest(id) else {
            return DatasetDescription(id: id.rawValue, manifest: nil, schema: [], partitions: [], files: [], lastLoad: nil, objects: objects)
        }
        var parts: [String: DatasetDescription.Partition] = [:]
        for f in m.files {
            let name = f.partition ?? DatasetLayout.unpartitionedFolder
            var p = parts[name] ?? .init(name: name, rows: 0, files: 0, bytes: 0)
            p.rows += f.rows; p.files += 1; p.bytes += f.bytes
            parts[name] = p
        }
        return DatasetDescription(id: id.rawValue, manifest: m, schema: m.schema,
                                  partitions: parts.values.sorted { $0.name < $1.name }, files: m.files,
                                  lastLoad: m.finishedAt, objects: objects)
    }

    /// Deletes every object under `datasets/{id}/` (and idle staging leftovers) under the
    /// dataset's lease, so never under a running load; returns how many.
    public func clear(_ id: DatasetID, lease options: LeaseOptions = .init()) async throws -> Int {
        let leaseKey = DatasetLease.key(id)
        return try await withLease(id, operation: "clear", options: options) { _ in
            let keys = try await store.list(prefix: DatasetLayout.prefix(id)).map(\.key).filter { $0 != leaseKey }
            if !keys.isEmpty { try await store.delete(keys: keys) }
            StagingArea.removeIfIdle(stagingBase(id))
            return keys.count
        }
    }

    /// Who holds the dataset's lease, or nil when nobody does; an unreadable lease object reads as
    /// a holder with what its key and time say.
    public func leaseHolder(_ id: DatasetID) async throws -> (holder: LeaseHolder?, etag: String)? {
        let key = DatasetLease.key(id)
        guard let info = try await store.head(key: key) else { return nil }
        let bytes = try? await store.get(key: key, range: nil)
        return (bytes.flatMap(LeaseHolder.decode), info.etag ?? "")
    }

    /// Breaks the dataset's lease by hand (`inlet unlock`): deletes the lease object if it is still
    /// the version the caller saw. A holder still running then fails before it publishes.
    public func breakLease(_ id: DatasetID, etag: String) async throws -> Bool {
        let key = DatasetLease.key(id)
        guard let info = try await store.head(key: key), info.etag ?? "" == etag else { return false }
        try await store.delete(keys: [key])
        return true
    }

    /// The dataset's manifest, or nil when it has none.
    public func manifest(_ id: DatasetID) async throws -> Manifest? {
        let key = DatasetLayout.manifestKey(id)
        let bytes: [UInt8]
        do { bytes = try await store.get(key: key, range: nil) } catch ObjectStoreError.notFound { return nil }
        do { return try Manifest.decode(bytes) } catch {
            throw LakeError.badManifest(dataset: id.rawValue, key: key, detail: "\(error)")
        }
    }

    /// The dataset's data files by key (manifest, staging and other `_`/`.` names excluded).
    func dataObjects(_ id: DatasetID) async throws -> [String: DataObject] {
        var out: [String: DataObject] = [:]
        for o in try await store.list(prefix: DatasetLayout.prefix(id)) {
            if let place = DatasetLayout.dataKey(o.key, in: id) { out[o.key] = DataObject(place: place, size: o.size) }
        }
        return out
    }
}
