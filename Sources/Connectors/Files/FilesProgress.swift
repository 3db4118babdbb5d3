import Foundation

/// Objects done of all, bytes and rows, for the progress display; from any thread.
final class FilesProgress: @unchecked Sendable {
    private var phase: String
    private let events: SourceEvents
    private let lock = NSLock()
    private let total: Int64
    private let count: Int
    private var bytes: Int64 = 0
    private var partial: [Int: Int64] = [:]
    private var rowsDone: Int64 = 0
    private var rowsPartial: [Int: Int64] = [:]
    private var done = 0

    init(phase: String, objects: [LandingObject], events: SourceEvents) {
        self.phase = phase
        self.events = events
        total = objects.reduce(0) { $0 + $1.size }
        count = objects.count
        events.objects(phase, 0, count)
    }

    /// Bytes that arrived (downloads).
    func add(bytes n: Int64) {
        lock.lock()
        bytes += n
        let (b, r, phase) = (bytes + partial.values.reduce(0, +), rowsDone + rowsPartial.values.reduce(0, +), self.phase)
        lock.unlock()
        events.progress(phase, b, total, r)
    }

    /// Object `i` read so far: `bytes` of its file (nil when downloads count the bytes), `rows`.
    func scanned(_ i: Int, bytes read: Int64?, rows: Int64) {
        lock.lock()
        if let read { partial[i] = read }
        rowsPartial[i] = rows
        let (b, r, phase) = (bytes + partial.values.reduce(0, +), rowsDone + rowsPartial.values.reduce(0, +), self.phase)
        lock.unlock()
        events.progress(phase, b, total, r)
    }

    func finished(_ i: Int) {
        lock.lock()
        if let b = partial.removeValue(forKey: i) { bytes += b }
        rowsDone += rowsPartial.removeValue(forKey: i) ?? 0
        done += 1
        let (d, phase) = (done, self.phase)
        lock.unlock()
        events.objects(phase, d, count)
    }

    /// The same counts go on under another phase's bar (pass 1 becomes the whole load's).
    func rename(_ new: String) {
        lock.lock()
        let (old, d) = (phase, done)
        phase = new
        lock.unlock()
        guard old != new else { return }
        events.phaseEnded(old)
        events.objects(new, d, count)
    }
}
