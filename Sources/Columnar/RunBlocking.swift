import Foundation

/// Runs blocking work on a thread of its own while the calling task suspends.
///
/// On Linux, Swift tasks and Dispatch's global queues share one pool of about one thread per
/// core. Pass 1's loop mostly waits on its parse jobs; waiting on a pool thread took one of
/// the two threads here, and the parse jobs queued behind it ran on the other alone (usage 2M
/// upload: 2.29 → 1.98 s once it waited elsewhere). Pass 2's loop stays on the pool: it encodes
/// most of the time, and beside two parse threads it would only oversubscribe the cores
/// (measured 3–4% slower). A load's final sync waits on the disk here while its files are verified.
public func runBlocking<T>(_ body: @escaping () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, Error>) in
        let thread = Thread { done.resume(with: Result { try body() }) }
        // What pool threads get: parsing recurses little, but a small default stack would be a trap.
        thread.stackSize = 8 << 20
        thread.start()
    }
}
