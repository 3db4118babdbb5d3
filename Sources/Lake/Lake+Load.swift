import Columnar
import Foundation
import ObjectStore

extension Lake {
    /// Streams `source` through `transforms` into dataset `datasetId` and publishes it:
    /// 1. write every file to staging; 2. re-read each footer's row count; 3. move the files
    /// into place; 4. write the manifest; 5. only then delete stale objects.
    /// A failure before step 5 leaves the old dataset as it was (LocalStore: folders are swapped
    /// back; other stores: see `PublishAtomicity.perObject`), and staging is removed.
    ///
    /// The load holds the dataset's lease (`DatasetLease`) from before it reads the manifest to
    /// the end: `options.heldLease` when the caller holds one, else one of its own (none for a
    /// dry run or with `options.lease.enabled` false).
    public func load<S: BatchSource>(datasetId id: DatasetID, source: inout S, transforms: [any BatchTransform] = [],
                                     options: LoadOptions) async throws -> LoadResult {
        let started = Date()
        let runId = Self.makeRunId(started)
        try validate(options, mode: options.effectiveMode, id: id)
        if try await tableFormat(of: id, requested: options.tableFormat) == .delta {
            return try await loadDelta(id, runId: runId, started: started, source: &source, transforms: transforms, options: options)
        }
        let own = options.heldLease == nil && !options.dryRun && options.lease.enabled
            ? try await DatasetLease.acquire(store: store, dataset: id, runId: runId, operation: "load", options: options.lease)
            : nil
        do {
            let result = try await load(id, runId: runId, started: started, source: &source, transforms: transforms,
                                        options: options, lease: options.heldLease ?? own)
            await own?.release()
            return result
        } catch {
            await own?.release()
            throw error
        }
    }

    /// Runs `body` holding dataset `id`'s lease (nil when leases are off or for a dry run), for
    /// work that spans several loads, such as a first pass abandoned for a second.
    public func withLease<T>(_ id: DatasetID, operation: String = "load", options: LeaseOptions, dryRun: Bool = false,
                             _ body: (DatasetLease?) async throws -> T) async throws -> T {
        let lease = options.enabled && !dryRun
            ? try await DatasetLease.acquire(store: store, dataset: id, runId: Self.makeRunId(Date()), operation: operation, options: options)
            : nil
        do {
            let result = try await body(lease)
            await lease?.release()
            return result
        } catch {
            await lease?.release()
            throw error
        }
    }

