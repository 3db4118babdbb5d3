#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Starts writing staged data to disk while the load is still computing, so the sync before
/// publishing finds little left to do. The kernel would hold it dirty for 30 s otherwise
/// (`dirty_expire_centisecs`), and the final sync then waited on the whole output with both
/// cores idle. One thread runs syncfs(2) of the staging file system whenever kicked; kicks
/// during a sync coalesce into one more.
final class BackgroundWriteback: @unchecked Sendable {
    private let cond = NSCondition()
    private var kicked = false
    private var stopped = false
    private var exited = false
    /// Syncs run so far (for tests).
    private(set) var syncs = 0
    private let fd: Int32

    /// Nil where syncfs is unavailable or the folder cannot be opened.
    init?(folder: String) {
        #if os(Linux)
        guard StagingArea.syncfsSymbol != nil else { return nil }
        fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let thread = Thread { [self] in run() }
        thread.name = "inlet.writeback"
        thread.start()
        #else
        return nil
        #endif
    }

    /// Asks for a sync soon; never blocks.
    func kick() {
        cond.lock(); kicked = true; cond.signal(); cond.unlock()
    }

    /// Ends the thread (a sync under way finishes first, on its own).
    func stop() {
        cond.lock(); stopped = true; cond.signal(); cond.unlock()
    }

    private func run() {
        #if os(Linux)
        typealias SyncFS = @convention(c) (Int32) -> Int32
        let syncfs = unsafeBitCast(StagingArea.syncfsSymbol!, to: SyncFS.self)
        while true {
            cond.lock()
            while !kicked && !stopped { cond.wait() }
            let stop = stopped
            kicked = false
            cond.unlock()
            if stop { break }
            // Errors do not matter here: the sync before publishing checks durability.
            _ = syncfs(fd)
            cond.lock(); syncs += 1; cond.broadcast(); cond.unlock()
        }
        Glibc.close(fd)
        #endif
        cond.lock(); exited = true; cond.broadcast(); cond.unlock()
    }

    /// Waits until `syncs` reaches `count`, the thread has exited or `timeout` passed; the
    /// syncs run (for tests).
    func waitForSyncs(_ count: Int, timeout: TimeInterval) -> Int {
        let deadline = Date(timeIntervalSinceNow: timeout)
        cond.lock(); defer { cond.unlock() }
        while syncs < count && !exited && cond.wait(until: deadline) {}
        return syncs
    }

    /// Waits until the thread has exited (for tests).
    func waitUntilStopped() {
        cond.lock(); defer { cond.unlock() }
        while !exited { cond.wait() }
    }
}
