import ArgumentParser
import Columnar
import Delimited
import Foundation
import Inference
import Connectors
import Lake
import Pipelines

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
            let path = try file ?? CursorUsageExport.newestExport(in: dir)
            console.status("loading \(path)")
            let job = try load.job(CursorUsageExport.source(path: path), dataset: try DatasetID(CursorUsageExport.datasetId),
                                   partitionColumn: CursorUsageExport.partitionColumn, console: console)
            try await SingleLoad.run(job, store: store, console: console)
        }
    }
}
