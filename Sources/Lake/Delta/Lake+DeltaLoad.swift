import Columnar
import Foundation
import ObjectStore
import Parquet

extension Lake {
    /// The table format a load writes: what the dataset already is, checked against `requested`
    /// (a dataset's format is fixed at its first load).
    public func tableFormat(of id: DatasetID, requested: TableFormat?) async throws -> TableFormat {
        if try await DeltaLog(store: store, dataset: id).exists() {
            if requested == .parquet {
                throw LakeError.tableFormat(dataset: id.rawValue, detail: "it is a Delta table, and a dataset's format is fixed at its first load; leave out --table-format parquet, or 'inlet clear \(id)' first")
            }
            return .delta
        }
        guard requested == .delta else { return .parquet }
        // Files with a run's tag in their name are a Delta load's, put before its first commit
        // (another writer may be creating the table right now); any other data file is plain.
        if try await dataObjects(id).values.contains(where: { !DatasetLayout.isTagged(fileName: $0.place.fileName) }) {
            throw LakeError.tableFormat(dataset: id.rawValue, detail: "it holds plain Parquet files, and a dataset's format is fixed at its first load; make it a Delta table with 'inlet convert \(id) --to delta', then load")
        }
        return .delta
    }

    /// A load into a Delta table: stage and verify as the plain layout does, put the files under
    /// unique names (invisible until referenced), then commit one version with put-if-absent.
    /// No lease: writers meet at the commit, where a lost race re-reads the versions that landed
    /// and retries on top of them unless they touched what this load replaces.
    func loadDelta<S: BatchSource>(_ id: DatasetID, runId: String, started: Date, source: inout S,
                                   transforms: [any BatchTransform], options: LoadOptions) async throws -> LoadResult {
        let mode = options.effectiveMode
        var pipeline = try TransformedSource(source, transforms: transforms)
        defer { source = pipeline.base }
        let schema = pipeline.schema
        var keyer = try options.partitionKeys(schema: schema, dataset: id)
        let log = DeltaLog(store: store, dataset: id)
        var snapshot = try await log.snapshot()?.snapshot ?? DeltaSnapshot()
        let table = try deltaTableShape(id, schema: schema, partitioned: keyer != nil, mode: mode, snapshot: snapshot)

        let staging = try StagingArea(base: deltaStagingBase(id) + "/" + runId, runId: runId, dataset: id.rawValue)
        defer {
            staging.finish()
            try? FileManager.default.removeItem(atPath: staging.base)
        }
        sweepDeltaStaging(id)
        let writers = StagedFileWriters(format: format, schema: schema, stagingFolder: staging.filesFolder,
                                        maxFileBytes: options.maxFileBytes, maxOpenWriters: options.writerCap, firstPart: { _ in 0 })
        writers.fileTag = runId
        var mergeOutcome: MergeOutcome?
        let staged: [StagedFile]
        if mode == .merge {
            let merged = try await mergeDelta(id, snapshot: snapshot, pipeline: &pipeline, keyer: &keyer, writers: writers,
                                              staging: staging, runId: runId, options: options)
            mergeOutcome = merged.outcome
            staged = merged.staged
        } else {
            staged = try writeStaged(&pipeline, keyer: &keyer, writers: writers, emptyFile: false) {
                options.progress?(LoadProgress(phase: .writing, rowsRead: $0, rowsWritten: writers.rowsWritten, filesStaged: writers.finished.count))
            }
        }
        try failureHook?(.staged)
        options.progress?(LoadProgress(phase: .verifying, rowsRead: pipeline.rowsIn, rowsWritten: writers.rowsWritten, filesStaged: staged.count))
        let newFiles = try verifyStaged(staged, id: id)
        let sourceInfo = try await options.finalSource?() ?? options.source
        let now = Self.milliseconds(Date())
        let format = self.format
        let adds: [DeltaAddFile] = try mapConcurrently(Array(zip(staged, newFiles))) { f, m in
            let stats = try format.columnStatistics(ofFileAt: f.path)
            return DeltaAddFile(path: f.folder + "/" + f.fileName, partitionValues: DeltaPartition.values(ofPartition: f.partition),
                                size: m.bytes, modificationTime: now, dataChange: true,
                                stats: DeltaStats.json(rows: f.rows, columns: schema.fields, statistics: stats), tags: ["sha256": m.sha256])
        }
        try failureHook?(.verified)
        let touched = Set(staged.map { DeltaPartition.name(DeltaPartition.values(ofPartition: $0.partition), column: table.partitionColumn) })
        var plan = DeltaCommitPlan(mode: mode, partitionColumn: table.partitionColumn, touched: touched, adds: adds,
                                   metadata: table.metadata, protocolVersions: table.protocolVersions,
                                   creates: snapshot.metadata == nil)
        plan.replacing = Set((mergeOutcome?.replaced ?? []).map { String($0.key.dropFirst(DatasetLayout.prefix(id).count)) })
        plan.chooseRemoves(from: snapshot, at: now)
        let info = DeltaCommitInfo(timestamp: now, operation: mode == .merge ? "MERGE" : "WRITE", operationParameters: ["mode": mode.rawValue],
                                   engineInfo: "inlet/" + options.inletVersion, inletVersion: options.inletVersion, inletRunId: runId,
                                   // Rows in the files added (a merge's rewritten files too), and in those removed.
                                   rowsAdded: staged.reduce(0) { $0 + $1.rows }, rowsRemoved: plan.rowsRemoved(in: snapshot),
                                   // Spark's names, which history views (DESCRIBE HISTORY, delta-rs) show.
                                   operationMetrics: ["numFiles": String(adds.count), "numOutputRows": String(staged.reduce(0) { $0 + $1.rows }),
                                                      "numOutputBytes": String(adds.reduce(0) { $0 + $1.size }),
                                                      "numRemovedFiles": String(plan.removes.count)])
        func result(_ manifest: Manifest, version: Int64?) -> LoadResult {
            LoadResult(datasetId: id, runId: runId, mode: mode, rowsRead: pipeline.rowsIn, rowsWritten: writers.rowsWritten,
                       files: newFiles, partitionsWritten: Array(Set(staged.compactMap(\.partition))).sorted(), staleDeleted: 0,
                       manifest: manifest, dryRun: options.dryRun, publishedAtomically: .deltaCommit, deltaVersion: version,
                       filesRemoved: plan.removes.count, merge: mergeOutcome)
        }
        func manifest(of snap: DeltaSnapshot) -> Manifest {
            deltaManifest(id, snapshot: snap, schema: schema, options: options, mode: mode, runId: runId, started: started, source: sourceInfo)
        }
        if options.dryRun {
            var after = snapshot
            after.apply(plan.actions(info: info, version: snapshot.version + 1), version: snapshot.version + 1, commitTime: now)
            return result(manifest(of: after), version: nil)
        }

        options.progress?(LoadProgress(phase: .publishing, rowsRead: pipeline.rowsIn, rowsWritten: writers.rowsWritten, filesStaged: staged.count))
        var uploaded: [String] = []
        let committed: Int64
        do {
            uploaded = try await putDataFiles(staged, id: id)
            committed = try await commit(&plan, info: info, snapshot: &snapshot, log: log, runId: runId)
        } catch {
            // Nothing references the files just put: remove them (vacuum would, later).
            try? await store.delete(keys: uploaded)
            if error is LakeError { throw error }
            throw LakeError.publish(dataset: id.rawValue, step: "committing a Delta version", underlying: "\(error) (nothing was committed)")
        }
        snapshot.apply(plan.actions(info: info, version: committed), version: committed, commitTime: now)
        let written = manifest(of: snapshot)
        // After the commit nothing can fail the load: a missing checkpoint or manifest costs
        // readers a little time, and the next commit writes them again.
        if committed > 0, committed % DeltaCheckpoint.interval == 0 {
            try? await DeltaCheckpoint.write(snapshot, log: log, staging: staging.runFolder)
        }
        try? await writeDeltaManifest(written, id: id)
        options.progress?(LoadProgress(phase: .done, rowsRead: pipeline.rowsIn, rowsWritten: writers.rowsWritten, filesStaged: staged.count))
        return result(written, version: committed)
    }

