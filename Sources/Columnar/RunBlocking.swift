import Foundation

/// Runs blocking work on a thread of its own while the calling task suspends.
///
/// On Linux, Swift tasks and Dispatch's global queues share one pool of about one thread per
/// core. Pass 1's loop mostly waits on its parse jobs; waiting on a pool thread would take one
/// of the threads its parse jobs need. Pass 2's loop stays on the pool: it encodes most of the
/// time, and beside the parse threads it would only oversubscribe the cores
/// (docs/PERFORMANCE.md). A load's final sync waits on the disk here while its files are verified.
public func runBlocking<T>(_ body: @escaping () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, Error>) in
        let thread = Thread { done.resume(with: Result { try body() }) }
        // What pool threads get: parsing recurses little, but a small default stack would be a trap.
        thread.stackSize = 8 << 20
        thread.start()
    }
}
