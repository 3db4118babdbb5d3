import Columnar
import Connectors
import Foundation
import JSON
import Lake
import ObjectStore
import Parquet

/// Runs pipelines: each one's source through a `LoadJob` into its dataset, up to
/// `concurrency` at once, in config order. One pipeline's failure never stops the others.
public struct PipelineRunner: Sendable {
    public let store: any ObjectStore
    /// Where `${VAR}` came from, and what sources read their defaults from (DOMO credentials).
    public let environment: [String: String]
    public var concurrency = 1
    public var dryRun = false
    /// Ignore each dataset's state and replace it whole.
    public var fullRefresh = false
    public var lease = LeaseOptions()
    /// Parquet's `created_by`.
    public var createdBy: String?
    /// Each pipeline's events (progress, notes), by its spec.
    public var events: @Sendable (PipelineSpec) -> LoadEvents = { _ in .none }
    /// Called as each pipeline ends, in the order they end.
    public var finished: @Sendable (PipelineResult) -> Void = { _ in }

    public init(store: any ObjectStore, environment: [String: String]) {
        self.store = store
        self.environment = environment
    }

    /// One result per pipeline, in the order given; an API pipeline's children follow it.
    public func run(_ specs: [PipelineSpec]) async -> [PipelineResult] {
        var results = [[PipelineResult]?](repeating: nil, count: specs.count)
        await withTaskGroup(of: (Int, [PipelineResult]).self) { group in
            var next = 0
            func launch() {
                let i = next
                next += 1
                group.addTask { (i, await runFamily(specs[i], report: finished)) }
            }
            while next < min(max(1, concurrency), specs.count) { launch() }
            while let (i, family) = await group.next() {
                results[i] = family
                if next < specs.count { launch() }
            }
        }
        return results.compactMap { $0 }.flatMap { $0 }
    }

    /// One pipeline's result.
    public func run(_ spec: PipelineSpec) async -> PipelineResult {
        await runFamily(spec, report: { _ in }).first!
    }

    /// A pipeline, then (for an API with children) each child dataset once the parent's load
    /// has published: their records are fetched per parent record that load kept.
    func runFamily(_ spec: PipelineSpec, report: @Sendable (PipelineResult) -> Void) async -> [PipelineResult] {
        guard case let .api(api) = spec.source, !api.children.isEmpty else {
            let r = await runJob(name: spec.name, dataset: spec.datasetId, spec: spec, load: spec.load, transforms: spec.transforms) { try makeSource(spec) }
            report(r)
            return [r]
        }
        let client = ApiClient(spec: api)
        var results: [PipelineResult] = []
        do {
            let parents = try ParentRecords(label: spec.name)
            defer { parents.remove() }
            let parent = await runJob(name: spec.name, dataset: spec.datasetId, spec: spec, load: spec.load, transforms: spec.transforms) {
                (ApiSource(spec: api, label: spec.name, client: client, parents: parents), nil)
            }
            report(parent)
            results.append(parent)
            for child in api.children {
                let name = "\(spec.name)/\(child.datasetId)"
                let dataset = try DatasetID(child.datasetId)
                guard parent.failure == nil else {
                    var r = PipelineResult(name: name, dataset: dataset.rawValue)
                    r.failure = PipelineFailure(kind: parent.failure!.kind, message: "not run: its parent '\(spec.name)' failed")
                    report(r)
                    results.append(r)
                    continue
                }
                // Children of an incremental parent add to their dataset; otherwise each run replaces it.
                var load = spec.load
                load.partitionColumn = nil
                load.mode = api.resource.incremental != nil ? "append" : "replace"
                let r = await runJob(name: name, dataset: dataset, spec: spec, load: load, transforms: []) {
                    (ApiChildSource(spec: api, child: child, label: name.replacingOccurrences(of: "/", with: "-"), client: client, parents: parents), nil)
                }
                report(r)
                results.append(r)
            }
        } catch {
            var r = PipelineResult(name: spec.name, dataset: spec.datasetId.rawValue)
            r.failure = PipelineFailure(kind: FailureKind.of(error), message: failureMessage(error))
            report(r)
            results.append(r)
        }
        await client.shutdown()
        return results
    }

