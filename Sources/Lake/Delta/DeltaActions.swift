import Columnar
import Foundation

/// The actions of a Delta Lake commit (one JSON object per line of `_delta_log/NNN.json`),
/// as the Delta transaction protocol names their fields. Fields Inlet does not write are
/// still decoded when another writer left them, so reading never loses a file.
public enum DeltaAction: Sendable, Equatable {
    case protocolVersions(DeltaProtocol)
    case metaData(DeltaMetadata)
    case add(DeltaAddFile)
    case remove(DeltaRemoveFile)
    case commitInfo(DeltaCommitInfo)
    /// Anything else (txn, cdc, domainMetadata…): kept for the count, otherwise ignored.
    case other(String)
}

public struct DeltaProtocol: Codable, Sendable, Equatable {
    public var minReaderVersion: Int
    public var minWriterVersion: Int
    public var readerFeatures: [String]?
    public var writerFeatures: [String]?

    /// Reader 1 / writer 2 unless a naive timestamp needs the `timestampNtz` table feature
    /// (reader 3 / writer 7, which list their features).
    public static func required(for schema: Schema) -> DeltaProtocol {
        let ntz = schema.fields.contains { DeltaSchema.usesTimestampNtz($0.type) }
        return ntz ? DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"], writerFeatures: ["timestampNtz"])
                   : DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2, readerFeatures: nil, writerFeatures: nil)
    }
}

public struct DeltaFormat: Codable, Sendable, Equatable {
    public var provider: String
    public var options: [String: String]
}

public struct DeltaMetadata: Codable, Sendable, Equatable {
    /// The table's stable id (a UUID), kept across schema changes.
    public var id: String
    public var name: String?
    public var description: String?
    public var format: DeltaFormat
    public var schemaString: String
    public var partitionColumns: [String]
    public var configuration: [String: String]
    public var createdTime: Int64?
}

public struct DeltaAddFile: Codable, Sendable, Equatable {
    /// Relative to the table root, e.g. `partitions/date=2024-05-01/part-0000-<run>.parquet`.
    public var path: String
    /// Partition column → its value as a string, nil for null.
    public var partitionValues: [String: String?]
    public var size: Int64
    /// Milliseconds since the epoch.
    public var modificationTime: Int64
    public var dataChange: Bool
    /// JSON: numRecords, minValues, maxValues, nullCount (see `DeltaStats`).
    public var stats: String?
    /// Inlet keeps the file's SHA-256 here (`sha256`), for the manifest.
    public var tags: [String: String]?

    public init(path: String, partitionValues: [String: String?], size: Int64, modificationTime: Int64, dataChange: Bool,
                stats: String?, tags: [String: String]? = nil) {
        self.path = path; self.partitionValues = partitionValues; self.size = size; self.modificationTime = modificationTime
        self.dataChange = dataChange; self.stats = stats; self.tags = tags
    }
}

public struct DeltaRemoveFile: Codable, Sendable, Equatable {
    public var path: String
    public var deletionTimestamp: Int64?
    public var dataChange: Bool
    public var extendedFileMetadata: Bool?
    public var partitionValues: [String: String?]?
    public var size: Int64?

    public init(path: String, deletionTimestamp: Int64?, dataChange: Bool, extendedFileMetadata: Bool? = nil,
                partitionValues: [String: String?]? = nil, size: Int64? = nil) {
        self.path = path; self.deletionTimestamp = deletionTimestamp; self.dataChange = dataChange
        self.extendedFileMetadata = extendedFileMetadata; self.partitionValues = partitionValues; self.size = size
    }
}

public struct DeltaCommitInfo: Codable, Sendable, Equatable {
    /// Milliseconds since the epoch.
    public var timestamp: Int64?
    /// WRITE, MERGE, CONVERT… (Spark's names, which readers' history views show).
    public var operation: String?
    public var operationParameters: [String: String]?
    public var engineInfo: String?
    public var inletVersion: String?
    public var inletRunId: String?
    /// Rows the commit's added / removed files hold (Inlet's own fields).
    public var rowsAdded: Int64?
    public var rowsRemoved: Int64?
    public var operationMetrics: [String: String]?

    public init(timestamp: Int64? = nil, operation: String? = nil, operationParameters: [String: String]? = nil,
                engineInfo: String? = nil, inletVersion: String? = nil, inletRunId: String? = nil, rowsAdded: Int64? = nil,
                rowsRemoved: Int64? = nil, operationMetrics: [String: String]? = nil) {
        self.timestamp = timestamp; self.operation = operation; self.operationParameters = operationParameters
        self.engineInfo = engineInfo; self.inletVersion = inletVersion; self.inletRunId = inletRunId
        self.rowsAdded = rowsAdded; self.rowsRemoved = rowsRemoved; self.operationMetrics = operationMetrics
    }
}

extension DeltaAction {
    private struct Line: Codable {
        var `protocol`: DeltaProtocol?
        var metaData: DeltaMetadata?
        var add: DeltaAddFile?
        var remove: DeltaRemoveFile?
        var commitInfo: DeltaCommitInfo?
    }

    /// One commit file: an action per line, commitInfo first as Spark writes it.
    public static func encode(_ actions: [DeltaAction]) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out: [UInt8] = []
        for a in actions {
            var line = Line()
            switch a {
            case let .protocolVersions(p): line.protocol = p
            case let .metaData(m): line.metaData = m
            case let .add(f): line.add = f
            case let .remove(f): line.remove = f
            case let .commitInfo(c): line.commitInfo = c
            case .other: continue
            }
            out += try e.encode(line)
            out.append(0x0A)
        }
        return out
    }

    /// The actions of one commit file; `file` names it in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws -> [DeltaAction] {
        let d = JSONDecoder()
        var out: [DeltaAction] = []
        for (n, raw) in bytes.split(separator: 0x0A).enumerated() {
            let text = raw.drop { $0 == 0x20 || $0 == 0x0D }
            if text.isEmpty { continue }
            let line: Line
            do { line = try d.decode(Line.self, from: Data(text)) } catch {
                throw DeltaLogError.malformed(file: file, line: n + 1, detail: "\(error)")
            }
            if let p = line.protocol { out.append(.protocolVersions(p)) }
            if let m = line.metaData { out.append(.metaData(m)) }
            if let f = line.add { out.append(.add(f)) }
            if let f = line.remove { out.append(.remove(f)) }
            if let c = line.commitInfo { out.append(.commitInfo(c)) }
            if line.protocol == nil, line.metaData == nil, line.add == nil, line.remove == nil, line.commitInfo == nil {
                out.append(.other(String(decoding: text.prefix(40), as: UTF8.self)))
            }
        }
        return out
    }
}

public enum DeltaLogError: Error, CustomStringConvertible {
    case malformed(file: String, line: Int, detail: String)
    case missingVersion(table: String, version: Int64)

    public var description: String {
        switch self {
        case let .malformed(f, l, d): return "Delta log \(f) line \(l) cannot be read: \(d)"
        case let .missingVersion(t, v): return "Delta table \(t): version \(v) is not in its log"
        }
    }
}