    private func load<S: BatchSource>(_ id: DatasetID, runId: String, started: Date, source: inout S,
                                      transforms: [any BatchTransform], options: LoadOptions,
                                      lease: DatasetLease?) async throws -> LoadResult {
        let mode = options.effectiveMode
        var pipeline = try TransformedSource(source, transforms: transforms)
        defer { source = pipeline.base }
        let schema = pipeline.schema
        var keyer = try options.partitionKeys(schema: schema, dataset: id)
        let mergeKeys = mode == .merge ? try MergeKeyColumns(options.primaryKey, in: schema, dataset: id.rawValue) : nil

        // A damaged manifest must not block the load that rewrites it; entries are recomputed.
        let old: Manifest?
        do { old = try await manifest(id) } catch LakeError.badManifest { old = nil }
        let existing = try await dataObjects(id)
        // An incremental dataset's manifest is its commit: files it does not list were left by
        // a load that never published its state, and must not count (its rows come again).
        let orphans = old?.state == nil ? Set<String>() : Set(existing.keys).subtracting((old?.files ?? []).map(\.key))
        try checkCompatible(schema: schema, partitioned: keyer != nil, mode: mode, old: old, existing: existing, id: id)
        var nextPart: [String: Int] = [:]
        for (_, o) in existing {
            if let n = DatasetLayout.partNumber(fileName: Substring(o.place.fileName)) { nextPart[o.place.folder] = max(nextPart[o.place.folder] ?? 0, n + 1) }
        }

        let firstParts = nextPart
        // A merge's rewritten files take the next part numbers first, the incoming rows' after.
        let mergeParts = PartNumbers(nextPart)
        let staging = try StagingArea(base: stagingBase(id), runId: runId, dataset: id.rawValue)
        defer { staging.finish() }
        let writers = StagedFileWriters(format: format, schema: schema, stagingFolder: staging.filesFolder,
                                        maxFileBytes: options.maxFileBytes, maxOpenWriters: options.writerCap,
                                        firstPart: {
                                            mode == .append ? firstParts[$0] ?? 0 : mode == .merge ? mergeParts.peek($0) : 0
                                        })
        // Files renamed into a local lake are synced before publishing (step 2); starting their
        // writeback while the load computes leaves that sync little to wait for.
        let capabilities = store.capabilities
        if !options.dryRun, capabilities.backgroundWriteback { writers.writeback = BackgroundWriteback(folder: staging.filesFolder) }
        defer { writers.writeback?.stop() }
        func report(_ phase: LoadProgress.Phase) {
            options.progress?(LoadProgress(phase: phase, rowsRead: pipeline.rowsIn, rowsWritten: writers.rowsWritten,
                                           filesStaged: writers.finished.count))
        }

        // 1. Write (a merge: spool the incoming rows, then rewrite what they replace, then write them).
        var mergeOutcome: MergeOutcome?
        let staged: [StagedFile]
        if let mergeKeys {
            do {
                let incoming = try IncomingRows(columns: mergeKeys, schema: schema, folder: staging.runFolder + "/merge-incoming",
                                                dataset: id.rawValue)
                while let batch = try pipeline.next() {
                    guard batch.rowCount > 0 else { continue }
                    try incoming.add(batch)
                    report(.writing)
                }
                let result = try await mergeInto(existing, leaving: orphans, incoming: incoming, schema: schema, staging: staging,
                                                 parts: mergeParts) { batch in try self.writeBatch(batch, keyer: &keyer, writers: writers) }
                mergeOutcome = result.outcome
                staged = try writers.finish() + result.staged
            } catch {
                writers.abandon()
                throw error
            }
        } else {
            staged = try writeStaged(&pipeline, keyer: &keyer, writers: writers, emptyFile: keyer == nil && mode != .append) {
                options.progress?(LoadProgress(phase: .writing, rowsRead: $0, rowsWritten: writers.rowsWritten, filesStaged: writers.finished.count))
            }
        }
        try failureHook?(.staged)

        // 2. Verify footers, hash. Meanwhile the files are made durable: only files renamed into a
        // local lake must survive a power cut (other stores upload them), and the sync mostly waits
        // on the disk, so it runs on a thread of its own.
        report(.verifying)
        let mustSync = !options.dryRun && capabilities.backgroundWriteback
        async let synced: Void = mustSync ? runBlocking { [staging] in try staging.syncFiles(staged.map(\.path)) } : ()
        let newFiles = try verifyStaged(staged, id: id)
        // The source has been read to its end: a digest taken meanwhile is complete.
        let source = try await options.finalSource?() ?? options.source
        try await synced
        try failureHook?(.verified)
        let partitionsWritten = Array(Set(staged.compactMap(\.partition))).sorted()
        func result(_ manifest: Manifest, stale: Int, atomicity: PublishAtomicity) -> LoadResult {
            LoadResult(datasetId: id, runId: runId, mode: mode, rowsRead: pipeline.rowsIn, rowsWritten: writers.rowsWritten,
                       files: newFiles, partitionsWritten: partitionsWritten, staleDeleted: stale, manifest: manifest,
                       dryRun: options.dryRun, publishedAtomically: atomicity, merge: mergeOutcome)
        }
        let zoneApplied = PartitionKeys.zoneApplies(options.partitionColumn, in: schema)
        func makeManifest(_ files: [ManifestFile]) -> Manifest {
            Manifest(formatVersion: 1, id: id.rawValue, schema: schema.fields.map(ManifestField.init),
                     partitionColumn: options.partitionColumn,
                     partitionTimeZone: zoneApplied ? options.partitionTimeZone.identifier : nil,
                     files: files, source: source, mode: mode, runId: runId, startedAt: started,
                     finishedAt: Date(), inletVersion: options.inletVersion, state: options.finalState?())
        }
        if options.dryRun {
            report(.done)
            return result(makeManifest(newFiles), stale: 0, atomicity: capabilities.localFiles != nil ? .perPartition : .perObject)
        }

        // 3. Move into place, 4. manifest; any failure here swaps LocalStore folders back.
        // A load whose lease went to another process (it was paused past the TTL) stops here.
        try await lease?.confirm()
        // From here a signal leaves the staging alone (`ExitCleanup`).
        ExitCleanup.keep(staging.runFolder)
        report(.publishing)
        // Files a merge replaced: LocalStore leaves them out of the swapped folders; elsewhere
        // they are deleted with the stale objects, once the manifest no longer lists them.
        let replaced = Set(mergeOutcome?.replaced.map(\.key) ?? [])
        let replacedFolders = Set(replaced.compactMap { existing[$0]?.place.folder })
        let publisher: any FilePublisher = capabilities.localFiles.map {
            LocalFolderPublisher(store: $0, staging: staging, mode: mode, dataset: id, leaveOut: orphans.union(replaced),
                                 alsoFolders: replacedFolders)
        } ?? ObjectPublisher(store: store, dataset: id)
        let manifest: Manifest
        let stale: [String]
        do {
            try await publisher.publish(staged, hook: failureHook)
            let live = try await dataObjects(id)
            let newKeys = Set(newFiles.map(\.key))
            let touched = Set(staged.map(\.folder))
            stale = live.keys.filter { key in
                guard !newKeys.contains(key) else { return false }
                if orphans.contains(key) { return true }
                switch mode {
                case .replace: return true
                case .replacePartitions: return touched.contains(live[key]!.place.folder)
                case .append: return false
                case .merge: return replaced.contains(key)
                }
            }.sorted()
            let staleSet = Set(stale)
            let byKey = Dictionary(newFiles.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            let oldByKey = Dictionary((old?.files ?? []).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            var files: [ManifestFile] = []
            for key in live.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !staleSet.contains(key) {
                if let f = byKey[key] { files.append(f) } else if let f = oldByKey[key], f.bytes == live[key]!.size {
                    files.append(f)
                } else {
                    files.append(try await describeExisting(key: key, partition: live[key]!.place.partition, staging: staging, id: id))
                }
            }
            manifest = makeManifest(files)
            try failureHook?(.manifest)
            try await lease?.confirm()
            try await store.put(key: DatasetLayout.manifestKey(id), data: manifest.encoded())
        } catch {
            publisher.rollback()
            if error is LakeError { throw error }
            throw LakeError.publish(dataset: id.rawValue, step: "publishing", underlying: "\(error) (\(publisher.stateAfterRollback))")
        }

        // 5. Stale objects go last: until now every reader could still use them.
        report(.cleaning)
        do {
            try failureHook?(.deleteStale)
            try await store.delete(keys: stale)
            // A partition a merge emptied (its rows moved to another) goes too.
            if let local = capabilities.localFiles {
                for folder in replacedFolders { if let path = try? local.path(forKey: DatasetLayout.prefix(id) + folder) { rmdir(path) } }
            }
        } catch {
            throw LakeError.publish(dataset: id.rawValue, step: "deleting \(stale.count) stale object(s) (the new data and manifest are published; rerun the load or `inlet clear` to remove them)",
                                    underlying: "\(error)")
        }
        report(.done)
        return result(manifest, stale: stale.count, atomicity: publisher.atomicity)
    }

    static func partitionName(_ key: Int64) -> String {
        DatasetLayout.partitionName(days: key == PartitionKeys.nullKey ? nil : key)
    }

    func validate(_ options: LoadOptions, mode: WriteMode, id: DatasetID) throws {
        if mode == .merge, options.primaryKey.isEmpty {
            throw LakeError.invalidOption("dataset '\(id)': mode merge needs a primary key (--primary-key COLUMN[,COLUMN] or primary_key:)")
        }
        if mode != .merge, !options.primaryKey.isEmpty {
            throw LakeError.invalidOption("dataset '\(id)': a primary key is for mode merge, not \(mode.rawValue)")
        }
        if mode == .replacePartitions, options.partitionColumn == nil {
            throw LakeError.invalidOption("dataset '\(id)': mode replace-partitions needs a partition column; use replace or append")
        }
        if options.maxFileBytes <= 0 { throw LakeError.invalidOption("maximum file size must be positive, got \(options.maxFileBytes)") }
    }

    /// Appending or replacing some partitions keeps old files next to new ones, so they must agree.
    func checkCompatible(schema: Schema, partitioned: Bool, mode: WriteMode, old: Manifest?,
                         existing: [String: DataObject], id: DatasetID) throws {
        guard mode != .replace else { return }
        let wrongLayout = existing.values.contains { ($0.place.partition != nil) != partitioned }
        if wrongLayout {
            throw LakeError.schemaChanged(dataset: id.rawValue, detail: "the stored dataset is \(partitioned ? "not partitioned" : "partitioned") and this load is\(partitioned ? "" : " not"); use --mode replace to change its layout")
        }
        if let old, !existing.isEmpty {
            let before = old.schema.map { "\($0.name): \($0.type)" }
            let after = schema.fields.map { "\($0.name): \($0.type.name)" }
            if before != after {
                throw LakeError.schemaChanged(dataset: id.rawValue, detail: "the columns differ from the stored ones (\(before.joined(separator: ", "))) → (\(after.joined(separator: ", "))); mode \(mode.rawValue) would mix schemas, use --mode replace")
            }
        }
    }

    /// A data file whose manifest entry is missing or out of date (e.g. after a killed run):
    /// re-read its footer and hash it.
    func describeExisting(key: String, partition: String?, staging: StagingArea, id: DatasetID) async throws -> ManifestFile {
        let path: String
        var temp: String?
        if let local = store.capabilities.localFiles { path = try local.path(forKey: key) } else {
            path = staging.runFolder + "/check-" + UUID().uuidString
            try await store.download(key: key, toFile: path)
            temp = path
        }
        defer { if let temp { try? FileManager.default.removeItem(atPath: temp) } }
        let rows: Int64
        do { rows = try format.rowCount(ofFileAt: path) } catch {
            throw LakeError.fileFormat(dataset: id.rawValue, file: key, detail: "footer cannot be read: \(error)")
        }
        let digest = try FileDigest.sha256(path: path)
        return ManifestFile(key: key, partition: partition, rows: rows, bytes: digest.bytes, sha256: digest.hex)
    }
}
