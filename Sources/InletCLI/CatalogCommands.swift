import ArgumentParser
import Columnar
import Foundation
import Lake
import ObjectStore

/// The lake as the CLI sees it: the store plus Parquet.
func openLake(_ store: any ObjectStore) -> Lake {
    Lake(store: store, format: ParquetDatasetFormat())
}

struct Datasets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the lake's datasets with rows, partitions, size and last load.",
        discussion: "Example:\n  inlet datasets --store s3://analytics/lake"
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console, store: global.store) { store in
            let list = try await openLake(store).datasets()
            if console.json { return try console.emitJSON(list) }
            if list.isEmpty { return console.out("no datasets in \(store.displayName)") }
            let rows = list.map { d in
                [d.id, d.rows.map { Format.count($0) } ?? "?", String(d.partitions), String(d.files), Format.bytes(d.bytes),
                 d.lastLoad.map(Self.timeText) ?? "never (no manifest)"]
            }
            for line in Format.table(["dataset", "rows", "partitions", "files", "size", "last load"], rows) { console.out(line) }
        }
    }

    static func timeText(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }
}

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a dataset: schema, partitions with row counts, files and last load; or its first rows.",
        discussion: "Examples:\n  inlet show orders\n  inlet show orders --rows 5\n  inlet show orders --rows 5 --partition date=2025-01-03\n  inlet show orders --history            (a Delta table's versions)\n  inlet show orders --version 3 --rows 5  (a Delta table as of version 3)"
    )

    @Argument(help: "The dataset id.")
    var datasetId: String

    @Option(help: "Print the first N rows, read from the dataset's Parquet files.")
    var rows: Int?

    @Option(help: "With --rows: only this partition (date=YYYY-MM-DD, or just the date).")
    var partition: String?

    @Flag(help: "A Delta table's versions: time, operation, rows added and removed.")
    var history = false

    @Option(help: "With --rows: read a Delta table as of this version (time travel).")
    var version: Int64?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try validateDatasetID(datasetId)
        if let rows, rows < 1 { throw ValidationError("--rows must be 1 or more") }
        if partition != nil, rows == nil { throw ValidationError("--partition needs --rows") }
        if version != nil, rows == nil { throw ValidationError("--version needs --rows") }
        if let version, version < 0 { throw ValidationError("--version must be 0 or more") }
        if history, rows != nil { throw ValidationError("--history and --rows are separate views; use one") }
    }

    func run() async throws {
        let console = global.console
        if history { return try await showHistory(console) }
        if let rows { return try await showRows(rows, console) }
        try await CommandRunner.run(console, store: global.store) { store in
            let d = try await openLake(store).describe(try DatasetID(datasetId))
            if console.json { return try console.emitJSON(ShowJSON(d)) }
            console.out(console.bold(d.id) + " in \(store.displayName)")
            guard let m = d.manifest else {
                console.out("no manifest (not written by inlet, or a load never finished); \(Format.count(d.objects.count, "object")):")
                for o in d.objects { console.out("  \(o.key)  \(Format.bytes(o.size))") }
                return
            }
            console.out("rows: \(Format.count(m.rows))  files: \(m.files.count)  size: \(Format.bytes(m.bytes))")
            if m.tableFormat == .delta { console.out("table format: Delta Lake, version \(m.deltaVersion.map(String.init) ?? "?") (inlet show \(d.id) --history)") }
            console.out("last load: \(Datasets.timeText(m.finishedAt)) (\(m.mode.rawValue), run \(m.runId), inlet \(m.inletVersion))")
            if let s = m.source { console.out("source: \(s.fileName) (\(Format.bytes(s.size)), sha256 \(s.sha256.prefix(16))…)") }
            if let p = m.partitionColumn { console.out("partitioned by: \(p)\(m.partitionTimeZone.map { " (dates in \($0))" } ?? "")") }
            if let state = m.state { console.out("state: \(Self.compactJSON(state)) (the next incremental load starts after it; --full-refresh ignores it)") }
            console.out()
            for line in Format.table(["column", "type", "nullable"], d.schema.map { [$0.name, $0.type, $0.nullable ? "yes" : "no"] }) { console.out(line) }
            console.out()
            for line in Format.table(["partition", "rows", "files", "size"],
                                     d.partitions.map { [$0.name, Format.count($0.rows), String($0.files), Format.bytes($0.bytes)] }) {
                console.out(line)
            }
            if console.verbose {
                console.out()
                for f in d.files { console.out("  \(f.key)  \(Format.count(f.rows, "row"))  \(Format.bytes(f.bytes))  sha256 \(f.sha256)") }
            }
        }
    }

    private func showRows(_ limit: Int, _ console: Console) async throws {
        let wanted = partition.map { $0.hasPrefix("date=") ? $0 : "date=" + $0 }
        try await CommandRunner.run(console, store: global.store) { store in
            let read = try await openLake(store).firstRows(try DatasetID(datasetId), partition: wanted, version: version, limit: limit)
            var table: [[String?]] = []
            for batch in read.batches {
                for i in 0 ..< batch.rowCount where table.count < limit {
                    table.append(batch.columns.map { $0.isNull(i) ? nil : ValueText.render($0, row: i) })
                }
            }
            let names = read.schema.fields.map(\.name)
            if console.json {
                return try console.emitJSON(RowsJSON(dataset: datasetId, partition: wanted, columns: names,
                                                     types: read.schema.fields.map(\.type.name), rows: table))
            }
            let clipped = table.map { $0.map { v in v.map { $0.count > 40 ? String($0.prefix(39)) + "…" : $0 } ?? "null" } }
            for line in Format.table(names, clipped) { console.out(line) }
            console.status("\(Format.count(table.count, "row")) of \(datasetId)\(version.map { " version \($0)" } ?? "")\(wanted.map { " (\($0))" } ?? "") from \(Format.count(read.files.count, "file"))")
        }
    }

    private func showHistory(_ console: Console) async throws {
        try await CommandRunner.run(console, store: global.store) { store in
            let entries = try await openLake(store).history(try DatasetID(datasetId))
            if console.json { return try console.emitJSON(entries) }
            let rows = entries.map { e in
                [String(e.version), e.timestamp.map(Datasets.timeText) ?? "?", e.operation + (e.mode.map { " (\($0))" } ?? ""),
                 e.rowsAdded.map { Format.count($0) } ?? "?", e.rowsRemoved.map { Format.count($0) } ?? "?",
                 "+\(e.filesAdded) -\(e.filesRemoved)", e.runId ?? ""]
            }
            for line in Format.table(["version", "time", "operation", "rows added", "rows removed", "files", "run"], rows) { console.out(line) }
        }
    }

    struct RowsJSON: Encodable {
        let dataset: String
        let partition: String?
        let columns: [String]
        let types: [String]
        /// Values as `show` prints them, as text; null is JSON null.
        let rows: [[String?]]
    }

    static func compactJSON(_ value: JSONValue) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    struct ShowJSON: Encodable {
        let id: String
        let manifest: Manifest?
        let partitions: [DatasetDescription.Partition]
        let objects: [String]
        init(_ d: DatasetDescription) {
            id = d.id; manifest = d.manifest; partitions = d.partitions; objects = d.objects.map(\.key)
        }
    }
}

