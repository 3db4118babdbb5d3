import ArgumentParser
import Columnar
import Foundation
import Lake
import Parquet
import Pipelines
import Connectors

/// Options for where and how a load lands in the lake (shared by upload and cursor-usage).
struct LoadCommandOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Timezone for turning a UTC timestamp partition column into dates (e.g. Asia/Tokyo).", valueName: "tz"))
    var partitionTimezone = "UTC"

    @Option(help: ArgumentHelp("replace-partitions (default when partitioned), replace (default otherwise), append, or merge (the default with --primary-key).", valueName: "mode"))
    var mode: String?

    @Option(help: ArgumentHelp("Merge by these key columns: incoming rows replace stored rows with the same key, the rest are added.", valueName: "col[,col]"))
    var primaryKey: String?

    @Option(help: ArgumentHelp("Start a new part file after this size, e.g. 512MiB (default), 64MB.", valueName: "size"))
    var maxFileSize = "512MiB"

    @Option(help: ArgumentHelp("Parquet compression: snappy (default), zstd, gzip or none.", valueName: "codec"))
    var compression = "snappy"

    @Flag(help: "Read, convert and write to staging, then stop: nothing is published.")
    var dryRun = false

    @Option(help: ArgumentHelp("parquet (the plain layout) or delta (a Delta Lake table); fixed at a dataset's first load. Default: what the dataset is, parquet when new.", valueName: "format"))
    var tableFormat: String?

    @OptionGroup var lease: LeaseCommandOptions

    func validate() throws { _ = try settings(partitionColumn: nil) }

    /// The options as `LoadSettings`; a bad value is a usage error naming its option.
    func settings(partitionColumn: String?) throws -> LoadSettings {
        var s = LoadSettings()
        s.partitionColumn = partitionColumn
        s.partitionTimezone = partitionTimezone
        s.mode = mode
        s.primaryKey = primaryKey.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        s.maxFileSize = maxFileSize
        s.compression = compression
        s.dryRun = dryRun
        s.tableFormat = tableFormat
        do { try s.validate() } catch let e as InvalidSetting {
            throw ValidationError(e.asOption)
        }
        return s
    }

    /// A job loading `source` into `dataset` with these options.
    func job(_ source: any Source, dataset: DatasetID, partitionColumn: String?, console: Console) throws -> LoadJob {
        let s = try settings(partitionColumn: partitionColumn)
        var options = try s.loadOptions()
        options.lease = lease.options(console)
        options.inletVersion = InletVersion.number
        return LoadJob(dataset: dataset, source: source, options: options, parquet: try s.parquetOptions(createdBy: InletVersion.createdBy))
    }
}

struct Upload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a CSV or JSON file, or many files (globs, folders, s3:// URLs), into a dataset as typed Parquet.",
        discussion: """
        Types come from the whole column (see `inlet preview`); JSON objects become structs and arrays lists.
        Many files (CSV, JSON or Parquet, compressed or not) become one dataset, their columns matched by name.
        Quote a glob, so that Inlet expands it rather than the shell. Examples:
          inlet upload Examples/orders.csv --dataset-id orders --partition-col "order date"
          inlet upload events.jsonl.gz --dataset-id events --partition-col created.at
          inlet upload 'exports/**/*.csv' --dataset-id exports
          inlet upload 's3://landing/vendor-x/**/*.csv.gz' --dataset-id vendor-x --hive-columns
        """
    )

    @Argument(help: ArgumentHelp("The file (.csv, .jsonl, .ndjson, .json; gzipped or not), or files: a quoted glob ('exports/**/*.csv'), a folder, an s3://bucket/prefix/**/*.csv.gz URL, or several.",
                                 valueName: "file-or-glob"))
    var inputs: [String]

    /// The one plain file of a single-file upload.
    var file: String { inputs[0] }

    @Option(help: ArgumentHelp("The dataset to write: letters, digits, - _ . (not first), at most 200.", valueName: "id"))
    var datasetId: String

    @Option(help: ArgumentHelp("Partition by this DATE or TIMESTAMP column (date=YYYY-MM-DD folders).", valueName: "column"))
    var partitionCol: String?

    @OptionGroup var load: LoadCommandOptions
    @OptionGroup var csv: CSVCommandOptions
    @OptionGroup var json: JSONCommandOptions
    @OptionGroup var files: FilesCommandOptions
    @OptionGroup var global: GlobalOptions

    var manyFiles: Bool { FilesCommandOptions.needsFilesSource(inputs, format: json.format) }

    func validate() throws {
        try validateDatasetID(datasetId)
        guard !inputs.isEmpty else { throw ValidationError("give the file, glob or s3:// URL to load") }
        if !manyFiles {
            guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read '\(file)': no such file or not readable") }
        } else {
            _ = try files.settings(inputs, format: json.format, csv: try csv.settings(), json: try json.options(try csv.settings(), inputPath: ""))
            if files.incremental, load.mode == "replace" {
                throw ValidationError("--incremental loads append the new objects; --mode replace would keep only theirs")
            }
            if let why = ChangedObjectPolicy(rawValue: files.onChange)?.conflict(primaryKey: load.primaryKey.map { [$0] } ?? []) {
                throw ValidationError("--on-change \(why)")
            }
        }
    }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console, store: global.store) { store in
            let settings = try csv.settings()
            let source: any Source
            var mode = load.mode
            if manyFiles {
                let filesSettings = try files.settings(inputs, format: json.format, csv: settings, json: try json.options(settings, inputPath: ""))
                source = FilesSource(settings: filesSettings, environment: StoreResolver.environment)
                // An increment is appended, unless a primary key makes the load a merge.
                if files.incremental, mode == nil, load.primaryKey == nil { mode = "append" }
            } else {
                source = json.inputFormat(file) == .json
                    ? JSONFileSource(path: file, options: try json.options(settings, inputPath: file))
                    : CSVFileSource(path: file, csv: try settings.csvOptions(inputPath: file), inference: try settings.inferenceOptions())
            }
            var job = try load.job(source, dataset: try DatasetID(datasetId), partitionColumn: partitionCol, console: console)
            if let mode, job.options.mode?.rawValue != mode { job.options.mode = WriteMode(rawValue: mode) }
            try await SingleLoad.run(job, store: store, console: console)
        }
    }
}
