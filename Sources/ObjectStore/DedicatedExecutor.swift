import Foundation

/// A task executor with a thread of its own, for work that must not wait for the cooperative
/// pool: a load converts on as many pool threads as there are cores (several loads with
/// `--concurrency`), and a lease renewal, or the cleanup after a signal, queued behind them
/// would come too late.
@available(macOS 15.0, *)
final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    /// One thread for the process's housekeeping: lease renewals (a few small requests every
    /// TTL/4) and `ExitCleanup`.
    static let housekeeping = DedicatedExecutor(name: "inlet.housekeeping")

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(name: String) {
        let thread = Thread { [unowned self] in self.run() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Starts `body` on the housekeeping thread (on systems without task executors, as a plain task).
@discardableResult
public func housekeepingTask<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Task<T, Error> {
    if #available(macOS 15.0, *) { return Task(executorPreference: DedicatedExecutor.housekeeping, operation: body) }
    return Task(operation: body)
}
