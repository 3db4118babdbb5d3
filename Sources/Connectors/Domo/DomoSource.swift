import Columnar
import Delimited
import Foundation
import Inference
import ObjectStore

/// A DOMO dataset as a source. Column types come from DOMO's metadata (nothing is guessed);
/// the export is streamed to a spool file under TMPDIR, checked against the metadata's header
/// and read once. With `timezone`, naive DATETIME text is DOMO-local time: read naive and
/// shifted to UTC (`DomoLocalTimeTransform`). The spool is removed on close and on a signal.
public final class DomoSource: Source {
    public let client: DomoClient
    /// DOMO's id of the dataset.
    public let datasetId: String
    /// `schema`: types that win over the metadata's.
    public let overrides: [String: DataType]
    /// The DOMO instance's IANA zone, when DATETIME text is local time.
    public let timezone: String?
    public let decimals: DomoDecimalMode
    /// For messages: the config entry's name.
    public let label: String
    public private(set) var transforms: [any BatchTransform] = []
    private var spool: SpoolFolder?

    public var name: String { "domo:\(datasetId)" }

    public init(client: DomoClient, datasetId: String, label: String, overrides: [String: DataType] = [:], timezone: String? = nil,
                decimals: DomoDecimalMode = .double) {
        self.client = client
        self.datasetId = datasetId
        self.label = label
        self.overrides = overrides
        self.timezone = timezone
        self.decimals = decimals
    }

    /// Metadata only: rows, columns with their types, last update.
    public func plan(state: JSONValue?) async throws -> SourcePlan? {
        let meta = try await client.metadata(datasetId: datasetId)
        let fields = try schema(meta).fields
        var lines = ["\(label) (DOMO \(datasetId)): \(meta.rows.map(String.init) ?? "?") rows, \(meta.columns.count) columns, updated \(meta.updatedAt ?? "?")"]
        lines += fields.map { "  \($0.name): \($0.type.name)" }
        return SourcePlan(lines: lines, rows: meta.rows)
    }

    public func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass {
        let meta = try await client.metadata(datasetId: datasetId)
        let declared = try schema(meta)
        let folder = try SpoolFolder(label: "inlet-domo")
        spool = folder
        let path = folder.path + "/export.csv"
        let bytes = try await client.export(datasetId: datasetId, to: path) { received in
            events.progress("download", received, nil, 0)
        }
        events.phaseEnded("download")
        events.detail("\(label): export complete, \(bytes) bytes")

        var csv = CSVOptions()
        csv.delimiter = UInt8(ascii: ",")
        csv.quote = UInt8(ascii: "\"")
        csv.hasHeader = true
        csv.encoding = .utf8
        let (columns, label) = (meta.columns, self.label)
        let source = try CSVSource(path: path, csv: csv, declared: declared.fields, checkHeader: { header in
            try checkHeader(header, against: columns, dataset: label)
        })
        let digest = try FileDigest.sha256(path: path).hex
        return CSVFileSource.ConvertingPass(source, phase: "write", size: bytes, hash: { digest }, events: events, name: name)
    }

    public func close() {
        spool?.remove()
        spool = nil
    }

    /// The metadata's types, the config's overrides winning; with `timezone`, DATETIME columns
    /// read naive and a transform shifts them to UTC.
    private func schema(_ meta: DomoDatasetMetadata) throws -> Schema {
        var fields = try declaredFields(dataset: label, columns: meta.columns, overrides: overrides, decimals: decimals)
        var local = Set<String>()
        if let zone = timezone.flatMap({ DomoTimeZoneShift(identifier: $0) }) {
            for i in fields.indices where fields[i].type == .timestamp(unit: .microsecond, utc: true) && overrides[fields[i].name] == nil {
                fields[i].type = .timestamp(unit: .microsecond, utc: false)
                local.insert(fields[i].name)
            }
            transforms = local.isEmpty ? [] : [DomoLocalTimeTransform(columns: local, zone: zone)]
        }
        return Schema(fields)
    }
}

/// A private folder under TMPDIR (spooled exports), removed by `remove()` or, if a signal ends
/// the process first, by `ExitCleanup` (an export spool can be gigabytes).
final class SpoolFolder: @unchecked Sendable {
    let path: String
    private let cleanup: Int

    init(label: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
        cleanup = ExitCleanup.register { try? FileManager.default.removeItem(atPath: path) }
    }

    func remove() {
        ExitCleanup.unregister(cleanup)
        try? FileManager.default.removeItem(atPath: path)
    }
}
