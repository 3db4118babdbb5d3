import ArgumentParser
import Columnar
import Foundation
import Lake
import Parquet
import Connectors

/// Options for where and how a load lands in the lake (shared by upload and cursor-usage).
struct LoadCommandOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Timezone for turning a UTC timestamp partition column into dates (e.g. Asia/Tokyo).", valueName: "tz"))
    var partitionTimezone = "UTC"

    @Option(help: ArgumentHelp("replace-partitions (default when partitioned), replace (default otherwise) or append.", valueName: "mode"))
    var mode: String?

    @Option(help: ArgumentHelp("Start a new part file after this size, e.g. 512MiB (default), 64MB.", valueName: "size"))
    var maxFileSize = "512MiB"

    @Option(help: ArgumentHelp("Parquet compression: snappy (default), zstd, gzip or none.", valueName: "codec"))
    var compression = "snappy"

    @Flag(help: "Read, convert and write to staging, then stop: nothing is published.")
    var dryRun = false

    @OptionGroup var lease: LeaseCommandOptions

    func validate() throws {
        _ = try timeZone()
        _ = try writeMode()
        _ = try maxFileBytes()
        guard ParquetCompression(rawValue: compression) != nil else {
            throw ValidationError("--compression must be snappy, zstd, gzip or none, not '\(compression)'")
        }
    }

    func timeZone() throws -> TimeZone {
        guard let tz = TimeZone(identifier: partitionTimezone) else {
            throw ValidationError("--partition-timezone: unknown time zone '\(partitionTimezone)' (use an IANA name such as UTC or Asia/Tokyo)")
        }
        return tz
    }

    func writeMode() throws -> WriteMode? {
        guard let m = mode else { return nil }
        guard let w = WriteMode(rawValue: m) else {
            throw ValidationError("--mode must be one of \(WriteMode.allCases.map(\.rawValue).joined(separator: ", ")), not '\(m)'")
        }
        return w
    }

    func maxFileBytes() throws -> Int64 {
        guard let n = ByteSize.parse(maxFileSize), n >= 1 << 20 else {
            throw ValidationError("--max-file-size must be a size of at least 1MiB like 512MiB or 64MB, not '\(maxFileSize)'")
        }
        return n
    }

    func parquetOptions() -> ParquetWriteOptions {
        var o = ParquetDatasetFormat.lakeOptions
        o.compression = ParquetCompression(rawValue: compression) ?? .snappy
        o.createdBy = InletVersion.createdBy
        return o
    }
}

enum ByteSize {
    /// `512MiB`, `64MB`, `1GiB`, `1048576`.
    static func parse(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1)]
        for (suffix, mult) in units where t.hasSuffix(suffix) {
            guard let n = Int64(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)) else { return nil }
            return n.multipliedReportingOverflow(by: mult).overflow ? nil : n * mult
        }
        return Int64(t)
    }
}

struct Upload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a CSV file into a dataset as typed Parquet.",
        discussion: """
        Types come from the whole column (see `inlet preview`). Example:
          inlet upload Examples/orders.csv --dataset-id orders --partition-col "order date"
        """
    )

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: ArgumentHelp("The dataset to write: letters, digits, - _ . (not first), at most 200.", valueName: "id"))
    var datasetId: String

    @Option(help: ArgumentHelp("Partition by this DATE or TIMESTAMP column (date=YYYY-MM-DD folders).", valueName: "column"))
    var partitionCol: String?

    @OptionGroup var load: LoadCommandOptions
    @OptionGroup var csv: CSVCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try validateDatasetID(datasetId)
        guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read '\(file)': no such file or not readable") }
    }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console, store: global.store) { store in
            let id = try DatasetID(datasetId)
            let loader = CSVLoader(console: console, store: store, load: load)
            let outcome = try await loader.load(file: file, datasetId: id, partitionColumn: partitionCol,
                                                csv: try csv.csvOptions(inputPath: file),
                                                inference: try csv.inferenceOptions(),
                                                overrides: nil, transforms: [])
            try outcome.print(console)
        }
    }
}
