import Columnar
import Foundation
import Parquet

/// A file a merge wrote in place of an existing one.
public struct RewrittenFile: Sendable {
    public var replaces: ExistingDataFile
    public var path: String
    public var rows: Int64
    public var digest: (bytes: Int64, hex: String)?
}

/// What a merge did to the existing files, and what it counted.
public struct MergeOutcome: Sendable {
    /// Existing files to remove: each rewritten (see `rewritten`) or left without rows.
    public var replaced: [ExistingDataFile] = []
    public var rewritten: [RewrittenFile] = []
    /// Stored rows whose key came again.
    public var rowsRemoved: Int64 = 0
    /// Incoming keys already in the dataset (rows updated); the others are inserted.
    public var keysMatched = 0
    public var incomingKeys = 0
    /// Incoming rows dropped for a later row with the same key.
    public var duplicates: Int64 = 0
    public var filesTotal = 0
    /// Files whose key range may hold an incoming key: their key columns were read.
    public var filesExamined = 0
    public var bytesRead: Int64 = 0
    public var bytesWritten: Int64 = 0

    public var rowsUpdated: Int { keysMatched }
    public var rowsInserted: Int { incomingKeys - keysMatched }
}

/// The merge's core, independent of how files are published: prunes `files` by their key
/// ranges (given, or from footers), reads the candidates' key columns, rewrites those that
/// hold incoming keys, then hands the incoming rows (each key's last) to `writeIncoming`.
/// The caller publishes: removes `replaced`, adds `rewritten` and what it wrote.
public enum Merge {
    public static func run(incoming: IncomingRows, keys: MergeKeyIndex, existing files: [ExistingDataFile],
                           access: MergeFileAccess, rewriter: MergeRewriter,
                           stagedPath: @escaping @Sendable (ExistingDataFile) throws -> String,
                           writeIncoming: (RecordBatch) throws -> Void) async throws -> MergeOutcome {
        var outcome = try await rewriteExisting(files, keys: keys, access: access, rewriter: rewriter, stagedPath: stagedPath)
        outcome.incomingKeys = keys.count
        outcome.duplicates = incoming.duplicates
        try incoming.replay(writeIncoming)
        return outcome
    }

    /// The existing-files half of `run`, files processed a few at a time.
    public static func rewriteExisting(_ files: [ExistingDataFile], keys: MergeKeyIndex, access: MergeFileAccess,
                                       rewriter: MergeRewriter,
                                       stagedPath: @escaping @Sendable (ExistingDataFile) throws -> String) async throws -> MergeOutcome {
        var outcome = MergeOutcome()
        outcome.filesTotal = files.count
        guard keys.count > 0 else { return outcome }
        let planner = MergePlanner(columns: rewriter.columns)
        let width = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        var matched = Set<MergeKey>()
        try await withThrowingTaskGroup(of: FileResult.self) { group in
            var next = 0
            func start() {
                guard next < files.count else { return }
                let f = files[next]
                next += 1
                group.addTask { try await Self.process(f, keys: keys, planner: planner, access: access, rewriter: rewriter, stagedPath: stagedPath) }
            }
            for _ in 0 ..< width { start() }
            while let r = try await group.next() {
                outcome.bytesRead += r.bytesRead
                if r.examined { outcome.filesExamined += 1 }
                if let rw = r.rewritten {
                    outcome.replaced.append(r.file)
                    outcome.rowsRemoved += rw.rowsRemoved
                    matched.formUnion(rw.matched)
                    if let path = rw.path {
                        outcome.rewritten.append(RewrittenFile(replaces: r.file, path: path, rows: rw.rowsKept, digest: rw.digest))
                        outcome.bytesWritten += rw.digest?.bytes ?? 0
                    }
                }
                start()
            }
        }
        outcome.keysMatched = matched.count
        // Completion order depends on timing; the caller's order must not.
        outcome.replaced.sort { $0.key < $1.key }
        outcome.rewritten.sort { $0.replaces.key < $1.replaces.key }
        return outcome
    }

    private struct FileResult: Sendable {
        var file: ExistingDataFile
        var examined = false
        var bytesRead: Int64 = 0
        var rewritten: MergeRewriter.Rewritten?
    }

    private static func process(_ f: ExistingDataFile, keys: MergeKeyIndex, planner: MergePlanner, access: MergeFileAccess,
                                rewriter: MergeRewriter, stagedPath: @Sendable (ExistingDataFile) throws -> String) async throws -> FileResult {
        var r = FileResult(file: f)
        let ranges: [(min: [UInt8], max: [UInt8])]?
        if let given = f.keyRanges {
            ranges = planner.encoded(given)
        } else {
            let (footer, fetched) = try await access.footer(f)
            r.bytesRead += fetched
            ranges = planner.encoded(footer)
        }
        guard planner.mayHold(ranges, keys: keys) else { return r }
        r.examined = true
        let (path, temporary) = try await access.localFile(f)
        defer { if temporary { try? FileManager.default.removeItem(atPath: path) } }
        let outcome = try rewriter.rewrite(path: path, keys: keys) { try stagedPath(f) }
        // A downloaded file was read whole from the store; a local one only as far as needed.
        r.bytesRead += temporary ? f.bytes : outcome.bytesRead
        r.rewritten = outcome.rewritten
        return r
    }
}