struct Clear: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete every object of a dataset (asks first on a terminal).",
        discussion: "Example:\n  inlet clear orders --yes"
    )

    @Argument(help: "The dataset id.")
    var datasetId: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var lease: LeaseCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws { try validateDatasetID(datasetId) }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console, store: global.store) { store in
            let id = try DatasetID(datasetId)
            let lake = openLake(store)
            if !yes, isatty(STDIN_FILENO) == 1 {
                let count = try await store.list(prefix: DatasetLayout.prefix(id)).count
                guard count > 0 else { return console.out("dataset \(id) has no objects in \(store.displayName)") }
                guard console.confirm("Delete all \(Format.count(count, "object")) of dataset \(id) in \(store.displayName)?") else {
                    console.out("nothing deleted")
                    throw ExitCode(ExitStatus.failure.rawValue)
                }
            }
            let deleted = try await lake.clear(id, lease: lease.options(console))
            if console.json { return try console.emitJSON(ClearJSON(dataset: id.rawValue, deletedObjects: deleted)) }
            console.out("deleted \(Format.count(deleted, "object")) of dataset \(id) from \(store.displayName)")
        }
    }
}

/// `inlet clear --json`.
private struct ClearJSON: Encodable {
    let dataset: String
    let deletedObjects: Int
}
