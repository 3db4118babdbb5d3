import Foundation

/// Work to do when the process is about to exit on a signal (see `Lake.Interruption`): aborting
/// the multipart uploads in flight, which S3 would otherwise keep, billed and invisible, until
/// a lifecycle rule removes them; removing temporary folders (spooled DOMO exports).
public enum ExitCleanup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var actions: [Int: @Sendable () async -> Void] = [:]
    nonisolated(unsafe) private static var nextToken = 0

    /// Registers `action`; the token takes it back (`unregister`) once it is no longer needed.
    public static func register(_ action: @escaping @Sendable () async -> Void) -> Int {
        lock.lock(); defer { lock.unlock() }
        nextToken += 1
        actions[nextToken] = action
        return nextToken
    }

    public static func unregister(_ token: Int) {
        lock.lock(); actions[token] = nil; lock.unlock()
    }

    /// Runs every registered action at once and waits for them, at most `timeout` seconds
    /// (a signalled process must still exit when the network does not answer).
    public static func runAll(timeout: Double) {
        lock.lock()
        let pending = Array(actions.values)
        actions = [:]
        lock.unlock()
        guard !pending.isEmpty else { return }
        let done = DispatchSemaphore(value: 0)
        // Off the cooperative pool, which the interrupted loads may be keeping busy.
        housekeepingTask {
            await withTaskGroup(of: Void.self) { group in
                for action in pending { group.addTask { await action() } }
            }
            done.signal()
        }
        _ = done.wait(timeout: .now() + timeout)
    }
}
