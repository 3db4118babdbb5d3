import Columnar
import Foundation
import ObjectStore
import Synchronization

/// Rows and bytes the parts have decoded, added once per batch by each reader thread and read
/// by the consumer for progress: atomics, no lock on the row path. And each part's largest
/// cursor value, added once as the part ends.
final class PGReadCounters: Sendable {
    private let rowCount = Atomic<Int64>(0)
    private let byteCount = Atomic<Int64>(0)
    private let cursorMaxes = Mutex<[Int64]>([])

    func partEnded(cursorMax: Int64?) {
        if let cursorMax { cursorMaxes.withLock { $0.append(cursorMax) } }
    }

    var cursorMax: Int64? { cursorMaxes.withLock { $0.max() } }

    func add(rows: Int, bytes: Int) {
        rowCount.add(Int64(rows), ordering: .relaxed)
        byteCount.add(Int64(bytes), ordering: .relaxed)
    }

    var rows: Int64 { rowCount.load(ordering: .relaxed) }
    var bytes: Int64 { byteCount.load(ordering: .relaxed) }
}

/// Batches from several reader threads to the one load that consumes them, at most `capacity`
/// waiting: a slow lake slows the readers (and so the server), memory stays bounded.
final class PGBatchQueue: @unchecked Sendable {
    private let cond = NSCondition()
    private var items: [RecordBatch] = []
    private let capacity: Int
    private var producers: Int
    private var failure: Error?
    private var closed = false

    init(producers: Int, capacity: Int) {
        self.producers = producers
        self.capacity = capacity
    }

    /// Waits for room; throws `CancellationError` once the consumer closed the queue.
    func push(_ b: RecordBatch) throws {
        cond.lock(); defer { cond.unlock() }
        while items.count >= capacity && !closed && failure == nil { cond.wait() }
        if closed || failure != nil { throw CancellationError() }
        items.append(b)
        cond.broadcast()
    }

    /// A producer ended; its error (the first one) ends the whole read.
    func done(_ error: Error?) {
        cond.lock(); defer { cond.unlock() }
        producers -= 1
        if let error, failure == nil, !(error is CancellationError) { failure = error }
        cond.broadcast()
    }

    /// The next batch; nil when every producer is done.
    func pop() throws -> RecordBatch? {
        cond.lock(); defer { cond.unlock() }
        while items.isEmpty && producers > 0 && failure == nil { cond.wait() }
        if let failure { throw failure }
        if items.isEmpty { return nil }
        let b = items.removeFirst()
        cond.broadcast()
        return b
    }

    /// The consumer stops: producers fail their next push.
    func close() {
        cond.lock(); closed = true; cond.broadcast(); cond.unlock()
    }

}

/// The threads reading one load's parts, each over its own connection of the shared snapshot.
final class PGPartReaders: @unchecked Sendable {
    let queue: PGBatchQueue
    private let connections: [PGConnection]
    private var threads: [Thread] = []
    private let finished = DispatchGroup()
    private let counters = PGReadCounters()
    private var cancelToken: Int?

    /// `parts[i]` is read by `connections[i]`.
    init(connections: [PGConnection], parts: [String], plan: PGLoadPlan, infinityAsNull: Bool) {
        self.connections = connections
        queue = PGBatchQueue(producers: parts.count, capacity: 2 * parts.count + 1)
        let keys = plan.primaryKey.compactMap { k in plan.columns.firstIndex { $0.name == k } }
        for (i, sql) in parts.enumerated() {
            let queue = self.queue, counters = self.counters, finished = self.finished
            let conn = connections[i]
            finished.enter()
            let thread = Thread {
                // The decoder lives on this thread's stack: no sharing, no locks per row.
                var decoder = PGCopyDecoder(plans: plan.columns, schema: plan.schema, infinityAsNull: infinityAsNull, keyColumns: keys,
                                            cursorColumn: plan.cursorColumn) { batch, bytes in
                    counters.add(rows: batch.rowCount, bytes: bytes)
                    try queue.push(batch)
                }
                var failure: Error?
                do {
                    try conn.copyOut(sql) { try decoder.feed($0) }
                    try decoder.finish()
                } catch {
                    failure = error
                }
                counters.partEnded(cursorMax: decoder.cursorMax)
                queue.done(failure)
                finished.leave()
            }
            thread.name = "inlet.pg.\(i)"
            thread.stackSize = 1 << 20
            threads.append(thread)
        }
        // Ctrl-C: the server stops the queries too (a CancelRequest each), not only this process.
        cancelToken = ExitCleanup.register { [connections] in
            for c in connections { try? c.cancel() }
        }
    }

    func start() { threads.forEach { $0.start() } }

    /// Of the batches handed over so far: per-batch accounting, so the row path takes no lock.
    var bytesRead: Int64 { counters.bytes }
    var rowsRead: Int64 { counters.rows }

    /// The largest cursor value any part saw (read once every part has ended).
    var cursorMax: Int64? { counters.cursorMax }

    /// Stops every part (cancelling its query) and waits for the threads.
    func stop() {
        if let t = cancelToken { ExitCleanup.unregister(t); cancelToken = nil }
        queue.close()
        if finished.wait(timeout: .now() + 0.2) == .timedOut {
            for c in connections { try? c.cancel() }
            if finished.wait(timeout: .now() + 10) == .timedOut { connections.forEach { $0.interrupt() } }
            _ = finished.wait(timeout: .now() + 10)
        }
    }
}
