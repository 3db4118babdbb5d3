import Columnar
import Connectors
import Foundation
import Lake
import ObjectStore
import Parquet
@testable import Pipelines
import Testing

/// A source's state travels with the data: a load that does not publish never advances it,
/// so `kill -9` at any moment and a rerun leave every source row in the dataset exactly once,
/// in append and in replace-partitions mode. The loads run in a child process: this test
/// binary re-run with `INLET_STATE_CHILD_ROOT` set, which enables `childLoadsUntilKilled`.
@Suite(.serialized) struct IncrementalStateTests {
    static let childRoot = "INLET_STATE_CHILD_ROOT"
    static let childMode = "INLET_STATE_CHILD_MODE"

    static func job(_ root: String, mode: WriteMode, fullRefresh: Bool = false) throws -> LoadJob {
        var options = LoadOptions(partitionColumn: "day", mode: mode)
        options.lease.wait = .seconds(30)   // the kills leave leases behind; see the parent's loop
        options.lease.ttl = .seconds(1)
        return LoadJob(dataset: try DatasetID("counter"), source: CounterSource(), options: options, fullRefresh: fullRefresh)
    }

    /// Every id in the dataset's data files, as a reader of the folder sees them.
    static func ids(_ root: String) throws -> [Int64] {
        let base = root + "/datasets/counter/partitions"
        var out: [Int64] = []
        for folder in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where !folder.hasPrefix(".") {
            for file in try FileManager.default.contentsOfDirectory(atPath: base + "/" + folder) where file.hasSuffix(".parquet") {
                for batch in try ParquetFileReader(path: base + "/" + folder + "/" + file).readAll(columns: [0]) {
                    for i in 0 ..< batch.rowCount { if case let .int(v) = batch.columns[0].value(at: i) { out.append(v) } }
                }
            }
        }
        return out.sorted()
    }

    static func state(_ root: String) async throws -> Int64? {
        try await Lake(store: LocalStore(root: root), format: ParquetDatasetFormat()).manifest(DatasetID("counter"))?.state?["last"]?.int
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment[childRoot] != nil))
    func childLoadsUntilKilled() async throws {
        let env = ProcessInfo.processInfo.environment
        let root = env[Self.childRoot]!
        let mode = WriteMode(rawValue: env[Self.childMode] ?? "append")!
        _ = FileManager.default.createFile(atPath: root + "/child-ready", contents: nil)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            _ = try await Self.job(root, mode: mode).run(store: LocalStore(root: root))
        }
    }

    @Test(.enabled(if: CommandLine.arguments[0].hasSuffix(".xctest") && ProcessInfo.processInfo.environment[childRoot] == nil),
          arguments: [WriteMode.append, .replacePartitions])
    func killedIncrementalLoadsLeaveEveryRowOnce(mode: WriteMode) async throws {
        let root = NSTemporaryDirectory() + "inlet-state-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = LocalStore(root: root)
        _ = try await Self.job(root, mode: mode).run(store: store)
        #expect(try await Self.state(root) == Int64(CounterSource.rowsPerLoad))
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 10 {
            let child = Process()
            child.executableURL = binary
            child.arguments = ["--testing-library", "swift-testing", "--filter", "childLoadsUntilKilled"]
            child.environment = ProcessInfo.processInfo.environment.merging([Self.childRoot: root, Self.childMode: mode.rawValue]) { $1 }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            let started = Date()
            while !FileManager.default.fileExists(atPath: root + "/child-ready"), Date().timeIntervalSince(started) < 60 {
                try await Task.sleep(for: .milliseconds(10))
            }
            try? FileManager.default.removeItem(atPath: root + "/child-ready")
            try await Task.sleep(for: .milliseconds(Int.random(in: 100 ... 900, using: &rng)))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal, "the child finished before it was killed")
        }
        // The rerun resumes from the last published state, whatever the kills left.
        let rerun = try await Self.job(root, mode: mode).run(store: store)
        let last = try #require(try await Self.state(root))
        #expect(rerun.stateAfter?["last"]?.int == last)
        #expect(last > Int64(CounterSource.rowsPerLoad) * 3, "the children published too little to test anything")
        let ids = try Self.ids(root)
        #expect(ids.count == Int(last), "rows seen twice or missing: \(ids.count) rows for state \(last)")
        let duplicates = ids.count - Set(ids).count
        #expect(duplicates == 0 && ids.first == 1 && ids.last == last, "every id from 1 to the state, once: \(duplicates) seen twice, range \(ids.first ?? 0)...\(ids.last ?? 0)")
    }

    /// The state shows in the manifest; a full refresh ignores it and replaces the dataset.
    @Test func fullRefreshStartsOverAndReplaces() async throws {
        let root = NSTemporaryDirectory() + "inlet-state-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = LocalStore(root: root)
        for _ in 0 ..< 3 { _ = try await Self.job(root, mode: .append).run(store: store) }
        #expect(try await Self.state(root) == Int64(CounterSource.rowsPerLoad * 3))
        #expect(try Self.ids(root).count == CounterSource.rowsPerLoad * 3)
        let refreshed = try await Self.job(root, mode: .append, fullRefresh: true).run(store: store)
        #expect(refreshed.stateBefore == nil)
        #expect(try await Self.state(root) == Int64(CounterSource.rowsPerLoad))
        let ids = try Self.ids(root)
        #expect(ids.count == CounterSource.rowsPerLoad && ids.first == 1 && ids.last == Int64(CounterSource.rowsPerLoad))
    }

    /// A failed load leaves the state where it was.
    @Test func aFailedLoadDoesNotAdvanceTheState() async throws {
        let root = NSTemporaryDirectory() + "inlet-state-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = LocalStore(root: root)
        _ = try await Self.job(root, mode: .append).run(store: store)
        var failing = try Self.job(root, mode: .append)
        failing.transforms = [KeepRowsWhereEquals(column: "no such column", value: "x")]
        await #expect(throws: TransformError.self) { _ = try await failing.run(store: store) }
        #expect(try await Self.state(root) == Int64(CounterSource.rowsPerLoad))
    }
}

/// An incremental test source: rows numbered from 1, each load the next `rowsPerLoad` after
/// the state's `last`, ten days of `rowsPerDay` rows, so every load covers whole days (what
/// replace-partitions needs to stay exact).
final class CounterSource: Source {
    static let rowsPerDay = 40
    static let rowsPerLoad = rowsPerDay * 10
    let name = "counter"

    func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass {
        Pass(after: state?["last"]?.int ?? 0)
    }

    final class Pass: SourcePass {
        let first: Int64
        var upcoming: Int64
        let schema = Schema([Field("id", .int64, nullable: false), Field("day", .date), Field("note", .string)])

        init(after last: Int64) { first = last + 1; upcoming = last + 1 }

        func next() throws -> RecordBatch? {
            guard upcoming < first + Int64(CounterSource.rowsPerLoad) else { return nil }
            let ids = Array(upcoming ..< upcoming + 10)
            upcoming += 10
            return try RecordBatch(schema: schema, columns: [
                Column(type: .int64, values: ids.map { .int($0) }),
                Column(type: .date, values: ids.map { .date(Int32(20_089 + ($0 - 1) / Int64(CounterSource.rowsPerDay))) }),
                Column(type: .string, values: ids.map { .string("row \($0)") }),
            ])
        }

        func identity() async throws -> SourceIdentity { SourceIdentity(name: "counter", size: 0, sha256: "") }
        var state: JSONValue? { .object(["last": .int(upcoming - 1)]) }
        var report: SourceReport { SourceReport() }
    }
}
