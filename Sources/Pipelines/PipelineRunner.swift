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

    /// One result per pipeline, in the order given.
    public func run(_ specs: [PipelineSpec]) async -> [PipelineResult] {
        var results = [PipelineResult?](repeating: nil, count: specs.count)
        await withTaskGroup(of: (Int, PipelineResult).self) { group in
            var next = 0
            func launch() {
                let i = next
                next += 1
                group.addTask { (i, await run(specs[i])) }
            }
            while next < min(max(1, concurrency), specs.count) { launch() }
            while let (i, result) = await group.next() {
                results[i] = result
                finished(result)
                if next < specs.count { launch() }
            }
        }
        return results.compactMap { $0 }
    }

    public func run(_ spec: PipelineSpec) async -> PipelineResult {
        let started = Date()
        var result = PipelineResult(name: spec.name, dataset: spec.datasetId.rawValue)
        var shutdown: (@Sendable () async -> Void)?
        do {
            let (source, close) = try makeSource(spec)
            shutdown = close
            var options = try spec.load.loadOptions()
            options.dryRun = dryRun
            options.lease = lease
            options.inletVersion = InletVersion.number
            var parquet = try spec.load.parquetOptions(createdBy: createdBy)
            if case .domo = spec.source { parquet.keyValueMetadata["inlet.source"] = source.name }
            let job = LoadJob(dataset: spec.datasetId, source: source, transforms: spec.transforms, options: options,
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
    public var rowsWritten: Int64? { outcome?.result?.rowsWritten }
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
