import Foundation
import JSON

/// What a files source loads and how, as `inlet.yaml`'s `files:` block and `inlet upload`'s
/// options give it (their keys are a contract: README "kind: files").
public struct FilesSettings: Sendable {
    /// `s3://bucket/glob` or a local glob, one or more.
    public var urls: [String]
    public var format: FilesFormat = .auto
    /// CSV reading and type settings for the CSV objects.
    public var csv = CSVSettings()
    /// JSON reading and type settings for the JSON objects.
    public var json = JSONOptions()
    /// Path segments `k=v` become typed columns.
    public var hiveColumns = false
    /// A string column holding each row's object key.
    public var fileColumn: String?
    /// Load only objects not loaded before (the state says which).
    public var incremental = false
    /// Ignore objects last modified before this instant.
    public var since: Date?
    /// Where the landing bucket is when it is not the lake's (nil: the lake's environment).
    public var landing: LandingAccess?
    public var badFiles: BadFilesPolicy = .fail
    /// A pattern that matches nothing is no error.
    public var allowEmpty = false
    /// Objects downloaded at once.
    public var concurrency = 8
    /// Bytes of downloaded objects kept for a second pass; beyond it, objects are fetched again.
    public var spoolLimit: Int64 = 10 << 30
    /// After a successful publish: delete the loaded objects, or move them under this URL.
    public var deleteSource = false
    public var moveTo: String?
    /// An object that changed since it was loaded.
    public var onChange: ChangedObjectPolicy = .fail
    /// Keys the state keeps, newest first (see `FilesState`).
    public var stateKeys = FilesState.defaultKeys

    public init(urls: [String]) { self.urls = urls }

    /// The rejects path a reader gets with no input path and no `rejects`: not a place to write.
    static let unnamedRejects = ".rejects.csv"

    /// Checks what can be checked before listing: the patterns, the limits, the move target.
    public func validate() throws {
        guard !urls.isEmpty else { throw InvalidSetting(setting: "url", message: "needs at least one URL or glob") }
        for url in urls { _ = try FilesLocation(url) }
        guard concurrency >= 1 else { throw InvalidSetting(setting: "concurrency", message: "must be 1 or more") }
        guard spoolLimit >= 0 else { throw InvalidSetting(setting: "spool_limit", message: "must be 0 or more") }
        guard stateKeys >= 1 else { throw InvalidSetting(setting: "state_keys", message: "must be 1 or more") }
        if deleteSource, moveTo != nil { throw InvalidSetting(setting: "move_to", message: "and delete_source: choose one") }
        if let moveTo {
            let target = try FilesLocation(moveTo)
            if Glob.hasWildcards(moveTo) { throw InvalidSetting(setting: "move_to", message: "must be a folder or prefix, not a glob ('\(moveTo)')") }
            let sources = try urls.map { try FilesLocation($0) }
            if sources.contains(where: { $0.isS3 != target.isS3 }) {
                throw InvalidSetting(setting: "move_to", message: "must be where the objects are (\(target.isS3 ? "local files" : "S3") cannot move to '\(moveTo)')")
            }
        }
        // Many objects share one rejects file: it must be named (the default sits beside a single input).
        var unnamed = false
        if case let .reject(path) = try csv.csvOptions(inputPath: "").badRows { unnamed = csv.rejects == nil || path.isEmpty }
        if case let .reject(path) = json.badRows { unnamed = unnamed || path == Self.unnamedRejects || path.isEmpty }
        if unnamed {
            throw InvalidSetting(setting: "rejects", message: "is needed with bad_rows reject for many files: the file that gets every object's rejected rows")
        }
    }
}

public enum FilesFormat: String, Sendable, CaseIterable {
    case csv, json, parquet
    /// By extension (`.csv`, `.jsonl`, `.parquet`, compressed or not), then by content.
    case auto
}

/// What a corrupt or unreadable object does to the load.
public enum BadFilesPolicy: String, Sendable, CaseIterable {
    /// Nothing is published; the error names the object.
    case fail
    /// The others load; the summary and the manifest's state list it.
    case skip
}

/// What an object that changed since it was loaded does to an incremental load.
public enum ChangedObjectPolicy: String, Sendable, CaseIterable {
    /// Stop with an error naming it (exit 3): its old rows are in the dataset.
    case fail
    /// Leave its old rows, load nothing of it, and warn.
    case skip
    /// Load it again: only for a load that merges by key, whose new rows then replace the old
    /// ones (any other mode would keep the old rows beside the new).
    case reload

    /// Why `reload` cannot go with the load (nil: it can, or the policy is not `reload`): only a
    /// load that merges by key (a primary key makes it one) replaces the old rows.
    public func conflict(primaryKey: [String]) -> String? {
        guard self == .reload, primaryKey.isEmpty else { return nil }
        return "reload needs a load that merges by key (a primary key, mode merge): otherwise a changed object's old rows would stay beside its new ones"
    }
}

/// The landing bucket's endpoint and credentials, when they are not the lake's.
public struct LandingAccess: Sendable, Equatable {
    public var endpoint: String?
    public var accessKeyID: String?
    public var secretAccessKey: String?
    public var region: String?

    public init(endpoint: String? = nil, accessKeyID: String? = nil, secretAccessKey: String? = nil, region: String? = nil) {
        self.endpoint = endpoint; self.accessKeyID = accessKeyID; self.secretAccessKey = secretAccessKey; self.region = region
    }

    /// The environment the landing store is configured from: `base` (the lake's) with these
    /// values in place of its endpoint, keys and region.
    public func environment(over base: [String: String]) -> [String: String] {
        var env = base
        if let endpoint {
            for name in ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "S3_ENDPOINT_URL", "MINIO_ENDPOINT"] { env[name] = nil }
            env["AWS_ENDPOINT_URL_S3"] = endpoint
        }
        if accessKeyID != nil || secretAccessKey != nil {
            for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY"] { env[name] = nil }
            env["AWS_ACCESS_KEY_ID"] = accessKeyID
            env["AWS_SECRET_ACCESS_KEY"] = secretAccessKey
        }
        if let region { env["AWS_REGION"] = region; env["AWS_DEFAULT_REGION"] = nil }
        return env
    }
}

/// Printed, dumped or shown by a failed expectation, landing access never shows its secret key.
extension LandingAccess: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "landing(endpoint: \(endpoint ?? "-"), access key: \(accessKeyID ?? "-"), secret: \(secretAccessKey == nil ? "-" : "***"), region: \(region ?? "-"))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
