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

    /// The whole pass.
    static func run(_ objects: [LandingObject], landing: any Landing, spool: Spool?, read: ReadOptions, settings: FilesSettings,
                    events: SourceEvents) async throws -> Outcome {
        let outcome = try await start(objects, landing: landing, spool: spool, read: read, settings: settings, events: events).outcome()
        events.phaseEnded("scan")
        return outcome
    }

    /// The pass, running on its own: its state tells what is folded so far. With
    /// `speculation`, the plan of the first objects in key order that hold `afterBytes` of the
    /// input is taken for a pass 2 to follow the scan under (`ScanState`), when `always`, or
    /// when the readers waited for downloads at least `FilesSpeculation.networkBound` of their time until then.
    static func start(_ objects: [LandingObject], landing: any Landing, spool: Spool?, read: ReadOptions, settings: FilesSettings,
                      events: SourceEvents, speculation: (afterBytes: Int64, always: Bool, plan: (FilesUnion) throws -> DatasetPlan)? = nil) -> RunningScan {
        let workers = min(max(1, ProcessInfo.processInfo.activeProcessorCount), objects.count)
        // A load that speculates from the start shows one bar; one that may is renamed if it does.
        let progress = FilesProgress(phase: speculation?.always == true ? "load" : "scan", objects: objects, events: events)
        let prefetch = spool.map { spool in
            Prefetcher(landing: landing, objects: Array(objects.enumerated()).map { ($0.offset, $0.element) }, spool: spool,
                       concurrency: settings.concurrency, window: settings.concurrency + workers) { progress.add(bytes: $0) }
        }
        let worth = { [events] () -> Bool in
            guard let speculation else { return false }
            if speculation.always { return true }
            let share = prefetch?.waitShare(readers: workers) ?? 0
            let percent = Int((share * 100).rounded())
            events.detail(share >= FilesSpeculation.networkBound
                ? "pass 1 waited for downloads \(percent)% of its time: the network bounds this load"
                : "pass 1 waited for downloads \(percent)% of its time: the CPU bounds this load, pass 2 waits for pass 1")
            return share >= FilesSpeculation.networkBound
        }
        let state = ScanState(objects: objects, union: FilesUnion(csv: read.csvInference, json: read.json), hiveColumns: settings.hiveColumns,
                              speculation: speculation.map { ($0.afterBytes, $0.plan, worth) }, detail: events.detail)
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0 ..< workers {
                    group.addTask {
                        // Scanning blocks on its parse jobs: a thread of its own (see `runBlocking`).
                        try? await runBlocking {
                            while let i = state.take() {
                                scan(i, objects[i], landing: landing, spool: spool, prefetch: prefetch, read: read, settings: settings,
                                     state: state, progress: progress)
                            }
                        }
                    }
                }
            }
            prefetch?.cancel()
            state.end()
        }
        return RunningScan(state: state, task: task, prefetch: prefetch, progress: progress)
    }

    private static func scan(_ i: Int, _ object: LandingObject, landing: any Landing, spool: Spool?, prefetch: Prefetcher?,
                             read: ReadOptions, settings: FilesSettings, state: ScanState, progress: FilesProgress) {
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
                // The objects before it are still read, so the error named is the first in key
                // order, whichever worker met its own first.
                state.fail(i, wrapped)
                return
            }
            state.deliver(i, .skipped(reason: "\(wrapped)"))
        }
        progress.finished(i)
    }
}

/// Pass 1 while it runs: what is folded so far, waited for by a pass 2 that runs beside it.
final class RunningScan: @unchecked Sendable {
    let state: ScanState
    /// Pass 1's bar: `scan`, or `load` when pass 2 runs beside it.
    let progress: FilesProgress
    private let task: Task<Void, Never>
    private let prefetch: Prefetcher?

    init(state: ScanState, task: Task<Void, Never>, prefetch: Prefetcher?, progress: FilesProgress) {
        self.state = state
        self.task = task
        self.prefetch = prefetch
        self.progress = progress
    }

    /// After every object: the union and the readings, or the first failure in key order.
    func outcome() async throws -> FilesScan.Outcome {
        // The workers run in a task of their own: a cancelled load stops them here.
        await withTaskCancellationHandler { await task.value } onCancel: { [state, prefetch] in
            state.stopTaking()
            prefetch?.cancel()
        }
        try Task.checkCancellation()
        if let error = state.firstFailure { throw error }
        return state.outcome
    }

    /// Takes no more objects, wakes the downloads' waiters and waits for the workers to stop.
    func stop() async {
        state.stopTaking()
        prefetch?.cancel()
        await task.value
    }
}

/// The workers' shared state: the next object to take, and the fold in key order. A pass 2
/// that runs beside the scan waits here for each object (`reading(at:)`), and the speculation it
/// converts under is checked against every object folded.
final class ScanState: @unchecked Sendable {
    enum Result {
        case read(ObjectReading, ObjectStats, kept: Bool)
        case skipped(reason: String)
    }

