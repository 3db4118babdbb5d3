import ArgumentParser
import Columnar
import Delimited
import Foundation
import Inference
import Lake
import Parquet
import Pipelines
import ObjectStore
import Connectors

struct Domo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load DOMO datasets listed in config/domo_datasets.yaml through DOMO's OAuth2 API.",
        discussion: """
        Credentials: DOMO_CLIENT_ID, DOMO_CLIENT_SECRET (environment or .env); host: DOMO_API_HOST.
        Examples:
          inlet domo --list
          inlet domo --dataset "APAC DOT join Due Date change(first time)" --dry-run
          inlet domo --all --concurrency 2
        """
    )

    @Flag(help: "List the configured datasets (no network call).")
    var list = false

    @Option(help: ArgumentHelp("Load one dataset, by its name or its lake id.", valueName: "name"))
    var dataset: String?

    @Flag(help: "Load every enabled dataset; go on past failures and print a summary.")
    var all = false

    @Option(help: ArgumentHelp("The config file.", valueName: "path"))
    var config = "config/domo_datasets.yaml"

    @Option(help: "Datasets loaded at once with --all.")
    var concurrency = 1

    @Option(help: ArgumentHelp("DECIMAL columns: double (default) or exact (decimal(38,10)).", valueName: "double|exact"))
    var decimals = "double"

    @Flag(help: "Authenticate and fetch metadata only: rows, columns, last update and target paths. Writes nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("Seconds to wait for the OAuth token.", valueName: "s"))
    var authTimeout = 30.0

    @Option(help: ArgumentHelp("Seconds an export may go without receiving data.", valueName: "s"))
    var dataTimeout = 300.0

    @Option(help: ArgumentHelp("parquet (the plain layout) or delta (a Delta Lake table) for datasets loaded for the first time; a dataset keeps the format of its first load.", valueName: "format"))
    var tableFormat: String?

    @OptionGroup var lease: LeaseCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard [list, dataset != nil, all].filter({ $0 }).count == 1 else {
            throw ValidationError("choose one of --list, --dataset NAME or --all")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be 1 or more") }
        guard DomoDecimalMode(rawValue: decimals) != nil else { throw ValidationError("--decimals must be double or exact") }
        if let tableFormat, TableFormat(rawValue: tableFormat) == nil { throw ValidationError("--table-format must be parquet or delta, not '\(tableFormat)'") }
    }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console) {
            let cfg: DomoConfig
            do { cfg = try DomoConfig.load(path: config) } catch { throw CLIError.usage("\(error)") }
            if list { return try printList(cfg, console) }
            let chosen: [DomoDatasetConfig]
            if let key = dataset {
                guard let d = cfg.dataset(named: key) else {
                    throw CLIError.usage("\(config): no dataset named '\(key)' (names: \(cfg.datasets.map { "'\($0.name)'" }.joined(separator: ", ")))")
                }
                chosen = [d]
            } else {
                chosen = cfg.enabledDatasets
            }
            let specs = try chosen.map {
                var spec = try Self.spec($0, decimals: DomoDecimalMode(rawValue: decimals) ?? .double)
                spec.load.tableFormat = tableFormat
                return spec
            }
            let partitioned = Dictionary(specs.map { ($0.name, $0.load.partitionColumn != nil) }) { a, _ in a }
            var runner = PipelineRunner(store: try StoreResolver.open(global.store), environment: StoreResolver.environment)
            runner.domoOptions.authTimeout = authTimeout
            runner.domoOptions.dataIdleTimeout = dataTimeout
            runner.concurrency = concurrency
            runner.dryRun = dryRun
            runner.lease = lease.options(console)
            runner.createdBy = InletVersion.createdBy
            runner.events = { spec in ConsoleEvents(console: console, prefix: spec.name + ": ", bars: false).events }
            let store = runner.store
            runner.finished = { result in
                if let plan = result.outcome?.plan {
                    for line in plan.lines { console.out(line) }
                    console.out("  → \(Self.target(result.dataset, partitioned: partitioned[result.name] ?? false, store))")
                }
                if let failure = result.failure { console.error("\(result.name): \(failure.message)") }
            }
            let results = await runner.run(specs)
            await StoreResolver.close(store)
            try report(results.map { DomoOutcome($0, partitioned: partitioned[$0.name] ?? false, store) }, console)
        }
    }

    /// A DOMO config entry as a pipeline of kind domo.
    static func spec(_ d: DomoDatasetConfig, decimals: DomoDecimalMode) throws -> PipelineSpec {
        var load = LoadSettings()
        load.partitionColumn = d.partitionColumn
        load.partitionTimezone = d.partitionTimezone ?? "UTC"
        load.mode = d.mode
        var domo = PipelineSpec.DomoSpec(datasetId: d.domoDatasetId)
        domo.schema = d.schema
        domo.timezone = d.timezone
        domo.decimals = decimals
        return PipelineSpec(name: d.name, kind: .domo, datasetId: try DatasetID(d.lakeDatasetId), enabled: d.enabled, load: load,
                            keepWhere: d.excludeFilter.map { ($0.column, $0.keepValue) }, source: .domo(domo), line: d.line)
    }

    static func target(_ dataset: String, partitioned: Bool, _ store: any ObjectStore) -> String {
        let base = "\(store.displayName)/datasets/\(dataset)/"
        return partitioned ? base + "partitions/date=YYYY-MM-DD/part-0000.parquet" : base + "data/part-0000.parquet"
    }

    func printList(_ cfg: DomoConfig, _ console: Console) throws {
        if console.json {
            return try console.emitJSON(cfg.datasets.map {
                DomoListJSON(name: $0.name, domoDatasetId: $0.domoDatasetId, lakeDatasetId: $0.lakeDatasetId,
                             partitionColumn: $0.partitionColumn, enabled: $0.enabled)
            })
        }
        let rows = cfg.datasets.map { [$0.name, $0.domoDatasetId, $0.lakeDatasetId, $0.partitionColumn ?? "-", $0.enabled ? "yes" : "no"] }
        for line in Format.table(["name", "DOMO id", "lake id", "partition column", "enabled"], rows) { console.out(line) }
    }

    /// One line per dataset; a failure anywhere makes the exit code that of the first failure.
    func report(_ outcomes: [DomoOutcome], _ console: Console) throws {
        if console.json {
            try console.emitJSON(outcomes)
        } else {
            let rows = outcomes.map { o in
                [o.name, o.rowsIn.map { Format.count($0) } ?? "-", o.rowsKept.map { Format.count($0) } ?? "-",
                 String(o.partitions), Format.duration(o.seconds), o.status]
            }
            for line in Format.table(["dataset", "rows in", "rows kept", "partitions", "time", "status"], rows) { console.out(line) }
        }
        if let failed = outcomes.first(where: { $0.exitStatus != .ok }) {
            throw ExitCode(failed.exitStatus.rawValue)
        }
    }
}

