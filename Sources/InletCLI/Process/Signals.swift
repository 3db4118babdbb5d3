#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ObjectStore

/// What SIGINT, SIGTERM and SIGHUP do to the loads under way: `ExitCleanup` deletes the staged
/// files of every load that has not begun to publish and runs the registered actions, then
/// the process exits with 128 + the signal's number. A load already publishing is left to the
/// exit, which keeps each partition old or new, as a `kill -9` does (its staging is swept by
/// the next load of the dataset).
enum Signals {
    /// The write end of the pipe the handler writes the signal's number to: a write(2) is all a
    /// handler may safely do; the cleanup runs on a thread of its own.
    nonisolated(unsafe) private static var pipeWrite: Int32 = -1
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    /// Installs the handlers; `notice` runs once, before the exit, with the signal and the
    /// number of loads whose staging was deleted.
    static func install(_ signals: [Int32] = [SIGINT, SIGTERM, SIGHUP], notice: @escaping @Sendable (_ signal: Int32, _ cancelledLoads: Int) -> Void) {
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
                if n == 1 {
                    let signal = Int32(number)
                    notice(signal, ExitCleanup.runBeforeExit(timeout: 5))
                    _exit(128 + signal)
                }
                if n < 0 && errno == EINTR { continue }
                return // the pipe failed: signals then do nothing more than write to it
            }
        }
        thread.name = "inlet.signals"
        thread.start()
        for s in signals {
            var action = sigaction()
            #if os(Linux)
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(Signals.pipeWrite, &byte, 1)
            }
            #else
            action.__sigaction_u.__sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(Signals.pipeWrite, &byte, 1)
            }
            #endif
            // Interrupted system calls restart: the load keeps running until the cleanup exits.
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(s, &action, nil)
        }
    }
}
