import Columnar
import Foundation

/// `datasets/{id}/_manifest.json`: what the last load published, for `inlet datasets`/`show`
/// and for people auditing a lake. Written after the data, so it never names a missing file.
public struct Manifest: Codable, Sendable, Equatable {
    public var formatVersion: Int
    public var id: String
    public var schema: [ManifestField]
    public var partitionColumn: String?
    public var partitionTimeZone: String?
    /// Every data file of the dataset after this load (kept ones included), in key order.
    public var files: [ManifestFile]
    public var source: SourceInfo?
    public var mode: WriteMode
    public var runId: String
    public var startedAt: Date
    public var finishedAt: Date
    public var inletVersion: String
    /// An incremental source's position after this load (a cursor, the files loaded), published
    /// with the data it describes: a load that does not publish never advances it. A dataset
    /// with state treats data files its manifest does not list as an unfinished load's leftovers.
    public var state: JSONValue?
    /// `delta` for a Delta table (nil: the plain layout), and the version this manifest describes.
    /// A Delta table's truth is its log; the manifest is what its last committer saw.
    public var tableFormat: TableFormat?
    public var deltaVersion: Int64?

    public var rows: Int64 { files.reduce(0) { $0 + $1.rows } }
    public var bytes: Int64 { files.reduce(0) { $0 + $1.bytes } }
    /// Partition names (`date=…`) in order; empty when unpartitioned.
    public var partitions: [String] { Array(Set(files.compactMap(\.partition))).sorted() }

    public func encoded() throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return Array(try e.encode(self)) + [0x0A]
    }

    public static func decode(_ bytes: [UInt8]) throws -> Manifest {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(Manifest.self, from: Data(bytes))
    }
}

public struct ManifestField: Codable, Sendable, Equatable {
    public var name: String
    public var type: String
    public var nullable: Bool

    public init(_ f: Field) { name = f.name; type = f.type.name; nullable = f.nullable }
}

public struct ManifestFile: Codable, Sendable, Equatable {
    /// The object key, e.g. `datasets/orders/partitions/date=2024-05-01/part-0000.parquet`.
    public var key: String
    /// `date=2024-05-01`; nil when unpartitioned.
    public var partition: String?
    public var rows: Int64
    public var bytes: Int64
    /// Hex SHA-256 of the file's bytes.
    public var sha256: String
}

/// The input a load came from (the caller hashes it while reading).
public struct SourceInfo: Codable, Sendable, Equatable {
    public var fileName: String
    public var size: Int64
    public var sha256: String

    public init(fileName: String, size: Int64, sha256: String) {
        self.fileName = fileName; self.size = size; self.sha256 = sha256
    }
}
