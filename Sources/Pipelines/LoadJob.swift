import Columnar
import Connectors
import Foundation
import Lake
import ObjectStore
import Parquet

/// One load of one source into one dataset (the old ETL's `run`): the protocol every source
/// goes through, whichever command or config started it.
///
/// Under the dataset's lease it reads the state the dataset's manifest last published, opens
/// the source from there, streams its batches through the source's and the pipeline's
/// transforms into `Lake.load`, and when the lake or the pass stops on an error the pass
/// explains (types that did not hold), loads the source's second pass instead. The source's
/// identity (size, SHA-256) and its new state go into the manifest with the data.
public struct LoadJob {
    public let dataset: DatasetID
    public let source: any Source
    /// The pipeline's transforms (renames, row filters), after the source's own.
    public var transforms: [any BatchTransform]
    /// Partitioning, mode, file size, dry run, lease.
    public var options: LoadOptions
    public var parquet: ParquetWriteOptions
    /// Ignore the dataset's state and replace it whole.
    public var fullRefresh: Bool

    public init(dataset: DatasetID, source: any Source, transforms: [any BatchTransform] = [], options: LoadOptions = .init(),
                parquet: ParquetWriteOptions = ParquetDatasetFormat.lakeOptions, fullRefresh: Bool = false) {
        self.dataset = dataset
        self.source = source
        self.transforms = transforms
        self.options = options
        self.parquet = parquet
        self.fullRefresh = fullRefresh
    }

    public func run(store: any ObjectStore, events: LoadEvents = .none) async throws -> JobOutcome {
        // The source is closed after the load, whatever its outcome (a `defer` cannot await).
        let outcome: JobOutcome
        do {
            outcome = try await runOpen(store: store, events: events)
        } catch {
            await source.close()
            throw error
        }
        await source.close()
        return outcome
    }

    private func runOpen(store: any ObjectStore, events: LoadEvents) async throws -> JobOutcome {
        let started = Date()
        let lake = Lake(store: store, format: ParquetDatasetFormat(options: parquet))
        var options = self.options
        if fullRefresh { options.mode = .replace; options.primaryKey = [] }
        options.progress = events.writing
        // Writers of a Delta table meet at its commit (put-if-absent), not at a lease: many
        // workers may load one table at once.
        if try await lake.tableFormat(of: dataset, requested: options.tableFormat) == .delta { options.lease.enabled = false }
        return try await lake.withLease(dataset, options: options.lease, dryRun: options.dryRun) { lease in
            options.heldLease = lease
            // Read under the lease: no other load can publish a newer state meanwhile.
            let manifest = try await lake.manifest(dataset)
            let state = fullRefresh ? nil : manifest?.state
            // An append or a merge keeps the stored schema (rows of both kinds sit side by side).
            let stored = [.append, .merge].contains(options.effectiveMode) ? manifest.flatMap(Self.schema) : nil
            var conform: ConformToStoredSchema?
            if let stored, let following = source as? SchemaFollowing {
                following.follow(stored)
                conform = ConformToStoredSchema(stored: stored, dataset: dataset.rawValue)
            }
            if options.dryRun, let plan = try await source.plan(state: state) {
                return JobOutcome(dataset: dataset, source: source.name, plan: plan, seconds: Date().timeIntervalSince(started),
                                  stateBefore: state)
            }
            var pass = try await source.open(state: state, events: events.source)
            if let nothing = pass as? NothingToLoad {
                return JobOutcome(dataset: dataset, source: source.name, identity: try await nothing.identity(), report: nothing.report,
                                  seconds: Date().timeIntervalSince(started), passes: 1, stateBefore: state, stateAfter: state,
                                  unchanged: nothing.reason)
            }
            var passes = 1
            let result: LoadResult
            let extra = conform.map { [$0] } ?? []
            // A pass whose assumed types did not hold gives the next (one or more times: a files
            // source may speculate again); its batches were discarded with the failed load.
            while true {
                do {
                    result = try await load(pass, into: lake, options: options, extra: extra)
                    break
                } catch {
                    guard let next = try await pass.retry(after: error) else { throw error }
                    pass = next
                    passes += 1
                }
            }
            var report = pass.report
            if let merge = result.merge, merge.duplicates > 0 {
                report.warnings.append("\(merge.duplicates) input row(s) had a primary key that came again later in the input: dropped, the last row of each key was kept")
            }
            if let conform, case let left = conform.dropped(try outputSchema(pass)), !left.isEmpty {
                report.warnings.append("field(s) \(left.map { "'\($0)'" }.joined(separator: ", ")) are not in dataset '\(dataset)': left out of this \(options.effectiveMode.rawValue) (--full-refresh reloads the dataset with them)")
            }
            if !options.dryRun { try await source.published() }
            return JobOutcome(dataset: dataset, source: source.name, identity: try await pass.identity(), result: result,
                              report: report, seconds: Date().timeIntervalSince(started), passes: passes,
                              stateBefore: state, stateAfter: pass.state)
        }
    }