    /// Mode merge into a Delta table: the incoming rows are spooled, the live files of the
    /// snapshot that hold their keys rewritten (under names of this run's, apart from the
    /// incoming rows' files), then the incoming rows written. The commit removes what was rewritten.
    func mergeDelta<S: BatchSource>(_ id: DatasetID, snapshot: DeltaSnapshot, pipeline: inout TransformedSource<S>,
                                    keyer: inout PartitionKeys?, writers: StagedFileWriters, staging: StagingArea,
                                    runId: String, options: LoadOptions) async throws -> (outcome: MergeOutcome, staged: [StagedFile]) {
        let columns = try MergeKeyColumns(options.primaryKey, in: pipeline.schema, dataset: id.rawValue)
        do {
            let incoming = try IncomingRows(columns: columns, schema: pipeline.schema, folder: staging.runFolder + "/merge-incoming",
                                            dataset: id.rawValue)
            while let batch = try pipeline.next() {
                guard batch.rowCount > 0 else { continue }
                try incoming.add(batch)
                options.progress?(LoadProgress(phase: .writing, rowsRead: pipeline.rowsIn, rowsWritten: 0, filesStaged: 0))
            }
            let prefix = DatasetLayout.prefix(id)
            let column = snapshot.partitionColumns.first
            var folders: [String: String] = [:]
            var files: [ExistingDataFile] = []
            for f in snapshot.files.values.sorted(by: { $0.path < $1.path }) {
                let partition = column.map { DeltaPartition.name(f.partitionValues, column: $0) }
                folders[prefix + f.path] = DatasetLayout.folder(partition: partition)
                files.append(ExistingDataFile(key: prefix + f.path, partition: partition,
                                              rows: DeltaStats.parse(f.stats)?.numRecords ?? 0, bytes: f.size))
            }
            let parts = PartNumbers([:])
            let ext = format.fileExtension
            let result = try await mergeInto(files, folders: folders, incoming: incoming, schema: pipeline.schema, staging: staging,
                                             name: { DatasetLayout.fileName(part: parts.take($0), fileExtension: ext, tag: runId + "-r") },
                                             write: { try self.writeBatch($0, keyer: &keyer, writers: writers) })
            return (result.outcome, try writers.finish() + result.staged)
        } catch {
            writers.abandon()
            throw error
        }
    }

