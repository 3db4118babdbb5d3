import Foundation
import ObjectStore

/// Turns `--store` / `INLET_STORE` into an object store: `s3://bucket[/prefix]` is S3 or
/// MinIO (configured from the environment and `.env`), anything else a local folder.
enum StoreResolver {
    static let defaultLocation = "./lake"

    /// The process environment with `.env` (in the working directory) filling gaps, never overriding.
    static var environment: [String: String] {
        DotEnv.load(path: FileManager.default.currentDirectoryPath + "/.env", into: ProcessInfo.processInfo.environment)
    }

    /// `--store`, else `INLET_STORE`, else a config file's `store:`, else `./lake`.
    static func location(_ option: String?, env: [String: String] = environment, configured: String? = nil) -> String {
        option ?? env["INLET_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? configured ?? defaultLocation
    }

    static func open(_ option: String?, configured: String? = nil) throws -> any ObjectStore {
        let env = environment
        let loc = location(option, env: env, configured: configured)
        if loc.hasPrefix("s3://") {
            return try S3Store(config: S3Config.fromEnvironment(env, storeURL: loc))
        }
        if loc.contains("://") {
            throw CLIError.usage("--store '\(loc)': use a folder path or s3://bucket[/prefix]")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: loc, isDirectory: &isFolder), !isFolder.boolValue {
            throw CLIError.usage("--store '\(loc)' is a file; give a folder (made when missing) or s3://bucket[/prefix]")
        }
        return LocalStore(root: loc)
    }

    /// Releases network resources (the S3 client's connection pool).
    static func close(_ store: any ObjectStore) async {
        if let s3 = store as? S3Store { try? await s3.shutdown() }
    }
}