    /// The stored schema a manifest names (nil if a type is one this version cannot read).
    static func schema(_ manifest: Manifest) -> Schema? {
        var fields: [Field] = []
        for f in manifest.schema {
            guard let t = DataType(parsing: f.type) else { return nil }
            fields.append(Field(f.name, t, nullable: f.nullable))
        }
        return fields.isEmpty ? nil : Schema(fields)
    }

    /// The pass's schema after the source's and the pipeline's transforms.
    private func outputSchema(_ pass: any SourcePass) throws -> Schema {
        try (source.transforms + transforms).reduce(pass.schema) { try $1.outputSchema($0) }
    }

    private func load(_ pass: any SourcePass, into lake: Lake, options: LoadOptions, extra: [any BatchTransform]) async throws -> LoadResult {
        var options = options
        options.source = SourceInfo(fileName: source.name, size: 0, sha256: "")
        options.finalSource = {
            let id = try await pass.identity()
            return SourceInfo(fileName: id.name, size: id.size, sha256: id.sha256)
        }
        options.finalState = { pass.state }
        var batches = PassBatches(pass: pass)
        return try await lake.load(datasetId: dataset, source: &batches, transforms: source.transforms + transforms + extra, options: options)
    }
}

/// A source pass as the lake's batch source.
struct PassBatches: BatchSource {
    let pass: any SourcePass
    var schema: Schema { pass.schema }
    mutating func next() throws -> RecordBatch? { try pass.next() }
}

/// What a job tells as it runs; callbacks may come from any thread.
public struct LoadEvents: Sendable {
    public var source: SourceEvents
    /// The lake's phases: writing, verifying, publishing, cleaning.
    public var writing: (@Sendable (LoadProgress) -> Void)?

    public init(source: SourceEvents = .none, writing: (@Sendable (LoadProgress) -> Void)? = nil) {
        self.source = source
        self.writing = writing
    }

    public static let none = LoadEvents()
}

/// What a job did.
public struct JobOutcome: Sendable {
    public let dataset: DatasetID
    /// The source's name (`orders.csv`, `domo:…`).
    public let source: String
    /// What was read: size and SHA-256 (nil for a dry run from metadata).
    public var identity: SourceIdentity?
    /// The load's result (nil for a dry run from metadata).
    public var result: LoadResult?
    /// A dry run from the source's metadata.
    public var plan: SourcePlan?
    public var report: SourceReport
    public var seconds: Double
    /// 2 when the first pass's types did not hold and the second pass was loaded.
    public var passes: Int
    /// The dataset's state before the load, and the state the load published with its data.
    public var stateBefore: JSONValue?
    public var stateAfter: JSONValue?
    /// Set when the source had nothing to load: why. Nothing was published.
    public var unchanged: String?

    public init(dataset: DatasetID, source: String, identity: SourceIdentity? = nil, result: LoadResult? = nil,
                plan: SourcePlan? = nil, report: SourceReport = .init(), seconds: Double, passes: Int = 0,
                stateBefore: JSONValue? = nil, stateAfter: JSONValue? = nil, unchanged: String? = nil) {
        self.dataset = dataset; self.source = source; self.identity = identity; self.result = result; self.plan = plan
        self.report = report; self.seconds = seconds; self.passes = passes
        self.stateBefore = stateBefore; self.stateAfter = stateAfter; self.unchanged = unchanged
    }
}
