import ArgumentParser
import Columnar
import Delimited
import Foundation
import Inference
import Lake
import Parquet
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

    @OptionGroup var lease: LeaseCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard [list, dataset != nil, all].filter({ $0 }).count == 1 else {
            throw ValidationError("choose one of --list, --dataset NAME or --all")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be 1 or more") }
        guard DomoDecimalMode(rawValue: decimals) != nil else { throw ValidationError("--decimals must be double or exact") }
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
            var options = DomoClientOptions()
            options.authTimeout = authTimeout
            options.dataIdleTimeout = dataTimeout
            let client = try DomoClient(environment: StoreResolver.environment, options: options)
            let store = try StoreResolver.open(global.store)
            let runner = DomoRunner(client: client, store: store, console: console, dryRun: dryRun,
                                    decimals: DomoDecimalMode(rawValue: decimals) ?? .double, lease: lease.options(console))
            let outcomes = await runner.run(chosen, concurrency: concurrency)
            await StoreResolver.close(store)
            try? await client.shutdown()
            try report(outcomes, console)
        }
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

    /// All but `exitStatus` (`Console.emitJSON` writes them in snake_case).
    enum CodingKeys: String, CodingKey {
        case name, lakeDatasetId, rowsIn, rowsKept, partitions, seconds, status, error, targets
    }
}

/// Loads DOMO datasets one after another (or `concurrency` at once), never stopping at a failure.
struct DomoRunner: Sendable {
    let client: DomoClient
    let store: any ObjectStore
    let console: Console
    let dryRun: Bool
    let decimals: DomoDecimalMode
    let lease: LeaseOptions

    func run(_ datasets: [DomoDatasetConfig], concurrency: Int) async -> [DomoOutcome] {
        var results = [DomoOutcome?](repeating: nil, count: datasets.count)
        await withTaskGroup(of: (Int, DomoOutcome).self) { group in
            var next = 0
            func launch() {
                let i = next
                next += 1
                group.addTask { (i, await self.load(datasets[i])) }
            }
            while next < min(concurrency, datasets.count) { launch() }
            while let (i, outcome) = await group.next() {
                results[i] = outcome
                if next < datasets.count { launch() }
            }
        }
        return results.compactMap { $0 }
    }

    func load(_ d: DomoDatasetConfig) async -> DomoOutcome {
        var outcome = DomoOutcome(name: d.name, lakeDatasetId: d.lakeDatasetId)
        let started = Date()
        do {
            try await load(d, into: &outcome)
        } catch {
            let (status, message) = ErrorClassifier.classify(error)
            outcome.status = "failed"
            outcome.error = message
            outcome.exitStatus = status
            console.error("\(d.name): \(message)")
        }
        outcome.seconds = Date().timeIntervalSince(started)
        return outcome
    }

    private func load(_ d: DomoDatasetConfig, into outcome: inout DomoOutcome) async throws {
        let id = try DatasetID(d.lakeDatasetId)
        let meta = try await client.metadata(datasetId: d.domoDatasetId)
        let localZone = d.timezone.flatMap { DomoTimeZoneShift(identifier: $0) }
        var fields = try declaredFields(dataset: d.name, columns: meta.columns, overrides: d.schema, decimals: decimals)
        // With `timezone:`, DATETIME text is local wall-clock time: read naive, shift to UTC after.
        var localColumns = Set<String>()
        if localZone != nil {
            for i in fields.indices where fields[i].type == .timestamp(unit: .microsecond, utc: true) && d.schema[fields[i].name] == nil {
                fields[i].type = .timestamp(unit: .microsecond, utc: false)
                localColumns.insert(fields[i].name)
            }
        }
        let partitioned = d.partitionColumn != nil
        let base = "\(store.displayName)/\(DatasetLayout.prefix(id))"
        outcome.targets = [partitioned ? base + "partitions/date=YYYY-MM-DD/part-0000.parquet" : base + "data/part-0000.parquet"]
        if dryRun {
            outcome.rowsIn = meta.rows
            outcome.status = "dry run"
            console.out("\(d.name) (DOMO \(d.domoDatasetId)): \(meta.rows.map { Format.count($0) } ?? "?") rows, \(meta.columns.count) columns, updated \(meta.updatedAt ?? "?")")
            for f in fields { console.out("  \(f.name): \(f.type.name)") }
            console.out("  → \(outcome.targets[0])")
            return
        }

        let spoolDir = try TemporaryDirectory(label: "inlet-domo")
        defer { spoolDir.remove() }
        let spool = spoolDir.path + "/export.csv"
        let bytes = try await client.export(datasetId: d.domoDatasetId, to: spool) { received in
            console.detail("\(d.name): received \(Format.bytes(received))")
        }
        console.detail("\(d.name): export complete, \(Format.bytes(bytes))")

        var csv = CSVOptions()
        csv.delimiter = UInt8(ascii: ",")
        csv.quote = UInt8(ascii: "\"")
        csv.hasHeader = true
        csv.encoding = .utf8
        let source = try CSVSource(path: spool, csv: csv, declared: fields, checkHeader: { header in
            try checkHeader(header, against: meta.columns, dataset: d.name)
        })
        var transforms: [any BatchTransform] = []
        if let zone = localZone, !localColumns.isEmpty { transforms.append(DomoLocalTimeTransform(columns: localColumns, zone: zone)) }
        if let f = d.excludeFilter { transforms.append(KeepRowsWhereEquals(column: f.column, value: f.keepValue)) }

        var options = LoadOptions()
        options.partitionColumn = d.partitionColumn
        if let tz = d.partitionTimezone { options.partitionTimeZone = try LoadOptions.timeZone(named: tz) }
        if let m = d.mode {
            guard let mode = WriteMode(rawValue: m) else { throw CLIError.usage("\(d.name): unknown mode '\(m)'") }
            options.mode = mode
        }
        options.inletVersion = InletVersion.number
        options.lease = lease
        options.source = SourceInfo(fileName: "domo:\(d.domoDatasetId)", size: bytes, sha256: try FileDigest.sha256(path: spool).hex)
        var parquet = ParquetDatasetFormat.lakeOptions
        parquet.createdBy = InletVersion.createdBy
        parquet.keyValueMetadata["inlet.source"] = "domo:\(d.domoDatasetId)"
        let lake = Lake(store: store, format: ParquetDatasetFormat(options: parquet))
        var batches = source
        let result = try await lake.load(datasetId: id, source: &batches, transforms: transforms, options: options)
        outcome.rowsIn = result.rowsRead
        outcome.rowsKept = result.rowsWritten
        outcome.partitions = result.partitionsWritten.count
    }
}

/// A private folder under TMPDIR (spooled exports), removed by `remove()` or, if a signal ends
/// the process first, by `ExitCleanup` on the signal (an export spool can be gigabytes).
struct TemporaryDirectory {
    let path: String
    private let cleanup: Int
    init(label: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
        cleanup = ExitCleanup.register { try? FileManager.default.removeItem(atPath: path) }
    }
    func remove() {
        ExitCleanup.unregister(cleanup)
        try? FileManager.default.removeItem(atPath: path)
    }
}
