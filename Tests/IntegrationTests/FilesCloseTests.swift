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

extension FilesSourceTests {
    /// Four S3 files pipelines at once in one `inlet run` (`INLET_FILES_SPECULATION=always`
    /// from the landing's environment). A load writing during its pass 1 waits on a thread of
    /// the concurrency pool for downloads that run on that pool: with one such load per pipeline
    /// they took every thread of a 2-core machine and the run never ended. At most one fewer
    /// than the cores do (the others wait for pass 1), and every pipeline loads its rows.
    @Test func pipelinesSideBySideDoNotStarveTheirDownloads() throws {
        let landing = try landing(.s3)
        try write(landing, "kill-0")
        var yaml = "pipelines:\n"
        for i in 0 ..< 4 { yaml += "  - {name: side\(i), kind: files, files: {url: \"\(landing.base)/kill/*\"}}\n" }
        let config = dir.appendingPathComponent("side.yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        let run = try Launched(["run", "--all", "--concurrency", "4", "--json", "--config", config.path, "--store", lake, "-v"],
                               environment: landing.environment.merging(["NO_COLOR": "1"]) { $1 }, stderr: dir.appendingPathComponent("side.err"))
        let deadline = Date().addingTimeInterval(120)
        while run.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if run.isRunning { kill(run.pid, SIGKILL) }
        let out = run.wait()
        #expect(out.status == 0, "the run did not end in 120 s, or failed: \(out.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]], "\(out.stdout)")
        #expect(list.map { $0["rows"] as? Int } == [1000, 1000, 1000, 1000])
        let writing = out.stderr.split(separator: "\n").filter { $0.contains("writing under the types of the first objects") }.count
        let slots = max(0, ProcessInfo.processInfo.activeProcessorCount - 1)
        #expect(writing >= min(1, slots) && writing <= slots, "\(out.stderr)")
    }
}

extension FilesSourceTests {
    /// A spool smaller than the objects (`--spool-limit 1KiB`, 3.9 KB of objects): those it
    /// cannot keep are downloaded again for pass 2, and the load does not write during pass 1
    /// (an attempt that missed would download them a third time). With room, it does.
    @Test func aSpoolTooSmallForTheObjectsFetchesThemAgain() throws {
        let landing = try landing(.s3)
        try write(landing, "kill-0")
        for (limit, during) in [("1KiB", false), ("10GiB", true)] {
            let r = try inlet(["upload", landing.base + "/kill/*", "--dataset-id", "spool", "--spool-limit", limit, "-v"], landing)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("writing under the types of the first objects") == during, "\(limit): \(r.stderr)")
            #expect(try read("spool").ids == Array(0 ..< 1000))
        }
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
