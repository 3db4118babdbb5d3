import Columnar
import Foundation
import ObjectStore
import Parquet

/// One line of `inlet show ID --history`.
public struct DeltaHistoryEntry: Sendable, Codable, Equatable {
    public var version: Int64
    public var timestamp: Date?
    public var operation: String
    public var mode: String?
    public var rowsAdded: Int64?
    public var rowsRemoved: Int64?
    public var filesAdded: Int
    public var filesRemoved: Int
    public var runId: String?
    public var engine: String?
}

/// What `inlet vacuum` deleted (or, on a dry run, would delete).
public struct VacuumResult: Sendable, Codable {
    public var files: [String]
    public var bytes: Int64
    public var dryRun: Bool
}

extension Lake {
    /// The table's log, failing with a clear error when the dataset is not a Delta table.
    func deltaLog(_ id: DatasetID, for command: String) async throws -> DeltaLog {
        let log = DeltaLog(store: store, dataset: id)
        guard try await log.exists() else {
            if try await store.list(prefix: DatasetLayout.prefix(id)).isEmpty {
                throw LakeError.datasetNotFound(id.rawValue, store: store.displayName)
            }
            throw LakeError.tableFormat(dataset: id.rawValue, detail: "\(command) needs a Delta table, and this dataset is plain Parquet (its loads replace files in place, so it has no history); 'inlet convert \(id) --to delta' makes it one")
        }
        return log
    }

    /// Every version, newest first.
    public func history(_ id: DatasetID) async throws -> [DeltaHistoryEntry] {
        let log = try await deltaLog(id, for: "--history")
        guard let (_, commits) = try await log.snapshot(fromCheckpoint: false) else { return [] }
        var files: [String: Int64] = [:]  // rows per live path, to count what removes took away
        var out: [DeltaHistoryEntry] = []
        for c in commits {
            let info = c.info
            var removedRows: Int64 = 0
            for r in c.removes { removedRows += files.removeValue(forKey: r.path) ?? 0 }
            var addedRows: Int64 = 0
            for a in c.adds {
                let n = DeltaStats.parse(a.stats)?.numRecords ?? 0
                files[a.path] = n
                addedRows += n
            }
            out.append(DeltaHistoryEntry(version: c.version, timestamp: info?.timestamp.map { Date(timeIntervalSince1970: Double($0) / 1000) },
                                         operation: info?.operation ?? "?", mode: info?.operationParameters?["mode"],
                                         rowsAdded: info?.rowsAdded ?? addedRows, rowsRemoved: info?.rowsRemoved ?? removedRows,
                                         filesAdded: c.adds.count, filesRemoved: c.removes.count, runId: info?.inletRunId,
                                         engine: info?.engineInfo))
        }
        return out.reversed()
    }

