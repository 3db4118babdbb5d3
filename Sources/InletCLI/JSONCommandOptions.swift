import ArgumentParser
import Connectors
import JSON

/// The JSON options of `upload` and `preview`; the type options (`--schema`, `--decimals`,
/// `--date-order`, `--bad-rows`, `--rejects`) are shared with CSV.
struct JSONCommandOptions: ParsableArguments {
    @Option(help: ArgumentHelp("csv, json, parquet (many files) or auto (default: by extension, then content).", valueName: "format"))
    var format = "auto"

    @Option(help: ArgumentHelp("JSON: the path of keys to the records' array in a top-level object, e.g. data.items.", valueName: "path"))
    var records: String?

    @Flag(help: "JSON: struct fields become columns named parent__child instead of nested structs.")
    var flatten = false

    @Flag(help: "JSON: accept NaN, Infinity and -Infinity as numbers.")
    var allowNan = false

    func validate() throws {
        guard format == "auto" || format == "parquet" || InputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be csv, json, parquet or auto, not '\(format)'")
        }
    }

    /// The file's format: `--format`, else detected.
    func inputFormat(_ path: String) -> InputFormat { InputFormat(rawValue: format) ?? InputFormat.detect(path: path) }

    func options(_ csv: CSVSettings, inputPath: String) throws -> JSONOptions {
        var o = JSONOptions()
        o.records = records
        o.flatten = flatten
        o.allowNaN = allowNan
        o.inference = try csv.inferenceOptions()
        o.badRows = try csv.csvOptions(inputPath: inputPath).badRows
        return o
    }
}
