#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ObjectStore

/// What SIGINT, SIGTERM and SIGHUP do to the loads under way once `install` ran (the
/// command-line tool calls it; a library caller keeps its own handling).
///
/// The staged files of every load that has not begun to publish are deleted, then the process
/// exits with 128 + the signal's number: Ctrl-C leaves no half-written files behind and the
/// lake as it was. A load already publishing is left to the exit, which keeps each partition
/// old or new, as a `kill -9` does (its staging is swept by the next load of the dataset); its
/// multipart uploads in flight are aborted (`ExitCleanup`, at most 5 s).
/// Deleting the staging of a load that is moving it into place would be unsafe, so a load
/// registers its staging (`staged`) and takes it back (`release`) when it begins to publish,
/// under the lock the cleanup holds until the exit.
public enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var folders: Set<String> = []
    nonisolated(unsafe) private static var installed = false
    /// The write end of the pipe the signal handler writes the signal's number to: a write(2)
    /// is all a handler may safely do; the cleanup runs on a thread of its own.
    nonisolated(unsafe) private static var pipeWrite: Int32 = -1

    /// Installs the handlers; `notice` runs (once, on the cleanup thread) before the exit, with
    /// the signal and the number of loads whose staging was deleted.
    public static func install(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP], notice: @escaping @Sendable (_ signal: Int32, _ cancelledLoads: Int) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        installed = true
        pipeWrite = fds[1]
        let readFD = fds[0]
        let thread = Thread {
            var number: UInt8 = 0
            while true {
                let n = read(readFD, &number, 1)
                if n == 1 { interrupted(by: Int32(number), notice: notice) }
                if n < 0 && errno == EINTR { continue }
                return // the pipe failed: signals then do nothing more than write to it
            }
        }
        thread.name = "inlet.interruption"
        thread.start()
        for s in signals {
            var action = sigaction()
            #if os(Linux)
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(Interruption.pipeWrite, &byte, 1)
            }
            #else
            action.__sigaction_u.__sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(Interruption.pipeWrite, &byte, 1)
            }
            #endif
            // Interrupted system calls restart: the load keeps running until the cleanup exits.
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(s, &action, nil)
        }
    }

    /// A load's staging folder, deleted on a signal until `release` takes it back.
    static func staged(_ folder: String) {
        lock.lock(); folders.insert(folder); lock.unlock()
    }

    /// The load begins to publish (or has ended): a signal no longer deletes its staging. Waits
    /// (forever) while a cleanup runs, so no publish begins under it.
    static func release(_ folder: String) {
        lock.lock(); folders.remove(folder); lock.unlock()
    }

    private static func interrupted(by number: Int32, notice: @Sendable (Int32, Int) -> Void) -> Never {
        lock.lock() // held until the exit
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        ExitCleanup.runAll(timeout: 5)
        notice(number, folders.count)
        _exit(128 + number)
    }
}
