import Columnar
import Delimited
import Foundation
import JSON
import Parquet

/// Pass 1 of a files source: each object downloaded (S3) and scanned on all cores, its
/// statistics folded into the dataset's union in key order as they come (so memory holds a
/// few objects' statistics, not all of them). A corrupt object fails the load, or under
/// `bad_files: skip` is left out and listed.
enum FilesScan {
    struct Outcome {
        var union: FilesUnion
        /// The objects read, in key order (skipped ones left out).
        var readings: [ObjectReading]
        /// Numbers of the objects whose download stays in the spool for pass 2.
        var kept: Set<Int>
        var skipped: [(url: String, reason: String)]
        var warnings: [String]
    }

    static func run(_ objects: [LandingObject], landing: any Landing, spool: Spool?, read: ReadOptions, settings: FilesSettings,
                    events: SourceEvents) async throws -> Outcome {
        let workers = min(max(1, ProcessInfo.processInfo.activeProcessorCount), objects.count)
        let progress = FilesProgress(phase: "scan", objects: objects, events: events)
        let prefetch = spool.map { spool in
            Prefetcher(landing: landing, objects: Array(objects.enumerated()).map { ($0.offset, $0.element) }, spool: spool,
                       concurrency: settings.concurrency, window: settings.concurrency + workers) { progress.add(bytes: $0) }
        }
        let state = ScanState(objects: objects, union: FilesUnion(csv: read.csvInference, json: read.json),
                              hiveColumns: settings.hiveColumns, detail: events.detail)
        defer { prefetch?.cancel() }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0 ..< workers {
                    group.addTask {
                        // Scanning blocks on its parse jobs: a thread of its own (see `runBlocking`).
                        try await runBlocking {
                            while let i = state.take() {
                                let object = objects[i]
                                do {
                                    let path = try prefetch?.path(for: i) ?? object.key
                                    let (reading, stats) = try read.scan(object, index: i, path: path) { bytes, rows in
                                        progress.scanned(i, bytes: landing.isLocal ? bytes : nil, rows: rows)
                                    }
                                    let keep = spool?.keep(object.size) ?? true
                                    prefetch?.release(i, keep: keep)
                                    state.deliver(i, .read(reading, stats, kept: keep))
                                } catch {
                                    prefetch?.release(i, keep: false)
                                    let wrapped = FilesObjectError.wrap(error, url: object.url, path: spool?.path(index: i, key: object.key))
                                    guard settings.badFiles == .skip, FilesObjectError.isBadObject(error) else {
                                        // The objects before it are still read, so the error named is
                                        // the first in key order, whichever worker met its own first.
                                        state.fail(i, wrapped)
                                        continue
                                    }
                                    state.deliver(i, .skipped(reason: "\(wrapped)"))
                                }
                                progress.finished(i)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        if let error = state.firstFailure { throw error }
        events.phaseEnded("scan")
        return state.outcome
    }
}

/// The workers' shared state: the next object to take, and the fold in key order.
private final class ScanState: @unchecked Sendable {
    enum Result {
        case read(ObjectReading, ObjectStats, kept: Bool)
        case skipped(reason: String)
    }

    private let lock = NSLock()
    private let objects: [LandingObject]
    private let hiveColumns: Bool
    private let detail: @Sendable (String) -> Void
    private var next = 0
    private var stopped = false
    private var pending: [Int: Result] = [:]
    private var folded = 0
    private var result: FilesScan.Outcome

    init(objects: [LandingObject], union: FilesUnion, hiveColumns: Bool, detail: @escaping @Sendable (String) -> Void) {
        self.objects = objects
        self.hiveColumns = hiveColumns
        self.detail = detail
        result = FilesScan.Outcome(union: union, readings: [], kept: [], skipped: [], warnings: [])
    }

    func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard !stopped, next < objects.count else { return nil }
        next += 1
        return next - 1
    }

    private var failures: [Int: Error] = [:]

    /// Object `i` failed the load: no more objects are taken.
    func fail(_ i: Int, _ error: Error) { lock.lock(); stopped = true; failures[i] = error; lock.unlock() }

    /// The failure of the first failed object in key order.
    var firstFailure: Error? { lock.lock(); defer { lock.unlock() }; return failures.min { $0.key < $1.key }?.value }

    /// Object `i` is read: it and every object after it already read fold into the union, in order.
    func deliver(_ i: Int, _ r: Result) {
        lock.lock(); defer { lock.unlock() }
        pending[i] = r
        while let r = pending.removeValue(forKey: folded) {
            switch r {
            case let .read(reading, stats, kept):
                result.union.add(reading, stats, hiveColumns: hiveColumns, detail: detail)
                result.readings.append(reading)
                if kept { result.kept.insert(reading.index) }
                for rename in reading.csvReader?.headerRenames ?? [] {
                    result.warnings.append("\(reading.object.url): column \(rename.position) header '\(rename.original)' renamed to '\(rename.renamed)'")
                }
            case let .skipped(reason):
                result.skipped.append((objects[folded].url, reason))
            }
            folded += 1
        }
    }

    var outcome: FilesScan.Outcome { lock.lock(); defer { lock.unlock() }; return result }
}
