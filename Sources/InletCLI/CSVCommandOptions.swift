import ArgumentParser
import Foundation
import Columnar
import Delimited
import Connectors
import Inference

/// The CSV reading and type inference options shared by `upload` and `preview`.
struct CSVCommandOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Field delimiter: , ; | tab (or \\t). Default: sniffed.", valueName: "char"))
    var delimiter: String?

    @Option(help: ArgumentHelp("Quote character: \" or '. Default: sniffed.", valueName: "char"))
    var quote: String?

    @Flag(help: "The first row is data, not a header (columns are named column_1, column_2, …).")
    var noHeader = false

    @Option(help: ArgumentHelp("Skip this many physical lines before the header.", valueName: "n"))
    var skipRows = 0

    @Option(help: ArgumentHelp("Source encoding: utf-8, utf-16le, utf-16be, cp932 (Shift_JIS), euc-jp, windows-1252, iso-8859-1. Default: detected.", valueName: "name"))
    var encoding: String?

    @Option(help: ArgumentHelp("On bytes invalid in the encoding: fail (default) or replace (with U+FFFD).", valueName: "fail|replace"))
    var encodingErrors = "fail"

    @Option(help: ArgumentHelp("Rows with the wrong field count or a value that breaks its type: fail (default), skip, or reject (write them to --rejects).", valueName: "fail|skip|reject"))
    var badRows = "fail"

    @Option(help: ArgumentHelp("Where --bad-rows reject writes rows. Default: FILE.rejects.csv beside the input.", valueName: "path"))
    var rejects: String?

    @Option(help: ArgumentHelp("Extra null tokens, comma-separated (e.g. NULL,NA,N/A,#N/A). They null typed columns and stay text in string columns.", valueName: "list"))
    var nullValues: String?

    @Option(help: ArgumentHelp("Non-integer numbers: double (default) or exact (DECIMAL(p,s) from the widest value).", valueName: "double|exact"))
    var decimals = "double"

    @Option(help: ArgumentHelp("Order for ambiguous dates like 03/04/2025: MDY (default) or DMY.", valueName: "MDY|DMY"))
    var dateOrder = "MDY"

    @Flag(help: "Also recognise YYYYMMDD dates.")
    var compactDates = false

    @Option(help: ArgumentHelp("Column types that win over inference: 'col=type,…' (int64, float64, decimal(p,s), date, timestamp, timestamptz, string, boolean, …).", valueName: "spec"))
    var schema: String?

    func validate() throws { _ = try settings() }

    /// The options as `CSVSettings`; a bad value is a usage error naming its option.
    func settings() throws -> CSVSettings {
        var s = CSVSettings()
        s.delimiter = delimiter
        s.quote = quote
        s.header = noHeader ? false : nil
        s.skipRows = skipRows
        s.encoding = encoding
        s.encodingErrors = encodingErrors
        s.badRows = badRows
        s.rejects = rejects
        s.nullValues = nullValues.map { $0.split(separator: ",").map { String($0) } } ?? []
        s.decimals = decimals
        s.dateOrder = dateOrder
        s.compactDates = compactDates
        do {
            if let schema { s.schema = try CSVSettings.parseSchema(schema) }
            try s.validate()
        } catch let e as InvalidSetting {
            throw ValidationError(e.asOption)
        }
        return s
    }

    func csvOptions(inputPath: String) throws -> CSVOptions { try settings().csvOptions(inputPath: inputPath) }

    func inferenceOptions() throws -> InferenceOptions { try settings().inferenceOptions() }
}
