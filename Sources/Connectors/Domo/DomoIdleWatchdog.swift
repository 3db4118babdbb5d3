import Foundation

/// "No progress for N seconds" as a timeout: `touch()` on every sign of life (response head,
/// each body chunk); if none comes for `seconds`, the guarded work is cancelled and
/// `DomoRetryable.timeout` is thrown. Unlike a deadline it never limits a download that keeps moving,
/// and unlike a socket read timeout it also covers connecting and waiting for the first byte.
final class DomoIdleWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var last = ContinuousClock.now

    func touch() {
        lock.lock()
        last = ContinuousClock.now
        lock.unlock()
    }

    private var idle: Duration {
        lock.lock()
        defer { lock.unlock() }
        return ContinuousClock.now - last
    }

    static func run<T: Sendable>(idleSeconds: Double,
                                 _ body: @escaping @Sendable (DomoIdleWatchdog) async throws -> T) async throws -> T {
        let watchdog = DomoIdleWatchdog()
        let limit = Duration.milliseconds(Int64(idleSeconds * 1000))
        let tick = UInt64(min(1, max(0.02, idleSeconds / 8)) * 1e9)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body(watchdog) }
            group.addTask {
                while watchdog.idle < limit { try await Task.sleep(nanoseconds: tick) }
                return nil  // fired
            }
            let first = try await group.next()
            group.cancelAll()
            if let value = first, let value { return value }
            throw DomoRetryable.timeout
        }
    }
}
