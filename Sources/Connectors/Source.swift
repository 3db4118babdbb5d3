import Columnar
import Foundation
import Inference

/// Where a pipeline's rows come from (the old ETL's `extract`): a CSV file, a DOMO dataset,
/// a REST API, a table. Every connector implements it; the load job (`Pipelines.LoadJob`)
/// opens it, streams its batches through the pipeline's transforms into the lake, runs a
/// second pass when the first one's types do not hold, and publishes its state with the data.
public protocol Source: AnyObject {
    /// What is read, for messages and the manifest: `orders.csv`, `domo:c1cd…`. Never a secret.
    var name: String { get }
    /// The source's own reshaping (a time-zone shift, derived columns), before the pipeline's.
    var transforms: [any BatchTransform] { get }
    /// What `--dry-run` shows without reading the rows, when the source can tell (metadata);
    /// nil when a dry run must read the rows (and write them to staging only).
    func plan(state: JSONValue?) async throws -> SourcePlan?
    /// The first pass over the rows: since `state` (what the dataset's last published load
    /// recorded), or all of them when nil.
    func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass
    /// Removes what the source made (spooled exports, temp files) and shuts down its clients:
    /// after the load, after a failure, and (registered with `ExitCleanup` where it matters) on
    /// a signal. Async, so that a source awaits a client's shutdown instead of blocking a
    /// thread of the concurrency pool on it; a synchronous `close()` satisfies it.
    func close() async
    /// After the load published (never after a dry run or a failure): what a source does only
    /// then, such as deleting the objects it loaded. A failure here is the load's outcome, with
    /// the data already published.
    func published() async throws
}

extension Source {
    public var transforms: [any BatchTransform] { [] }
    public func plan(state: JSONValue?) async throws -> SourcePlan? { nil }
    public func close() {}
    public func published() async throws {}
}

/// One pass over a source's rows, as typed batches under one schema.
public protocol SourcePass: AnyObject {
    var schema: Schema { get }
    /// The next batch; nil at the end.
    func next() throws -> RecordBatch?
    /// After the load stopped on `error`: the pass to load instead when the whole input's
    /// types turned out to differ from those this pass assumed (its batches are discarded),
    /// or nil when `error` is the load's outcome. The pass given may itself give another.
    func retry(after error: Error) async throws -> (any SourcePass)?
    /// After the last batch: what was read, for the manifest (name, size, SHA-256).
    func identity() async throws -> SourceIdentity
    /// After the last batch: the position to publish with the data (nil: not incremental).
    var state: JSONValue? { get }
    /// Why each column has its type, warnings, rows dropped: for the load's outcome.
    var report: SourceReport { get }
}

extension SourcePass {
    public func retry(after error: Error) async throws -> (any SourcePass)? { nil }
    public var state: JSONValue? { nil }
}

/// What a load records of its input.
public struct SourceIdentity: Sendable, Equatable {
    public var name: String
    public var size: Int64
    /// Hex SHA-256 of the bytes read; empty when the source has no such bytes (rows from a query).
    public var sha256: String

    public init(name: String, size: Int64, sha256: String) {
        self.name = name; self.size = size; self.sha256 = sha256
    }
}

/// What a pass says about its rows.
public struct SourceReport: Sendable {
    /// Each column's type and why (inferred or declared).
    public var columns: [ColumnReport]
    public var warnings: [String]
    /// Rows the bad-rows policy dropped, and of those, rows written to the rejects file.
    public var badRowsSkipped: Int
    public var badRowsRejected: Int

    public init(columns: [ColumnReport] = [], warnings: [String] = [], badRowsSkipped: Int = 0, badRowsRejected: Int = 0) {
        self.columns = columns; self.warnings = warnings
        self.badRowsSkipped = badRowsSkipped; self.badRowsRejected = badRowsRejected
    }
}

/// A dry run's view of a source, from its metadata alone.
public struct SourcePlan: Sendable {
    /// Lines for a person: the source's rows, columns and types, last update.
    public var lines: [String]
    public var rows: Int64?

    public init(lines: [String], rows: Int64? = nil) {
        self.lines = lines
        self.rows = rows
    }
}

/// How a source tells the job what it is doing; every callback may be called from any thread.
public struct SourceEvents: Sendable {
    /// Bytes of the input read so far (of `total` when known) and rows, during `phase`
    /// (`scan`, `load`, `write`, `download`).
    public var progress: @Sendable (_ phase: String, _ bytes: Int64, _ total: Int64?, _ rows: Int64) -> Void
    /// Of a source of many objects (files): objects `done` of `total` in `phase`.
    public var objects: @Sendable (_ phase: String, _ done: Int, _ total: Int) -> Void
    /// A phase ended (its progress display can go).
    public var phaseEnded: @Sendable (_ phase: String) -> Void
    /// Detail for `-v`.
    public var detail: @Sendable (String) -> Void
    public var warning: @Sendable (String) -> Void

    public init(progress: @escaping @Sendable (String, Int64, Int64?, Int64) -> Void = { _, _, _, _ in },
                objects: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in },
                phaseEnded: @escaping @Sendable (String) -> Void = { _ in },
                detail: @escaping @Sendable (String) -> Void = { _ in },
                warning: @escaping @Sendable (String) -> Void = { _ in }) {
        self.progress = progress; self.objects = objects; self.phaseEnded = phaseEnded; self.detail = detail; self.warning = warning
    }

    public static let none = SourceEvents()
}

/// What kind of failure an error is, for its exit code: a source's own error types say it
/// themselves, so a new connector needs no change to the classification in `Pipelines`.
public enum ErrorClass: Sendable {
    /// Options or config (exit 2).
    case usage
    /// The input's data (exit 3).
    case badData
    /// A remote service (exit 4).
    case remote
}

public protocol ClassifiedError: Error {
    var errorClass: ErrorClass { get }
}

/// A pass with nothing to load (an API run that found no new records): the job publishes
/// nothing, and the dataset and its state stay as they were.
public final class NothingToLoad: SourcePass {
    /// For a person: why, e.g. "no new records since 2024-05-01T00:00:00Z".
    public let reason: String
    public let report: SourceReport
    private let source: SourceIdentity

    public init(reason: String, source: SourceIdentity, report: SourceReport = .init()) {
        self.reason = reason
        self.source = source
        self.report = report
    }

    public var schema: Schema { Schema([]) }
    public func next() throws -> RecordBatch? { nil }
    public func identity() async throws -> SourceIdentity { source }
}

/// A source whose types can follow the dataset it adds to (an incremental API run appending):
/// each stored column is read as its stored type, so a run whose records happen to lack a
/// field, or hold only nulls in it, still matches the dataset. The load job calls `follow`
/// before `open` when it appends to a dataset that has a schema.
public protocol SchemaFollowing: Source {
    func follow(_ stored: Schema)
}