    private func runJob(name: String, dataset: DatasetID, spec: PipelineSpec, load: LoadSettings, transforms: [any BatchTransform],
                        source make: () throws -> (any Source, (@Sendable () async -> Void)?)) async -> PipelineResult {
        let started = Date()
        var result = PipelineResult(name: name, dataset: dataset.rawValue)
        var shutdown: (@Sendable () async -> Void)?
        do {
            let (source, close) = try make()
            shutdown = close
            var options = try load.loadOptions()
            options.dryRun = dryRun
            options.lease = lease
            options.inletVersion = InletVersion.number
            var parquet = try load.parquetOptions(createdBy: createdBy)
            switch spec.source {
            case .domo: parquet.keyValueMetadata["inlet.source"] = source.name
            case .api:
                parquet.keyValueMetadata["inlet.source"] = source.name
                parquet.rowGroupMaxBytes = ParquetDatasetFormat.networkRowGroupBytes
            default: break
            }
            let job = LoadJob(dataset: dataset, source: source, transforms: transforms, options: options,
                              parquet: parquet, fullRefresh: fullRefresh)
            result.outcome = try await job.run(store: store, events: events(spec))
            result.status = dryRun ? .dryRun : .ok
        } catch {
            result.status = .failed
            result.failure = PipelineFailure(kind: FailureKind.of(error), message: failureMessage(error))
        }
        await shutdown?()
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    /// The source a spec names, and what to shut down after (a DOMO client's connections).
    func makeSource(_ spec: PipelineSpec) throws -> (any Source, (@Sendable () async -> Void)?) {
        switch spec.source {
        case let .csv(path, settings):
            return (CSVFileSource(path: path, csv: try settings.csvOptions(inputPath: path), inference: try settings.inferenceOptions()), nil)
        case let .json(path, options):
            return (JSONFileSource(path: path, options: options), nil)
        case let .cursorUsage(path, dir):
            return (CursorUsageExport.source(path: try path ?? CursorUsageExport.newestExport(in: dir)), nil)
        case let .domo(d):
            var env = environment
            if let v = d.clientId { env["DOMO_CLIENT_ID"] = v }
            if let v = d.clientSecret { env["DOMO_CLIENT_SECRET"] = v }
            if let v = d.apiHost { env["DOMO_API_HOST"] = v }
            let client = try DomoClient(environment: env, options: domoOptions)
            let source = DomoSource(client: client, datasetId: d.datasetId, label: spec.name, overrides: d.schema,
                                    timezone: d.timezone, decimals: d.decimals)
            return (source, { try? await client.shutdown() })
        case let .api(api):
            let client = ApiClient(spec: api)
            return (ApiSource(spec: api, label: spec.name, client: client), { await client.shutdown() })
        case let .files(settings):
            return (FilesSource(settings: settings, environment: environment), nil)
        case let .postgres(options):
            return (PostgresSource(options: options, environment: environment), nil)
        }
    }

    /// Timeouts for DOMO's API (`inlet domo --auth-timeout`, `--data-timeout`).
    public var domoOptions = DomoClientOptions()
}

/// What happened to one pipeline, for the summary table and `--json`.
public struct PipelineResult: Sendable {
    public enum Status: String, Sendable, Codable {
        case ok, failed
        case dryRun = "dry run"
    }

    public let name: String
    public let dataset: String
    public var status = Status.failed
    public var outcome: JobOutcome?
    public var failure: PipelineFailure?
    public var seconds = 0.0

    public init(name: String, dataset: String) {
        self.name = name
        self.dataset = dataset
    }

    public var rowsRead: Int64? { outcome?.result?.rowsRead ?? outcome?.plan?.rows }
    public var rowsWritten: Int64? { outcome?.result?.rowsWritten ?? (outcome?.unchanged != nil ? 0 : nil) }
    public var partitions: Int { outcome?.result?.partitionsWritten.count ?? 0 }
}

public struct PipelineFailure: Sendable, Equatable {
    public let kind: FailureKind
    public let message: String
}

/// The version written into manifests and Parquet's `created_by`.
public enum InletVersion {
    public static let number = "0.1.0"
    /// parquet-mr's form, which Spark and parquet-cpp parse (`INLET_BUILD` names the commit when set at run time).
    public static var createdBy: String {
        let build = ProcessInfo.processInfo.environment["INLET_BUILD"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        return "inlet version \(number) (build \(build))"
    }
}
