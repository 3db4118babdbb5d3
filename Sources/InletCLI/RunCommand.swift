import ArgumentParser
import Columnar
import Foundation
import Lake
import Pipelines

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pipelines of a config file (default ./inlet.yaml): each source into its dataset.",
        discussion: """
        One pipeline's failure never stops the others; a summary lists each one. Exit code: 0 when all
        succeed, else the class of the first failure (2, 3, 4 or 1). Examples:
          inlet run --all
          inlet run orders usage --config pipelines.yaml --dry-run
          inlet run --all --shard $JOB_COMPLETION_INDEX/4 --concurrency 2
        """
    )

    @Argument(help: "Pipelines to run, by name (disabled ones too). Or --all.")
    var names: [String] = []

    @Flag(help: "Run every enabled pipeline.")
    var all = false

    @Option(help: ArgumentHelp("The config file.", valueName: "path"))
    var config = "inlet.yaml"

    @Flag(help: "For every pipeline, what upload --dry-run does: read, convert and verify in staging (or a source's metadata), publish nothing.")
    var dryRun = false

    @Option(help: "Pipelines run at once.")
    var concurrency = 1

    @Option(help: ArgumentHelp("Run only the pipelines whose name hashes (FNV-1a) to I modulo N, so N workers split one config.", valueName: "I/N"))
    var shard: String?

    @Flag(help: "Ignore each dataset's incremental state and replace the dataset.")
    var fullRefresh = false

    @OptionGroup var lease: LeaseCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be 1 or more") }
        guard all != !names.isEmpty else {
            throw ValidationError(all ? "give pipeline names or --all, not both" : "name the pipelines to run, or pass --all")
        }
    }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console) {
            let shard = try self.shard.map { try Shard(parsing: $0) }   // one line, exit 2, before the config is read
            let environment = StoreResolver.environment
            let cfg = try PipelineConfig.load(path: config, environment: environment)
            var chosen = cfg.pipelines.filter(\.enabled)
            if !names.isEmpty {
                chosen = try names.map { name in
                    guard let p = cfg.pipelines.first(where: { $0.name == name }) else {
                        let hint = cfg.pipelines.map(\.name).joined(separator: ", ")
                        throw CLIError.usage("\(config): no pipeline named '\(name)' (pipelines: \(hint.isEmpty ? "none" : hint))")
                    }
                    return p
                }
            }
            if let shard { chosen = chosen.filter { shard.contains($0.name) } }
            var runner = PipelineRunner(store: try StoreResolver.open(global.store, configured: cfg.store), environment: environment)
            runner.concurrency = concurrency
            runner.dryRun = dryRun
            runner.fullRefresh = fullRefresh
            runner.lease = lease.options(console)
            runner.createdBy = InletVersion.createdBy
            let bars = concurrency == 1 && !console.json
            runner.events = { spec in ConsoleEvents(console: console, prefix: spec.name + ": ", bars: bars).events }
            runner.finished = { result in
                if let failure = result.failure { console.error("\(result.name): \(failure.message)") }
                for w in result.outcome?.report.warnings ?? [] { console.warning("\(result.name): \(w)") }
                for line in result.outcome?.plan?.lines ?? [] { console.status(line) }
                if let unchanged = result.outcome?.unchanged { console.status("\(result.name): \(unchanged); nothing published") }
            }
            let results = await runner.run(chosen)
            await StoreResolver.close(runner.store)
            try report(results, total: cfg.pipelines.count, console)
        }
    }

    func report(_ results: [PipelineResult], total: Int, _ console: Console) throws {
        if console.json {
            try console.emitJSON(results.map(RunResultJSON.init))
        } else if results.isEmpty {
            console.out("no pipelines to run" + (shard.map { " in shard \($0) of \(Format.count(total, "pipeline"))" } ?? ""))
        } else {
            let rows = results.map { r in
                [r.name, r.dataset, r.rowsWritten.map { Format.count($0) } ?? "-", String(r.partitions), Format.duration(r.seconds), r.status.rawValue]
            }
            for line in Format.table(["pipeline", "dataset", "rows", "partitions", "time", "status"], rows) { console.out(line) }
        }
        if let failed = results.first(where: { $0.failure != nil })?.failure {
            throw ExitCode(ErrorClassifier.status(failed.kind).rawValue)
        }
    }
}

/// One pipeline in `inlet run --json`.
struct RunResultJSON: Encodable {
    let pipeline: String
    let dataset: String
    let status: String
    let rowsRead: Int64?
    let rows: Int64?
    let partitions: Int
    let seconds: Double
    let error: String?
    let failure: String?
    let state: JSONValue?

    init(_ r: PipelineResult) {
        pipeline = r.name
        dataset = r.dataset
        status = r.status.rawValue
        rowsRead = r.rowsRead
        rows = r.rowsWritten
        partitions = r.partitions
        seconds = (r.seconds * 1000).rounded() / 1000
        error = r.failure?.message
        failure = r.failure?.kind.rawValue
        state = r.outcome?.stateAfter
    }
}