/// One configured dataset in `inlet domo --list --json`.
private struct DomoListJSON: Encodable {
    let name: String
    let domoDatasetId: String
    let lakeDatasetId: String
    let partitionColumn: String?
    let enabled: Bool
}

/// What happened to one dataset, for the summary table and `--json`.
struct DomoOutcome: Encodable {
    let name: String
    let lakeDatasetId: String
    var rowsIn: Int64?
    var rowsKept: Int64?
    var partitions = 0
    var seconds = 0.0
    var status = "ok"
    var error: String?
    var targets: [String] = []
    var exitStatus: ExitStatus = .ok

    init(_ r: PipelineResult, partitioned: Bool, _ store: any ObjectStore) {
        name = r.name
        lakeDatasetId = r.dataset
        rowsIn = r.rowsRead
        rowsKept = r.rowsWritten
        partitions = r.partitions
        seconds = r.seconds
        status = r.status.rawValue
        error = r.failure?.message
        targets = [Domo.target(r.dataset, partitioned: partitioned, store)]
        exitStatus = r.failure.map { ErrorClassifier.status($0.kind) } ?? .ok
    }

    /// All but `exitStatus` (`Console.emitJSON` writes them in snake_case).
    enum CodingKeys: String, CodingKey {
        case name, lakeDatasetId, rowsIn, rowsKept, partitions, seconds, status, error, targets
    }
}
