import ArgumentParser
import Columnar
import Delimited
import Foundation
import Inference
import JSON
import Connectors

struct Preview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how a CSV or JSON file would load: encoding, dialect or layout, inferred types with reasons, first rows. Writes nothing.",
        discussion: "Examples:\n  inlet preview Examples/orders.csv --rows 5\n  inlet preview events.jsonl"
    )

    @Argument(help: "The CSV or JSON file.")
    var file: String

    @Option(help: "How many rows to show.")
    var rows = 10

    @OptionGroup var csv: CSVCommandOptions
    @OptionGroup var json: JSONCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read '\(file)': no such file or not readable") }
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more") }
    }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console) {
            if json.inputFormat(file) == .json { return try await previewJSON(console) }
            let (source, _) = try await scanCSV(file, csv: try csv.csvOptions(inputPath: file), inference: try csv.inferenceOptions(),
                                                console: console)
            var sample: [[String]] = []
            while sample.count < rows, let batch = try source.next() {
                for i in 0 ..< min(batch.rowCount, rows - sample.count) {
                    sample.append(zip(batch.columns, batch.schema.fields).map { ValueText.render($0.0, row: i) })
                }
            }
            let r = source.reader
            let report = PreviewReport(
                file: file, encoding: r.encoding.encoding.rawValue, encodingReason: r.encoding.reason,
                delimiter: String(UnicodeScalar(r.dialect.delimiter)), quote: String(UnicodeScalar(r.dialect.quote)),
                header: r.dialect.hasHeader, dialectReasons: r.dialect.reasons,
                renamedHeaders: r.headerRenames.map { "\($0.original) → \($0.renamed)" },
                columns: source.inference.report.columns, warnings: source.inference.report.warnings,
                rowsScanned: r.rowsRead, sample: sample)
            try report.print(console, names: source.schema.fields.map(\.name))
        }
    }
}

extension Preview {
    /// JSON: the layout, the inferred schema as an indented tree with why each type was chosen,
    /// the warnings, then the first records.
    func previewJSON(_ console: Console) async throws {
        let options = try json.options(try csv.settings(), inputPath: file)
        let size = fileSize(file)
        let scan = Progress(label: "scan", totalBytes: size, console: console)
        let (reader, decision) = try await runBlocking { () -> (JSONReader, JSONDecision) in
            let reader = try JSONReader(path: file, options: options)
            let decision = try reader.infer(progress: { bytes, records in scan.update(bytes: bytes, rows: Int64(records)) })
            return (reader, decision)
        }
        scan.finish()
        let batches = reader.batches(decision)
        var sample: [[String]] = []
        while sample.count < rows, let batch = try batches.next() {
            for i in 0 ..< min(batch.rowCount, rows - sample.count) { sample.append(batch.columns.map { ValueText.render($0, row: i) }) }
        }
        let report = JSONPreview(file: file, layout: "\(reader.layout)", records: reader.recordsRead, columns: decision.columns,
                                 warnings: decision.warnings, sample: sample)
        try report.print(console, names: batches.schema.fields.map(\.name))
    }
}

struct JSONPreview: Encodable {
    let file: String
    let layout: String
    let records: Int
    let columns: [ColumnReport]
    let warnings: [String]
    let sample: [[String]]

    func print(_ console: Console, names: [String]) throws {
        if console.json { return try console.emitJSON(self) }
        console.out("\(console.bold(file)): \(Format.count(records, "record")) (\(layout))")
        console.out()
        let rows = columns.map { c -> [String] in
            // Nesting shows as indentation: `customer.address.city` under `customer.address`.
            let depth = c.name.filter { $0 == "." }.count + c.name.components(separatedBy: "[]").count - 1
                + c.name.components(separatedBy: "{}").count - 1
            let last = c.name.split(separator: ".").last.map(String.init) ?? c.name
            return [String(repeating: "· ", count: depth) + last, c.type, c.reason]
        }
        for line in Format.table(["field", "type", "why"], rows) { console.out(line) }
        for w in warnings { console.out("warning: \(w)") }
        guard !sample.isEmpty else { return }
        console.out()
        let clipped = sample.map { $0.map { $0.count > 40 ? String($0.prefix(39)) + "…" : $0 } }
        for line in Format.table(names, clipped) { console.out(line) }
    }
}

struct PreviewReport: Encodable {
    let file: String
    let encoding: String
    let encodingReason: String
    let delimiter: String
    let quote: String
    let header: Bool
    let dialectReasons: [String]
    let renamedHeaders: [String]
    let columns: [ColumnReport]
    let warnings: [String]
    let rowsScanned: Int
    let sample: [[String]]

    func print(_ console: Console, names: [String]) throws {
        if console.json { return try console.emitJSON(self) }
        let shownDelimiter = delimiter == "\t" ? "\\t" : delimiter
        console.out("\(console.bold(file)): \(Format.count(rowsScanned, "row"))")
        console.out("encoding: \(encoding) (\(encodingReason))")
        console.out("dialect: delimiter '\(shownDelimiter)', quote \(quote), \(header ? "header row" : "no header") (\(dialectReasons.joined(separator: "; ")))")
        for r in renamedHeaders { console.out("renamed header: \(r)") }
        console.out()
        let rows = columns.map { c in
            [c.name, c.type, String(c.nullCount), c.format ?? "", c.reason]
        }
        for line in Format.table(["column", "type", "nulls", "format", "why"], rows) { console.out(line) }
        for w in warnings { console.out("warning: \(w)") }
        guard !sample.isEmpty else { return }
        console.out()
        let clipped = sample.map { $0.map { $0.count > 40 ? String($0.prefix(39)) + "…" : $0 } }
        for line in Format.table(names, clipped) { console.out(line) }
    }
}
