import Connectors
import Foundation
import Lake
import Pipelines

/// A job's events on the console: a progress bar per phase of reading (`scan`, `load`,
/// `write`, `download`), notes under `-v`, warnings. `prefix` labels a pipeline's lines when
/// several run; `bars` false keeps bars off when they would interleave.
final class ConsoleEvents: @unchecked Sendable {
    private let console: Console
    private let prefix: String
    private let bars: Bool
    private let lock = NSLock()
    private var current: (phase: String, bar: Progress)?

    init(console: Console, prefix: String = "", bars: Bool = true) {
        self.console = console
        self.prefix = prefix
        self.bars = bars
    }

    var events: LoadEvents {
        LoadEvents(source: SourceEvents(
            progress: { [self] phase, bytes, total, rows in progress(phase, bytes, total, rows) },
            objects: { [self] phase, done, total in objects(phase, done, total) },
            phaseEnded: { [self] phase in end(phase) },
            detail: { [self] line in console.detail(prefix + line) },
            warning: { [self] line in console.warning(prefix + line) }))
    }

    /// The last count of objects done, for a bar made after it arrived.
    private var objectCounts: (phase: String, done: Int, total: Int)?

    private func progress(_ phase: String, _ bytes: Int64, _ total: Int64?, _ rows: Int64) {
        guard bars else { return }
        lock.lock()
        if current?.phase != phase {
            current?.bar.finish()
            current = (phase, Progress(label: prefix + phase, totalBytes: total ?? 0, console: console))
            // Objects counted before the phase's first bytes (0 of N at its start) show from its first line.
            if let o = objectCounts, o.phase == phase { current!.bar.setObjects(done: o.done, total: o.total) }
        }
        let bar = current!.bar
        lock.unlock()
        bar.update(bytes: bytes, rows: rows)
    }

    /// Objects done of all, shown on the phase's bar.
    private func objects(_ phase: String, _ done: Int, _ total: Int) {
        lock.lock()
        objectCounts = (phase, done, total)
        let bar = current?.phase == phase ? current?.bar : nil
        lock.unlock()
        bar?.setObjects(done: done, total: total)
    }

    private func end(_ phase: String) {
        lock.lock(); defer { lock.unlock() }
        guard current?.phase == phase else { return }
        current?.bar.finish()
        current = nil
    }

    /// Clears a bar left on the line (a failed load).
    func finish() {
        lock.lock(); defer { lock.unlock() }
        current?.bar.finish()
        current = nil
    }
}
