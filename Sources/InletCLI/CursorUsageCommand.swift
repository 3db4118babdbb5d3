import ArgumentParser
import Columnar
import Delimited
import Foundation
import Inference
import Lake
import Connectors

struct CursorUsage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cursor-usage",
        abstract: "Load a Cursor team usage export into dataset cursor-usage, partitioned by the Date column's UTC date.",
        discussion: """
        Without FILE, takes the newest team-usage-events-*.csv in --dir. Columns are matched by header name,
        so older and newer exports load into one schema; `cost_usd` is Cost as a number (null for Included, Free, -).
        Example:
          inlet cursor-usage --dir Examples
        """
    )

    @Argument(help: "The export. Default: the newest team-usage-events-*.csv in --dir.")
    var file: String?

    @Option(help: ArgumentHelp("Where to look for exports when FILE is not given.", valueName: "dir"))
    var dir = "data_sources"

    @OptionGroup var load: LoadCommandOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console, store: global.store) { store in
            let path = try file ?? Self.newestExport(in: dir)
            console.status("loading \(path)")
            let loader = CSVLoader(console: console, store: store, load: load)
            let outcome = try await loader.load(
                file: path, datasetId: try DatasetID(CursorUsageExport.datasetId),
                partitionColumn: CursorUsageExport.partitionColumn, csv: CSVOptions(), inference: InferenceOptions(),
                overrides: { header in try CursorUsageExport.schemaOverrides(header: header) },
                transforms: [CursorUsageTransform()])
            try outcome.print(console)
        }
    }

    /// The newest `team-usage-events-*.csv` in `dir`, by modification time then name.
    static func newestExport(in dir: String) throws -> String {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dir) else {
            throw CLIError.usage("no FILE given and --dir '\(dir)' cannot be read")
        }
        let candidates = names.filter { $0.hasPrefix("team-usage-events-") && $0.hasSuffix(".csv") }.map { dir + "/" + $0 }
        let dated = candidates.map { p in (p, (try? fm.attributesOfItem(atPath: p)[.modificationDate] as? Date) ?? .distantPast) }
        guard let newest = dated.max(by: { ($0.1, $0.0) < ($1.1, $1.0) }) else {
            throw CLIError.usage("no team-usage-events-*.csv in '\(dir)' (pass FILE or --dir)")
        }
        return newest.0
    }
}

