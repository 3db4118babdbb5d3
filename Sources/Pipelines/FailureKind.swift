import Columnar
import Connectors
import Delimited
import Foundation
import Inference
import JSON
import Lake
import ObjectStore
import Parquet

/// The class of a failure, which decides the exit code and a summary's status: the user's
/// options or config, the input data, a remote service or the store, or anything else.
public enum FailureKind: String, Sendable, Codable {
    case usage
    case badData = "bad_data"
    case remote
    case other

    /// The class of an error any library layer raises (their descriptions already name the
    /// file, line, column, dataset or key).
    public static func of(_ error: Error) -> FailureKind {
        switch error {
        case let e as ClassifiedError:
            switch e.errorClass {
            case .usage: return .usage
            case .badData: return .badData
            case .remote: return .remote
            }
        case let e as FilesObjectError: return e.underlying is ParquetError ? .badData : of(e.underlying)
        case let e as FilesCleanupError: return of(e.underlying)
        case let e as FilesError: return of(e)
        case is GlobError: return .usage
        case is CSVError, is ConversionError, is CursorUsageError, is JSONError, is FilesCastError: return .badData
        case is SourceError, is TransformError, is S3ConfigError, is ConfigError, is ShardError,
             is InvalidSetting: return .usage
        case let e as LakeError: return of(e)
        case is DeltaSchema.Unsupported: return .usage
        case is DeltaLogError: return .remote
        case let e as ObjectStoreError: if case .invalidKey = e { return .other } else { return .remote }
        case let e as DomoError: return e.isRemote ? .remote : .usage
        case is S3Error: return .remote
        case let e as PGError: return e.isUsage ? .usage : e.isBadData ? .badData : .remote
        default: return .other
        }
    }

    static func of(_ e: FilesError) -> FailureKind {
        switch e {
        case .noMatch, .nameClash, .newColumns: return .usage
        case .noCommonType, .changed: return .badData
        }
    }

    static func of(_ e: LakeError) -> FailureKind {
        switch e {
        case .invalidDatasetID, .missingPartitionColumn, .unsupportedPartitionType, .unknownTimeZone, .invalidOption,
             .schemaChanged, .datasetNotFound, .busy, .noConditionalWrites, .commitConflict, .tableFormat, .missingKeyColumn:
            return .usage
        case .badManifest, .publish, .leaseLost:
            return .remote
        case .nullKey:
            return .badData
        case .rowCountMismatch, .fileFormat:
            return .other
        }
    }
}

/// One line for a person: the error's own description (which names what failed).
public func failureMessage(_ error: Error) -> String {
    String(describing: error)
}