    /// Puts the verified files under their final keys, a few at once (LocalStore: renames).
    func putDataFiles(_ staged: [StagedFile], id: DatasetID) async throws -> [String] {
        let prefix = DatasetLayout.prefix(id)
        let store = self.store
        let hook = failureHook
        var done: [String] = []
        var next = 0
        try await withThrowingTaskGroup(of: String.self) { group in
            func start() throws {
                guard next < staged.count else { return }
                let f = staged[next]
                try hook?(.move(next))
                next += 1
                group.addTask {
                    let key = prefix + f.folder + "/" + f.fileName
                    if let local = store.capabilities.localFiles { try await local.moveIn(key: key, fromFile: f.path) } else {
                        try await store.put(key: key, fromFile: f.path)
                    }
                    return key
                }
            }
            for _ in 0 ..< 8 { try start() }
            while let key = try await group.next() {
                done.append(key)
                try start()
            }
        }
        return done
    }

    /// Commits `plan` as the next version; on a lost race, re-reads what landed and goes on top
    /// of it when it does not touch what this load replaces (bounded, with jitter).
    func commit(_ plan: inout DeltaCommitPlan, info: DeltaCommitInfo, snapshot: inout DeltaSnapshot, log: DeltaLog,
                runId: String) async throws -> Int64 {
        let id = log.dataset.rawValue
        for attempt in 1 ... DeltaCommitPlan.maxAttempts {
            let version = snapshot.version + 1
            try failureHook?(.manifest)
            let actions = plan.actions(info: info, version: version)
            do {
                if try await log.tryCommit(version: version, actions: actions) { return version }
            } catch {
                // The put may have landed before the connection failed: the log then holds our run.
                if let landed = try? await log.read(version: version), landed.info?.inletRunId == runId { return version }
                throw error
            }
            let theirs = try await log.catchUp(&snapshot)
            if let conflict = plan.conflict(with: theirs) {
                throw LakeError.commitConflict(dataset: id, version: conflict.version, detail: conflict.reason)
            }
            if attempt < DeltaCommitPlan.maxAttempts {
                try await Task.sleep(for: .milliseconds(Int.random(in: 5 ... 40) * min(attempt, 8)))
            }
        }
        throw LakeError.commitConflict(dataset: id, version: snapshot.version,
                                       detail: "the table kept moving: \(DeltaCommitPlan.maxAttempts) attempts each found a newer version")
    }

