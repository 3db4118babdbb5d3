import Foundation
import ObjectStore

/// A dataset's `_delta_log/` in the store: reading its commits into snapshots, and adding a
/// version with put-if-absent, so two writers can never both take one version number.
public struct DeltaLog: Sendable {
    public let store: any ObjectStore
    public let dataset: DatasetID

    public init(store: any ObjectStore, dataset: DatasetID) { self.store = store; self.dataset = dataset }

    public var prefix: String { DatasetLayout.prefix(dataset) + "_delta_log/" }
    var tableName: String { "'\(dataset)' in \(store.displayName)" }

    public func commitKey(_ version: Int64) -> String { prefix + Self.padded(version) + ".json" }
    static func padded(_ v: Int64) -> String { let s = String(v); return String(repeating: "0", count: max(0, 20 - s.count)) + s }

    /// The log's commit files by version, with their store timestamps (ms).
    public func listVersions() async throws -> [(version: Int64, modified: Int64?)] {
        try await store.list(prefix: prefix).compactMap { o in
            let name = o.key.dropFirst(prefix.count)
            guard name.hasSuffix(".json"), name.count == 25, let v = Int64(name.prefix(20)) else { return nil }
            return (v, o.lastModified.map { Int64($0.timeIntervalSince1970 * 1000) })
        }.sorted { $0.version < $1.version }
    }

    /// Whether the dataset is a Delta table (its log has a commit).
    public func exists() async throws -> Bool { try await !listVersions().isEmpty }

    public func read(version: Int64) async throws -> DeltaCommit {
        let key = commitKey(version)
        let bytes: [UInt8]
        do { bytes = try await store.get(key: key, range: nil) } catch ObjectStoreError.notFound {
            throw DeltaLogError.missingVersion(table: tableName, version: version)
        }
        return DeltaCommit(version: version, actions: try DeltaAction.decode(bytes, file: key))
    }

    /// Commits `range` in order, fetched a few at once.
    public func read(versions: [Int64]) async throws -> [DeltaCommit] {
        var out: [DeltaCommit] = []
        out.reserveCapacity(versions.count)
        var start = 0
        while start < versions.count {
            let chunk = Array(versions[start ..< min(versions.count, start + 16)])
            let got = try await withThrowingTaskGroup(of: DeltaCommit.self) { group in
                for v in chunk { group.addTask { try await read(version: v) } }
                var all: [DeltaCommit] = []
                for try await c in group { all.append(c) }
                return all
            }
            out += got.sorted { $0.version < $1.version }
            start += chunk.count
        }
        return out
    }

    /// The table at `version` (nil: the latest), and every commit read on the way, in order.
    /// Nil when the log is empty. With `fromCheckpoint`, replay starts at the last checkpoint at
    /// or before the version (the commits returned are those after it); else at version 0.
    /// Versions must be contiguous: a gap is an error.
    public func snapshot(at version: Int64? = nil, fromCheckpoint: Bool = true) async throws -> (snapshot: DeltaSnapshot, commits: [DeltaCommit])? {
        let listed = try await listVersions()
        guard let last = listed.last else { return nil }
        let target = version ?? last.version
        guard target <= last.version, target >= 0 else { throw DeltaLogError.missingVersion(table: tableName, version: target) }
        var snap = DeltaSnapshot()
        if fromCheckpoint, let start = try await checkpoint(atOrBefore: target) { snap = start }
        let wanted = listed.filter { $0.version <= target && $0.version > snap.version }
        for (i, v) in wanted.enumerated() where v.version != snap.version + 1 + Int64(i) {
            throw DeltaLogError.missingVersion(table: tableName, version: snap.version + 1 + Int64(i))
        }
        let commits = try await read(versions: wanted.map(\.version))
        for (c, listedVersion) in zip(commits, wanted) {
            snap.apply(c.actions, version: c.version, commitTime: c.info?.timestamp ?? listedVersion.modified ?? 0)
        }
        return (snap, commits)
    }

    /// The table as the checkpoint `_last_checkpoint` points at says, when that is at or before
    /// `version`; nil without one (or when it cannot be read: replaying the commits is slower, not wrong).
    func checkpoint(atOrBefore version: Int64) async throws -> DeltaSnapshot? {
        guard let pointer = try? await store.get(key: prefix + "_last_checkpoint", range: nil),
              let obj = try? JSONSerialization.jsonObject(with: Data(pointer)) as? [String: Any],
              let v = (obj["version"] as? NSNumber)?.int64Value, v <= version,
              (obj["parts"] as? NSNumber) == nil else { return nil }
        let key = prefix + Self.padded(v) + ".checkpoint.parquet"
        let temp = NSTemporaryDirectory() + "inlet-checkpoint-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: temp) }
        guard (try? await store.download(key: key, toFile: temp)) != nil,
              let actions = try? DeltaCheckpoint.read(path: temp, file: key) else { return nil }
        var snap = DeltaSnapshot()
        snap.apply(actions, version: v, commitTime: 0)
        return snap.metadata == nil ? nil : snap
    }

    /// The commits after `snapshot`, applied to it; returns them.
    public func catchUp(_ snapshot: inout DeltaSnapshot) async throws -> [DeltaCommit] {
        let newer = try await listVersions().map(\.version).filter { $0 > snapshot.version }
        guard !newer.isEmpty else { return [] }
        for (i, v) in newer.enumerated() where v != snapshot.version + 1 + Int64(i) {
            throw DeltaLogError.missingVersion(table: tableName, version: snapshot.version + 1 + Int64(i))
        }
        let commits = try await read(versions: newer)
        for c in commits { snapshot.apply(c.actions, version: c.version, commitTime: c.info?.timestamp ?? 0) }
        return commits
    }

    /// Writes version `version` only if no writer took it first: false when one did.
    public func tryCommit(version: Int64, actions: [DeltaAction]) async throws -> Bool {
        do {
            _ = try await store.put(key: commitKey(version), data: try DeltaAction.encode(actions), if: .absent)
            return true
        } catch ObjectStoreError.preconditionFailed {
            // S3's 412 (taken) and 409 (a racing conditional write) both arrive here.
            return false
        }
    }
}
