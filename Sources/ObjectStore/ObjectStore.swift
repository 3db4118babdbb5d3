import Foundation

/// What a store knows about one object.
public struct ObjectInfo: Sendable, Hashable {
    public var key: String
    public var size: Int64
    public var lastModified: Date?
    public var etag: String?

    public init(key: String, size: Int64, lastModified: Date? = nil, etag: String? = nil) {
        self.key = key; self.size = size; self.lastModified = lastModified; self.etag = etag
    }
}

/// A condition a write must meet, checked by the store atomically with the write (S3's
/// conditional writes). Leases and put-if-absent commits rest on it.
public enum WriteCondition: Sendable, Hashable {
    /// Only if no object is at the key (S3 `If-None-Match: *`).
    case absent
    /// Only if the object at the key has this ETag (S3 `If-Match`).
    case matches(etag: String)
}

/// What a store can do beyond the protocol's operations: the lake asks this rather than
/// testing the store's type.
public struct StoreCapabilities: Sendable {
    /// How a load's verified files get into the store.
    public enum Publishing: Sendable {
        /// Objects are files in a folder on this machine: a load stages beside them and renames
        /// whole folders into place; the staged files themselves become the objects.
        case renameInto(LocalStore)
        /// Each file is uploaded as an object (S3).
        case upload
    }

    public var publishing: Publishing
    /// The staged files stay as the store's files, so their disk writeback may start while the
    /// load still writes, and they must be made durable before they are published.
    public var backgroundWriteback: Bool

    public init(publishing: Publishing, backgroundWriteback: Bool) {
        self.publishing = publishing
        self.backgroundWriteback = backgroundWriteback
    }

    public static let upload = StoreCapabilities(publishing: .upload, backgroundWriteback: false)

    /// The folder store whose files can be read in place, when publishing is a rename into it.
    public var localFiles: LocalStore? {
        if case let .renameInto(store) = publishing { return store }
        return nil
    }
}

/// The lake's view of storage: a flat key space of immutable objects, where every put
/// is atomic (readers see the old object or the new one, never a partial one).
/// Keys use `/` separators and never start with `/`. `LocalStore` and `S3Store` implement it.
public protocol ObjectStore: Sendable {
    /// For messages: `./lake`, `s3://bucket/prefix`.
    var displayName: String { get }
    var capabilities: StoreCapabilities { get }
    /// Streams a local file into `key`, replacing any object there atomically.
    func put(key: String, fromFile path: String) async throws
    /// Small objects (manifests).
    func put(key: String, data: [UInt8]) async throws
    /// A small object, written only if `condition` holds at the moment of the write; returns the
    /// new object's ETag. Throws `.preconditionFailed` when the condition does not hold. A store
    /// that ignores conditions writes anyway: callers that depend on them probe first (`DatasetLease`).
    func put(key: String, data: [UInt8], if condition: WriteCondition) async throws -> String
    /// Bytes of `key`, or of `range` within it (half-open, in bytes). Throws `.notFound`.
    func get(key: String, range: Range<Int64>?) async throws -> [UInt8]
    /// Streams `key` to a local file.
    func download(key: String, toFile path: String) async throws
    /// nil when absent. The ETag is the one `put(key:data:if:)` compares.
    func head(key: String) async throws -> ObjectInfo?
    /// Every object under `prefix`, in key order, following all pages.
    func list(prefix: String) async throws -> [ObjectInfo]
    /// Deletes keys (absent keys are fine); throws `.deleteFailed` listing keys that failed.
    func delete(keys: [String]) async throws
}

extension ObjectStore {
    public var capabilities: StoreCapabilities { .upload }
}

public enum ObjectStoreError: Error, CustomStringConvertible, Equatable {
    case notFound(store: String, key: String)
    case invalidKey(String, reason: String)
    case io(store: String, key: String, message: String)
    case deleteFailed(store: String, failures: [String: String])
    /// A remote service answered with an error (S3: status, code, request id).
    case remote(String)
    /// A conditional write found the key taken (`.absent`) or changed (`.matches`).
    case preconditionFailed(store: String, key: String)

    public var description: String {
        switch self {
        case let .notFound(s, k): return "\(s): no object at '\(k)'"
        case let .invalidKey(k, r): return "invalid object key '\(k)': \(r)"
        case let .io(s, k, m): return "\(s): '\(k)': \(m)"
        case let .deleteFailed(s, f):
            let first = f.sorted { $0.key < $1.key }.prefix(5).map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            return "\(s): \(f.count) object(s) could not be deleted (\(first))"
        case let .remote(m): return m
        case let .preconditionFailed(s, k): return "\(s): '\(k)' changed under a conditional write"
        }
    }
}
