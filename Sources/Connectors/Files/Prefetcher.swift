import Foundation

/// Downloads a list of objects in order into the spool, up to `concurrency` at once and at most
/// `window` ahead of what the readers have released, so disk use stays bounded while the
/// network and the parsing overlap. Readers (threads, not tasks: they block) wait for an
/// object with `path(for:)` and hand it back with `release`.
final class Prefetcher: @unchecked Sendable {
    private let landing: any Landing
    private let objects: [(index: Int, object: LandingObject)]
    private let spool: Spool
    private let received: @Sendable (Int64) -> Void
    private let lock = NSCondition()
    private var ready: [Int: String] = [:]
    private var failed: [Int: Error] = [:]
    private var cancelled = false
    private let windowSlots: DispatchSemaphore
    private let downloadSlots: DispatchSemaphore
    private let started = Date()
    /// Seconds readers spent waiting in `path(for:)`.
    private var waited: TimeInterval = 0

    /// `objects`: (the object's number in the load, the object), in the order readers want them.
    init(landing: any Landing, objects: [(index: Int, object: LandingObject)], spool: Spool, concurrency: Int, window: Int,
         received: @escaping @Sendable (Int64) -> Void) {
        self.landing = landing
        self.objects = objects
        self.spool = spool
        self.received = received
        windowSlots = DispatchSemaphore(value: max(1, window))
        downloadSlots = DispatchSemaphore(value: max(1, concurrency))
        let thread = Thread { [self] in drive() }
        thread.start()
    }

    /// The driver waits on semaphores, so it is a thread of its own rather than a task.
    private func drive() {
        for (index, object) in objects {
            windowSlots.wait()
            downloadSlots.wait()
            lock.lock()
            let stop = cancelled
            lock.unlock()
            if stop { downloadSlots.signal(); return }
            let path = spool.path(index: index, key: object.key)
            let (landing, received) = (self.landing, self.received)
            Task {
                let outcome: Result<Void, Error>
                do {
                    try await landing.download(object, to: path, received: received)
                    outcome = .success(())
                } catch {
                    outcome = .failure(error)
                }
                self.downloadSlots.signal()
                self.downloaded(index, path: path, outcome)
            }
        }
    }

    private func downloaded(_ index: Int, path: String, _ outcome: Result<Void, Error>) {
        lock.lock()
        switch outcome {
        case .success: ready[index] = path
        case let .failure(e): failed[index] = e
        }
        lock.broadcast()
        lock.unlock()
    }

    /// The local file of object `index`, once downloaded; throws its download's error.
    func path(for index: Int) throws -> String {
        lock.lock(); defer { lock.unlock() }
        if ready[index] == nil && failed[index] == nil && !cancelled {
            let since = Date()
            while ready[index] == nil && failed[index] == nil && !cancelled { lock.wait() }
            waited += Date().timeIntervalSince(since)
        }
        if let e = failed[index] { throw e }
        if cancelled { throw CancellationError() }
        return ready[index]!
    }

    /// The share of `readers`' time so far spent waiting for downloads: near 1 when the network
    /// bounds the load, near 0 when the readers (the CPU) do.
    func waitShare(readers: Int) -> Double {
        lock.lock(); defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(started) * Double(max(1, readers))
        return elapsed > 0 ? min(1, waited / elapsed) : 0
    }

    /// The reader is done with object `index`: its file goes unless `keep`, and the next download may start.
    func release(_ index: Int, keep: Bool) {
        lock.lock()
        let path = ready.removeValue(forKey: index)
        failed[index] = nil
        lock.unlock()
        if let path, !keep { unlink(path) }
        windowSlots.signal()
    }

    /// Stops starting downloads and wakes every waiter; downloads in flight finish into the spool.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        lock.unlock()
        for _ in 0 ..< objects.count { windowSlots.signal(); downloadSlots.signal() }
    }
}