    /// What the table's metadata and protocol become, checked against the stored table.
    func deltaTableShape(_ id: DatasetID, schema: Schema, partitioned: Bool, mode: WriteMode,
                         snapshot: DeltaSnapshot) throws -> (metadata: DeltaMetadata?, protocolVersions: DeltaProtocol?, partitionColumn: String?) {
        let partitionFields = partitioned ? [Field(DeltaPartition.column, .date)] : []
        if partitioned, schema.fields.contains(where: { $0.name == DeltaPartition.column }) {
            throw LakeError.tableFormat(dataset: id.rawValue, detail: "a partitioned Delta table shows its partition as a column named '\(DeltaPartition.column)', and the data already has a column '\(DeltaPartition.column)'; rename that column at the source, or load without partitioning")
        }
        let schemaString: String
        do { schemaString = try DeltaSchema.schemaString(schema.fields, partitionColumns: partitionFields) } catch let e as DeltaSchema.Unsupported {
            throw LakeError.tableFormat(dataset: id.rawValue, detail: e.description)
        }
        let partitionColumns = partitionFields.map(\.name)
        let needed = DeltaProtocol.required(for: schema)
        let current = snapshot.protocolVersions
        let upgrade = current == nil || (needed.readerFeatures ?? []).contains { !(current?.readerFeatures ?? []).contains($0) }
        let proto = upgrade ? needed : nil
        guard let old = snapshot.metadata else {
            let m = DeltaMetadata(id: UUID().uuidString.lowercased(), name: id.rawValue, description: nil,
                                  format: DeltaFormat(provider: "parquet", options: [:]), schemaString: schemaString,
                                  partitionColumns: partitionColumns, configuration: [:], createdTime: Self.milliseconds(Date()))
            return (m, proto, partitioned ? DeltaPartition.column : nil)
        }
        if old.schemaString == schemaString, old.partitionColumns == partitionColumns {
            return (nil, proto, partitioned ? DeltaPartition.column : nil)
        }
        guard mode == .replace else {
            let what = old.partitionColumns == partitionColumns ? "the columns differ from the Delta table's" :
                "the table is \(old.partitionColumns.isEmpty ? "not partitioned" : "partitioned") and this load is\(partitioned ? "" : " not")"
            throw LakeError.schemaChanged(dataset: id.rawValue, detail: "\(what); mode \(mode.rawValue) would mix them, use --mode replace (older versions keep the old schema)")
        }
        var m = old
        m.schemaString = schemaString
        m.partitionColumns = partitionColumns
        return (m, proto, partitioned ? DeltaPartition.column : nil)
    }

    /// `_manifest.json` of a Delta table: every live file, as the plain layout lists them.
    func deltaManifest(_ id: DatasetID, snapshot: DeltaSnapshot, schema: Schema, options: LoadOptions, mode: WriteMode,
                       runId: String, started: Date, source: SourceInfo?) -> Manifest {
        let prefix = DatasetLayout.prefix(id)
        let column = snapshot.partitionColumns.first
        let files = snapshot.files.values.map { f in
            ManifestFile(key: prefix + f.path, partition: column.map { DeltaPartition.name(f.partitionValues, column: $0) },
                         rows: DeltaStats.parse(f.stats)?.numRecords ?? 0, bytes: f.size, sha256: f.tags?["sha256"] ?? "")
        }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let zoneApplied = PartitionKeys.zoneApplies(options.partitionColumn, in: schema)
        return Manifest(formatVersion: 1, id: id.rawValue, schema: schema.fields.map(ManifestField.init),
                        partitionColumn: options.partitionColumn,
                        partitionTimeZone: zoneApplied ? options.partitionTimeZone.identifier : nil,
                        files: files, source: source, mode: mode, runId: runId, startedAt: started, finishedAt: Date(),
                        inletVersion: options.inletVersion, state: options.finalState?(), tableFormat: .delta,
                        deltaVersion: snapshot.version)
    }

    /// Writes the manifest unless a later commit's manifest is already there (writers race).
    func writeDeltaManifest(_ manifest: Manifest, id: DatasetID) async throws {
        if let current = try? await self.manifest(id), let v = current.deltaVersion, v > (manifest.deltaVersion ?? -1) { return }
        try await store.put(key: DatasetLayout.manifestKey(id), data: manifest.encoded())
    }

    /// Delta loads of one dataset run side by side, so each stages in a folder of its own.
    func deltaStagingBase(_ id: DatasetID) -> String { stagingBase(id) + ".delta" }

    /// Removes staging folders of Delta loads that died (no process holds their lock) more than
    /// a quarter hour ago: a younger folder may belong to a load still starting up.
    func sweepDeltaStaging(_ id: DatasetID) {
        let parent = deltaStagingBase(id)
        let cutoff = Date().addingTimeInterval(-900)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] {
            let path = parent + "/" + name
            guard let m = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date, m < cutoff else { continue }
            StagingArea.removeIfIdle(path)
        }
    }

    static func milliseconds(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }
}
