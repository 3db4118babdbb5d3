import Connectors
import Foundation
import Testing

extension FilesSourceTests {
    /// Four times as many files sources as the machine has cores, each with its S3 client,
    /// close at once. Each awaits its client's shutdown; a close that blocked its thread on
    /// that shutdown instead would take every thread of the concurrency pool, leave none to run
    /// the shutdowns, and never return: the watchdog then stops the test process with a message
    /// (a deadlock cannot be failed from inside the pool it starves).
    @Test func manySourcesCloseAtOnceWithoutStarvingThePool() async throws {
        let server = try S3TestServer.shared()
        let count = 4 * max(2, ProcessInfo.processInfo.activeProcessorCount)
        var sources: [FilesSource] = []
        for _ in 0 ..< count {
            var settings = FilesSettings(urls: ["s3://\(server.bucket)/close-\(UUID().uuidString.prefix(8).lowercased())/*.csv"])
            settings.allowEmpty = true
            let source = FilesSource(settings: settings, environment: Self.s3Environment(server))
            #expect(try await source.open(state: nil, events: .none) is NothingToLoad)
            sources.append(source)
        }
        let closing = Watchdog(seconds: 120, "\(count) files sources closing at once did not return: a close blocks a pool thread")
        let all = UncheckedSources(sources)
        await withTaskGroup(of: Void.self) { group in
            for i in all.sources.indices { group.addTask { await all.sources[i].close() } }
        }
        closing.done()
    }
}

/// Sources handed to the closing tasks (each task closes its own).
private final class UncheckedSources: @unchecked Sendable {
    let sources: [FilesSource]
    init(_ sources: [FilesSource]) { self.sources = sources }
}

/// Stops the process with `message` unless `done()` comes within `seconds`: on a thread of its
/// own, so it fires even when the concurrency pool is deadlocked.
private final class Watchdog: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)

    init(seconds: Int, _ message: String) {
        let finished = finished
        Thread.detachNewThread {
            if finished.wait(timeout: .now() + .seconds(seconds)) == .timedOut { fatalError(message) }
        }
    }

    func done() { finished.signal() }
}
