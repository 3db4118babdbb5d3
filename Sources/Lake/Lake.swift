import Columnar
import Foundation
import ObjectStore

/// The lake: loads batches into `datasets/{id}/…` (see `DatasetLayout`) with a verified,
/// atomic publish, and answers what datasets exist (`datasets`, `describe`) and deletes them
/// (`clear`).
///
/// Guarantees of `load`, for readers of the store while it runs and after a crash:
/// - LocalStore (Linux): each partition folder switches from its old files to its new ones in
///   one step (renameat2 RENAME_EXCHANGE); a failure before the manifest is written swaps every
///   folder back; `kill -9` leaves each partition whole, old or new (see KillTests).
/// - Other stores (S3): each object is replaced atomically; a partition with several files may
///   briefly mix versions, and stale files disappear only after the manifest is written.
/// - Staging never appears under `datasets/`; a killed run's staging is swept by the next load.
public final class Lake: Sendable {
    public let store: any ObjectStore
    public let format: any DatasetFileFormat
    /// Where remote stores' loads stage files (default: the system temp folder).
    /// `LocalStore` always stages under its own root, so publishing is a rename.
    public let stagingDirectory: String?
    /// Test hook: called at each publish step; throwing there simulates a failure.
    let failureHook: (@Sendable (PublishStep) throws -> Void)?

    public convenience init(store: any ObjectStore, format: any DatasetFileFormat, stagingDirectory: String? = nil) {
        self.init(store: store, format: format, stagingDirectory: stagingDirectory, failureHook: nil)
    }

    init(store: any ObjectStore, format: any DatasetFileFormat, stagingDirectory: String?,
         failureHook: (@Sendable (PublishStep) throws -> Void)?) {
        self.store = store
        self.format = format
        self.stagingDirectory = stagingDirectory
        self.failureHook = failureHook
    }

    /// The staging base of a dataset (see `StagingArea`).
    func stagingBase(_ id: DatasetID) -> String {
        if let local = store.capabilities.localFiles { return local.root + "/_staging/" + id.rawValue }
        let tmp = stagingDirectory ?? NSTemporaryDirectory()
        return (tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp) + "/inlet-staging/" + id.rawValue
    }

    static func makeRunId(_ date: Date) -> String {
        let suffix = (0 ..< 8).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
        return UTCText.compact(date) + "-" + suffix
    }
}

/// The points of a load where tests inject failures, in order.
enum PublishStep: Equatable, Sendable, CustomStringConvertible {
    /// Every batch written to staging.
    case staged
    /// Footers checked and files hashed.
    case verified
    /// Before moving the n-th folder (LocalStore) or file (other stores) into place.
    case move(Int)
    /// Before writing the manifest.
    case manifest
    /// Before deleting stale objects.
    case deleteStale

    var description: String {
        switch self {
        case .staged: return "writing staged files"
        case .verified: return "verifying staged files"
        case let .move(i): return "moving files into place (step \(i))"
        case .manifest: return "writing the manifest"
        case .deleteStale: return "deleting stale objects"
        }
    }
}
