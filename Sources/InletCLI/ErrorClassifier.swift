import ArgumentParser
import Columnar
import Delimited
import Foundation
import Inference
import Lake
import ObjectStore
import Parquet
import Connectors

/// Maps every error the layers raise to an exit code and its one-line message.
/// The layers' own descriptions already name the file, line, column, dataset or key.
enum ErrorClassifier {
    static func classify(_ error: Error) -> (ExitStatus, String) {
        switch error {
        case let e as CLIError: return (e.status, e.message)
        case let e as ValidationError: return (.usage, e.message)
        case let e as CSVError: return (.badData, e.description)
        case let e as ConversionError: return (.badData, e.description)
        case let e as SourceError: return (.usage, e.description)
        case let e as CursorUsageError: return (.badData, e.description)
        case let e as TransformError: return (.usage, e.description)
        case let e as LakeError: return (lakeStatus(e), e.description)
        case let e as ObjectStoreError: return (storeStatus(e), e.description)
        case let e as DomoError: return (e.isRemote ? .remote : .usage, e.description)
        case let e as S3Error: return (.remote, e.description)
        case let e as S3ConfigError: return (.usage, e.description)
        case let e as ParquetError: return (.failure, e.description)
        case let e as CustomStringConvertible: return (.failure, e.description)
        default: return (.failure, String(describing: error))
        }
    }

    static func lakeStatus(_ e: LakeError) -> ExitStatus {
        switch e {
        case .invalidDatasetID, .missingPartitionColumn, .unsupportedPartitionType, .unknownTimeZone, .invalidOption,
             .schemaChanged, .datasetNotFound, .busy, .noConditionalWrites:
            return .usage
        case .badManifest, .publish, .leaseLost:
            return .remote
        case .rowCountMismatch, .fileFormat:
            return .failure
        }
    }

    static func storeStatus(_ e: ObjectStoreError) -> ExitStatus {
        switch e {
        case .invalidKey: return .failure
        default: return .remote
        }
    }
}