    /// The live data files of a Delta table at `version` (nil: the latest), as object keys with
    /// their partition names, in key order.
    func deltaFiles(_ id: DatasetID, version: Int64?) async throws -> [(key: String, partition: String?)] {
        let log = try await deltaLog(id, for: "--version")
        guard let (snap, _) = try await log.snapshot(at: version) else { return [] }
        let column = snap.partitionColumns.first
        return snap.files.values.map { f in
            (DatasetLayout.prefix(id) + f.path, column.map { DeltaPartition.name(f.partitionValues, column: $0) })
        }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// Deletes data files no version within `retain` references: files removed longer ago than
    /// that, and files no commit ever referenced (a load that died before committing) once they
    /// are older than both `retain` and an hour, so a load still uploading keeps its files.
    public func vacuum(_ id: DatasetID, retain: TimeInterval, dryRun: Bool, now: Date = Date()) async throws -> VacuumResult {
        let log = try await deltaLog(id, for: "vacuum")
        guard let (snap, _) = try await log.snapshot() else { return VacuumResult(files: [], bytes: 0, dryRun: dryRun) }
        let prefix = DatasetLayout.prefix(id)
        let cutoff = Self.milliseconds(now.addingTimeInterval(-retain))
        let untrackedCutoff = Self.milliseconds(now.addingTimeInterval(-max(retain, 3600)))
        var doomed: [(String, Int64)] = []
        for o in try await store.list(prefix: prefix) {
            guard DatasetLayout.dataKey(o.key, in: id) != nil else { continue }
            let path = String(o.key.dropFirst(prefix.count))
            if snap.files[path] != nil { continue }
            let modified = o.lastModified.map(Self.milliseconds) ?? Int64.max
            if let removedAt = snap.removed[path] {
                if removedAt < cutoff { doomed.append((o.key, o.size)) }
            } else if modified < untrackedCutoff {
                doomed.append((o.key, o.size))
            }
        }
        doomed.sort { $0.0 < $1.0 }
        if !dryRun, !doomed.isEmpty { try await store.delete(keys: doomed.map(\.0)) }
        return VacuumResult(files: doomed.map(\.0), bytes: doomed.reduce(0) { $0 + $1.1 }, dryRun: dryRun)
    }

    /// `inlet convert ID --to delta`: version 0 of a Delta table over the plain dataset's files as
    /// they are (no data is rewritten), under the dataset's lease so no plain load runs meanwhile.
    public func convertToDelta(_ id: DatasetID, lease options: LeaseOptions = .init(), inletVersion: String) async throws -> (version: Int64, files: Int, rows: Int64) {
        try await withLease(id, operation: "convert", options: options) { _ in
            let log = DeltaLog(store: store, dataset: id)
            if try await log.exists() { throw LakeError.tableFormat(dataset: id.rawValue, detail: "it is a Delta table already") }
            let objects = try await dataObjects(id)
            guard !objects.isEmpty else { throw LakeError.datasetNotFound(id.rawValue, store: store.displayName) }
            let manifest = try await self.manifest(id)
            let bySHA = Dictionary((manifest?.files ?? []).map { ($0.key, $0.sha256) }, uniquingKeysWith: { a, _ in a })
            let keys = objects.keys.sorted()
            let partitioned = objects.values.contains { $0.place.partition != nil }
            if partitioned, objects.values.contains(where: { $0.place.partition == nil }) {
                throw LakeError.tableFormat(dataset: id.rawValue, detail: "it has both partitioned and unpartitioned files; reload it with --mode replace first")
            }
            var schema: Schema?
            var adds: [DeltaAddFile] = []
            var rows: Int64 = 0
            let now = Self.milliseconds(Date())
            for key in keys {
                let place = objects[key]!.place
                let (fileSchema, count, stats) = try await withLocalCopy(of: key) { path -> (Schema, Int64, [String: FileColumnStatistics]) in
                    do {
                        let r = try ParquetFileReader(path: path)
                        return (r.schema, r.rowCount, r.fileStatistics())
                    } catch {
                        throw LakeError.fileFormat(dataset: id.rawValue, file: key, detail: "cannot be read: \(error)")
                    }
                }
                let names = fileSchema.fields.map { "\($0.name): \($0.type.name)" }
                if let s = schema, s.fields.map({ "\($0.name): \($0.type.name)" }) != names {
                    throw LakeError.schemaChanged(dataset: id.rawValue, detail: "file \(key) has columns (\(names.joined(separator: ", "))) unlike the others; a Delta table has one schema, reload it with --mode replace first")
                }
                schema = schema ?? fileSchema
                rows += count
                adds.append(DeltaAddFile(path: place.folder + "/" + place.fileName, partitionValues: DeltaPartition.values(ofPartition: place.partition),
                                         size: objects[key]!.size, modificationTime: now, dataChange: true,
                                         stats: DeltaStats.json(rows: count, columns: fileSchema.fields, statistics: stats),
                                         tags: bySHA[key].map { ["sha256": $0] }))
            }
            let table = try deltaTableShape(id, schema: schema!, partitioned: partitioned, mode: .replace, snapshot: DeltaSnapshot())
            var plan = DeltaCommitPlan(mode: .append, partitionColumn: table.partitionColumn, touched: [], adds: adds,
                                       metadata: table.metadata, protocolVersions: table.protocolVersions, creates: true)
            plan.chooseRemoves(from: DeltaSnapshot(), at: now)
            let info = DeltaCommitInfo(timestamp: now, operation: "CONVERT", operationParameters: nil, engineInfo: "inlet/" + inletVersion,
                                       inletVersion: inletVersion, inletRunId: Self.makeRunId(Date()), rowsAdded: rows, rowsRemoved: 0,
                                       operationMetrics: nil)
            guard try await log.tryCommit(version: 0, actions: plan.actions(info: info, version: 0)) else {
                throw LakeError.commitConflict(dataset: id.rawValue, version: 0, detail: "created the table first")
            }
            if var m = manifest {
                m.tableFormat = .delta
                m.deltaVersion = 0
                try await store.put(key: DatasetLayout.manifestKey(id), data: m.encoded())
            }
            return (0, adds.count, rows)
        }
    }
}
