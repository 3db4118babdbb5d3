import Columnar
import Foundation

extension Lake {
    /// Mode merge in the plain layout: the existing files (all of them, whatever partition the
    /// incoming rows go to, since a key may move) are pruned by footer min/max, candidates'
    /// key columns read, and those holding incoming keys rewritten into staging under the next
    /// part numbers of their folder; then the incoming rows (each key's last) go to `write`.
    /// Existing files are the dataset's objects, an unfinished load's leftovers aside.
    func mergeInto(_ existing: [String: DataObject], leaving orphans: Set<String>, incoming: IncomingRows, schema: Schema,
                   staging: StagingArea, parts: PartNumbers,
                   write: (RecordBatch) throws -> Void) async throws -> (outcome: MergeOutcome, staged: [StagedFile]) {
        let files = existing.filter { !orphans.contains($0.key) }.sorted { $0.key < $1.key }.map { key, o in
            ExistingDataFile(key: key, partition: o.place.partition, rows: 0, bytes: o.size)
        }
        let ext = format.fileExtension
        return try await mergeInto(files, folders: existing.mapValues(\.place.folder), incoming: incoming, schema: schema,
                                   staging: staging, name: { DatasetLayout.fileName(part: parts.take($0), fileExtension: ext) },
                                   write: write)
    }

    /// Runs `Merge.run` over `files` (`folders`: each file's folder under the dataset), staging
    /// rewritten files under the names `name` gives for their folder.
    func mergeInto(_ files: [ExistingDataFile], folders: [String: String], incoming: IncomingRows, schema: Schema,
                   staging: StagingArea, name: @escaping @Sendable (String) -> String,
                   write: (RecordBatch) throws -> Void) async throws -> (outcome: MergeOutcome, staged: [StagedFile]) {
        // The rewriter reads footers and key columns: only Parquet has them.
        guard format is ParquetDatasetFormat else {
            throw LakeError.invalidOption("mode merge needs the dataset in Parquet, not \(format.fileExtension)")
        }
        let keys = try incoming.finish()
        let filesFolder = staging.filesFolder
        let scratch = staging.runFolder + "/merge-scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let outcome = try await Merge.run(
            incoming: incoming, keys: keys, existing: files, access: .store(store, scratch: scratch),
            rewriter: MergeRewriter(columns: incoming.columns, format: format, schema: schema),
            stagedPath: { f in
                let folder = folders[f.key]!
                try FileManager.default.createDirectory(atPath: filesFolder + "/" + folder, withIntermediateDirectories: true)
                return filesFolder + "/" + folder + "/" + name(folder)
            },
            writeIncoming: write)
        let staged = outcome.rewritten.map { r in
            StagedFile(partition: r.replaces.partition, folder: folders[r.replaces.key]!,
                       fileName: String(r.path.split(separator: "/").last!), path: r.path, rows: r.rows, writerRows: r.rows,
                       digest: r.digest)
        }
        return (outcome, staged)
    }
}

/// The next part number of each folder, shared by a merge's rewrites (taken concurrently)
/// and then its writers.
final class PartNumbers: @unchecked Sendable {
    private var next: [String: Int]
    private let lock = NSLock()

    init(_ next: [String: Int]) { self.next = next }

    func take(_ folder: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        let n = next[folder] ?? 0
        next[folder] = n + 1
        return n
    }

    func peek(_ folder: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return next[folder] ?? 0
    }
}
