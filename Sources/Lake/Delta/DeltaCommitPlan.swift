import Foundation

/// The actions one Delta load commits, and whether versions other writers committed first
/// leave them valid. The rules follow what each mode read:
/// - append reads nothing, so it goes on top of anything but a schema change;
/// - replace-partitions read its partitions' files: another writer's add or remove in one of
///   them is a conflict, elsewhere it is not;
/// - replace read the whole table: any data change is a conflict;
/// - merge read every file that might hold its keys (and judged the rest by their bounds): it too
///   conflicts with any data change, which might hold one of its keys.
struct DeltaCommitPlan {
    static let maxAttempts = 64

    let mode: WriteMode
    let partitionColumn: String?
    /// Partition names (`date=…`, or `data` unpartitioned) this load writes.
    let touched: Set<String>
    var adds: [DeltaAddFile]
    /// Set when this commit creates the table or changes its schema.
    var metadata: DeltaMetadata?
    var protocolVersions: DeltaProtocol?
    private(set) var removes: [DeltaRemoveFile] = []
    /// Merge: the paths of the live files it rewrote or emptied.
    var replacing: Set<String> = []
    /// The table did not exist when this load read it.
    private var creates: Bool

    init(mode: WriteMode, partitionColumn: String?, touched: Set<String>, adds: [DeltaAddFile],
         metadata: DeltaMetadata?, protocolVersions: DeltaProtocol?, creates: Bool) {
        self.mode = mode; self.partitionColumn = partitionColumn; self.touched = touched; self.adds = adds
        self.metadata = metadata; self.protocolVersions = protocolVersions; self.creates = creates
    }

    /// The live files this load replaces.
    mutating func chooseRemoves(from snapshot: DeltaSnapshot, at time: Int64) {
        let gone: [DeltaAddFile]
        switch mode {
        case .append: gone = []
        case .replace: gone = Array(snapshot.files.values)
        case .replacePartitions: gone = snapshot.files.values.filter { touched.contains(partition(of: $0.partitionValues)) }
        case .merge: gone = snapshot.files.values.filter { replacing.contains($0.path) }
        }
        removes = gone.sorted { $0.path < $1.path }.map {
            DeltaRemoveFile(path: $0.path, deletionTimestamp: time, dataChange: true, extendedFileMetadata: true,
                            partitionValues: $0.partitionValues, size: $0.size)
        }
    }

    func rowsRemoved(in snapshot: DeltaSnapshot) -> Int64 {
        removes.reduce(0) { $0 + (snapshot.files[$1.path].flatMap { DeltaStats.parse($0.stats)?.numRecords } ?? 0) }
    }

    func actions(info: DeltaCommitInfo, version: Int64) -> [DeltaAction] {
        var out: [DeltaAction] = [.commitInfo(info)]
        if let p = protocolVersions { out.append(.protocolVersions(p)) }
        if let m = metadata { out.append(.metaData(m)) }
        out += removes.map { .remove($0) }
        out += adds.map { .add($0) }
        return out
    }

    /// The first of `commits` this load cannot go on top of, and why; nil when it can (the plan
    /// is adjusted: a table another writer created with this schema is simply appended to).
    mutating func conflict(with commits: [DeltaCommit]) -> (version: Int64, reason: String)? {
        for c in commits {
            if c.changesMetadata || c.changesProtocol {
                let theirs = c.actions.compactMap { if case let .metaData(m) = $0 { return m }; return nil }.last
                guard creates, c.version == 0, let ours = metadata, let theirs,
                      theirs.schemaString == ours.schemaString, theirs.partitionColumns == ours.partitionColumns else {
                    return (c.version, creates && c.version == 0 ? "created the table with another schema or partitioning"
                                                                 : "changed the table's schema or protocol")
                }
                // Another writer created the same table first: add to it as to any table.
                creates = false
                metadata = nil
                let theirProtocol = c.actions.compactMap { if case let .protocolVersions(p) = $0 { return p }; return nil }.last
                if theirProtocol == protocolVersions { protocolVersions = nil }
                if mode == .append || c.adds.isEmpty { continue }
            }
            let changed = c.adds.contains(where: \.dataChange) || c.removes.contains(where: \.dataChange)
            switch mode {
            case .append:
                continue
            case .replace, .merge:
                if changed { return (c.version, "changed the table's data, which this \(mode == .merge ? "merge" : "replace") did not see") }
            case .replacePartitions:
                let overlap = c.partitionsTouched(by: partitionColumn).intersection(touched)
                if !overlap.isEmpty {
                    let names = overlap.sorted()
                    let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
                    return (c.version, "wrote partition(s) \(shown) that this load replaces too")
                }
            }
        }
        return nil
    }

    private func partition(of values: [String: String?]) -> String {
        DeltaPartition.name(values, column: partitionColumn)
    }
}