    private let lock = NSCondition()
    private let objects: [LandingObject]
    private let hiveColumns: Bool
    private let detail: @Sendable (String) -> Void
    private var next = 0
    private var stopped = false
    private var ended = false
    private var pending: [Int: Result] = [:]
    private var folded = 0
    private var foldedBytes: Int64 = 0
    private var result: FilesScan.Outcome
    private var failures: [Int: Error] = [:]
    /// How a plan is made, after how many bytes folded the first speculation's is taken, and
    /// whether it is worth taking then.
    private let speculation: (afterBytes: Int64, plan: (FilesUnion) throws -> DatasetPlan, worth: () -> Bool)?
    /// The plans pass 2 converts under before every object is read, one per attempt: the
    /// first objects', then after each miss the plan of the objects up to the one that missed.
    /// None until taken, or when the first objects have no plan (the classic path tells why).
    private var attempts: [DatasetPlan] = []
    private var speculationDecided = false
    /// Why each attempt stopped holding: the first object that changed its plan.
    private var misses: [String] = []
    /// Speculative attempts at most; after the last one misses, pass 2 waits for pass 1.
    static let maxAttempts = 3

    init(objects: [LandingObject], union: FilesUnion, hiveColumns: Bool,
         speculation: (afterBytes: Int64, plan: (FilesUnion) throws -> DatasetPlan, worth: () -> Bool)? = nil,
         detail: @escaping @Sendable (String) -> Void) {
        self.objects = objects
        self.hiveColumns = hiveColumns
        self.speculation = speculation
        self.detail = detail
        result = FilesScan.Outcome(union: union, readings: [], kept: [], skipped: [], warnings: [])
    }

    func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard !stopped, next < objects.count else { return nil }
        next += 1
        return next - 1
    }

    /// Object `i` failed the load: no more objects are taken.
    func fail(_ i: Int, _ error: Error) {
        lock.lock(); defer { lock.unlock() }
        stopped = true
        failures[i] = error
        lock.broadcast()
    }

    func stopTaking() { lock.lock(); stopped = true; lock.unlock() }

    /// The workers are done.
    func end() { lock.lock(); ended = true; lock.broadcast(); lock.unlock() }

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
                checkSpeculation(after: reading.object.url)
            case let .skipped(reason):
                result.skipped.append((objects[folded].url, reason))
            }
            foldedBytes += objects[folded].size
            folded += 1
            if let speculation, !speculationDecided, foldedBytes >= speculation.afterBytes || folded == objects.count {
                // In key order, so which objects the plan comes from depends on the input alone.
                speculationDecided = true
                if speculation.worth(), let plan = try? speculation.plan(result.union) { attempts = [plan] }
            }
        }
        lock.broadcast()
    }

    var outcome: FilesScan.Outcome { lock.lock(); defer { lock.unlock() }; return result }

    // MARK: Following the scan

    /// The first speculation's plan once taken; nil when the scan failed or ended first, the
    /// first objects have no plan, or speculating is not worth it.
    func waitForSpeculation() -> DatasetPlan? {
        lock.lock(); defer { lock.unlock() }
        while !speculationDecided && !ended && failures.isEmpty { lock.wait() }
        return failures.isEmpty ? attempts.first : nil
    }

    /// An object folded while an attempt holds: a plan it changes ends the attempt, and (up to
    /// `maxAttempts`) the next one converts under the plan with it.
    private func checkSpeculation(after url: String) {
        guard let make = speculation?.plan, let plan = attempts.last, misses.count < attempts.count else { return }
        do {
            let now = try make(result.union)
            guard let change = now.difference(from: plan) else { return }
            misses.append("\(url): \(change)")
            if attempts.count < Self.maxAttempts { attempts.append(now) }
        } catch {
            misses.append("\(url): \(error)")
        }
    }

    /// Why attempt `attempt` stopped holding, once an object changed its plan.
    func missed(attempt: Int) -> String? {
        lock.lock(); defer { lock.unlock() }
        return attempt < misses.count ? misses[attempt] : nil
    }

    /// The plan of attempt `attempt`, when there is one.
    func plan(attempt: Int) -> DatasetPlan? {
        lock.lock(); defer { lock.unlock() }
        return attempt < attempts.count ? attempts[attempt] : nil
    }

    /// The `position`-th object read, in key order, once folded; nil after the last. Throws
    /// the scan's failure, or `SpeculationMissed` once an object changed the plan of `attempt`.
    func reading(at position: Int, attempt: Int) throws -> ObjectReading? {
        lock.lock(); defer { lock.unlock() }
        while misses.count <= attempt && result.readings.count <= position && !ended { lock.wait() }
        if attempt < misses.count { throw SpeculationMissed(reason: misses[attempt]) }
        if position < result.readings.count { return result.readings[position] }
        if let error = failures.min(by: { $0.key < $1.key })?.value { throw error }
        return nil
    }

    /// The same without waiting: nil when not folded yet.
    func readingIfFolded(at position: Int, attempt: Int) -> ObjectReading? {
        lock.lock(); defer { lock.unlock() }
        return misses.count <= attempt && position < result.readings.count ? result.readings[position] : nil
    }
}

/// An object read after pass 2 started changed the dataset's plan: the batches converted so
/// far are discarded and pass 2 starts again under every object's types.
struct SpeculationMissed: Error, CustomStringConvertible {
    let reason: String
    var description: String { "the dataset's types changed with \(reason)" }
}
