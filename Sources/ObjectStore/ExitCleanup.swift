import Foundation

/// What to undo when the process is about to exit on a signal. The library layers register
/// here; the command line's signal handling (`InletCLI/Process/Signals.swift`) runs it.
///
/// - Staging folders of loads that have not begun to publish are deleted, so Ctrl-C leaves no
///   half-written files. A load takes its folder back (`keep`) when it begins to publish, which
///   waits while a cleanup runs, so no publish begins under it.
/// - Actions run at once: aborting multipart uploads in flight (S3 would otherwise keep them,
///   billed and invisible), releasing dataset leases, removing spooled exports.
public enum ExitCleanup {
    private static let lock = NSLock()
    /// Guards `folders`; held from a cleanup until the exit, so no publish begins under it.
    private static let folderLock = NSLock()
    nonisolated(unsafe) private static var actions: [Int: @Sendable () async -> Void] = [:]
    nonisolated(unsafe) private static var nextToken = 0
    nonisolated(unsafe) private static var folders: Set<String> = []

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

    /// A folder to delete on a signal until `keep` takes it back.
    public static func deleteOnSignal(_ folder: String) {
        folderLock.lock(); folders.insert(folder); folderLock.unlock()
    }

    /// The folder is no longer deleted on a signal. Waits (forever) while a cleanup runs.
    public static func keep(_ folder: String) {
        folderLock.lock(); folders.remove(folder); folderLock.unlock()
    }

    /// Deletes the registered folders and runs every action at once, waiting at most `timeout`
    /// seconds for them (a signalled process must still exit when the network does not answer).
    /// Returns how many folders it deleted. The folders stay locked: call it only right before
    /// the process exits.
    public static func runBeforeExit(timeout: Double) -> Int {
        folderLock.lock()
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        // The actions may unregister themselves: they run with `lock` free.
        lock.lock()
        let pending = Array(actions.values)
        actions = [:]
        lock.unlock()
        if !pending.isEmpty {
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
        return folders.count
    }
}
