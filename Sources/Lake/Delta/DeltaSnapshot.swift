import Foundation

/// A Delta table as of one version: the replay of its log's actions up to it.
public struct DeltaSnapshot: Sendable {
    public var version: Int64
    public var protocolVersions: DeltaProtocol?
    public var metadata: DeltaMetadata?
    /// The live files by path (relative to the table root).
    public var files: [String: DeltaAddFile] = [:]
    /// Files removed, by path, with when (ms): what vacuum keeps for the retention window.
    public var removed: [String: Int64] = [:]

    public init(version: Int64 = -1) { self.version = version }

    /// Applies one commit's actions, in order (a later add or remove of a path wins).
    public mutating func apply(_ actions: [DeltaAction], version: Int64, commitTime: Int64) {
        for a in actions {
            switch a {
            case let .protocolVersions(p): protocolVersions = p
            case let .metaData(m): metadata = m
            case let .add(f):
                files[f.path] = f
                removed[f.path] = nil
            case let .remove(f):
                files[f.path] = nil
                removed[f.path] = f.deletionTimestamp ?? commitTime
            case .commitInfo, .other: break
            }
        }
        self.version = version
    }

    public var rows: Int64 { files.values.reduce(0) { $0 + (DeltaStats.parse($1.stats)?.numRecords ?? 0) } }
    public var partitionColumns: [String] { metadata?.partitionColumns ?? [] }
}

/// What one commit says about itself, for `inlet show --history` and conflict checks.
public struct DeltaCommit: Sendable {
    public var version: Int64
    public var actions: [DeltaAction]

    public var info: DeltaCommitInfo? {
        for case let .commitInfo(c) in actions { return c }
        return nil
    }
    public var adds: [DeltaAddFile] { actions.compactMap { if case let .add(f) = $0 { return f }; return nil } }
    public var removes: [DeltaRemoveFile] { actions.compactMap { if case let .remove(f) = $0 { return f }; return nil } }
    public var changesMetadata: Bool { actions.contains { if case .metaData = $0 { return true }; return false } }
    public var changesProtocol: Bool { actions.contains { if case .protocolVersions = $0 { return true }; return false } }

    /// Partition values (`date=…` names) this commit added or removed files in.
    public func partitionsTouched(by column: String?) -> Set<String> {
        var out = Set<String>()
        for f in adds { out.insert(DeltaPartition.name(f.partitionValues, column: column)) }
        for f in removes { out.insert(DeltaPartition.name(f.partitionValues ?? [:], column: column)) }
        return out
    }
}

/// The plain layout's partition name (`date=2024-05-01`) from an action's partition values.
enum DeltaPartition {
    static let column = "date"

    static func name(_ values: [String: String?], column: String?) -> String {
        guard let column else { return DatasetLayout.unpartitionedFolder }
        let v = values[column] ?? nil
        return column + "=" + (v ?? DatasetLayout.nullPartitionValue)
    }

    /// `date=2024-05-01` → ["date": "2024-05-01"]; the Hive null partition → ["date": nil].
    static func values(ofPartition partition: String?) -> [String: String?] {
        guard let partition, let eq = partition.firstIndex(of: "=") else { return [:] }
        let v = String(partition[partition.index(after: eq)...])
        return [String(partition[..<eq]): v == DatasetLayout.nullPartitionValue ? nil : v]
    }
}
