import ArgumentParser
import Foundation
import Lake
import ObjectStore
import Pipelines

struct Vacuum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete a Delta table's files that no version within the retention references.",
        discussion: """
        Loads into a Delta table never delete files: older versions (time travel) still read them. Vacuum deletes files \
        removed longer ago than --retain, and files no commit references (a load that died before committing) once they \
        are older than --retain and an hour. Versions older than --retain may no longer be readable afterwards.
        Examples:
          inlet vacuum orders --dry-run
          inlet vacuum orders --retain 24h
        """
    )

    @Argument(help: "The dataset id (a Delta table).")
    var datasetId: String

    @Option(help: ArgumentHelp("Keep files removed less than this long ago: 168h (default), 7d, 90m.", valueName: "duration"))
    var retain = "168h"

    @Flag(help: "List what would be deleted; delete nothing.")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try validateDatasetID(datasetId)
        guard Self.seconds(retain) != nil else { throw ValidationError("--retain must be a duration like 168h, 7d or 90m, not '\(retain)'") }
    }

    /// `168h`, `7d`, `90m`, `3600s` → seconds.
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last, let mult = units[unit], let n = Double(text.dropLast()), n >= 0, n.isFinite else { return nil }
        return n * mult
    }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console, store: global.store) { store in
            let result = try await openLake(store).vacuum(try DatasetID(datasetId), retain: Self.seconds(retain)!, dryRun: dryRun)
            if console.json { return try console.emitJSON(result) }
            if console.verbose || dryRun { for f in result.files { console.out("  \(f)") } }
            console.out("\(dryRun ? "would delete" : "deleted") \(Format.count(result.files.count, "file")) (\(Format.bytes(result.bytes))) of \(datasetId)")
        }
    }
}

struct Convert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a plain Parquet dataset a Delta table: version 0 over its files as they are.",
        discussion: "Example:\n  inlet convert orders --to delta"
    )

    @Argument(help: "The dataset id.")
    var datasetId: String

    @Option(help: ArgumentHelp("The table format to convert to: delta.", valueName: "format"))
    var to: String

    @OptionGroup var lease: LeaseCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try validateDatasetID(datasetId)
        guard to == TableFormat.delta.rawValue else { throw ValidationError("--to must be delta, not '\(to)'") }
    }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console, store: global.store) { store in
            let done = try await openLake(store).convertToDelta(try DatasetID(datasetId), lease: lease.options(console),
                                                                inletVersion: InletVersion.number)
            if console.json { return try console.emitJSON(["dataset": datasetId, "version": String(done.version), "files": String(done.files)]) }
            console.out("\(datasetId) is a Delta table: version \(done.version) holds its \(Format.count(done.files, "file")) (\(Format.count(done.rows, "row")))")
        }
    }
}
