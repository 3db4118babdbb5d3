import ArgumentParser
import Foundation
import Lake

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where the lake is: a folder, or s3://bucket[/prefix]. Default: INLET_STORE, else ./lake.", valueName: "path-or-url"))
    var store: String?

    @Flag(help: "Print the result as JSON (for machines).")
    var json = false

    @Flag(name: .shortAndLong, help: "Print only errors and the result.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print more detail, including the cause under an error.")
    var verbose = false

    var console: Console { Console(json: json, quiet: quiet, verbose: verbose) }
}

/// A dataset id checked in `validate()`, so a bad one is a usage error before any work.
func validateDatasetID(_ raw: String) throws {
    do { _ = try DatasetID(raw) } catch { throw ValidationError("\(error)") }
}
