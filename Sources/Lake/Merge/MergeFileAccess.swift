import Foundation
import ObjectStore
import Parquet

/// How a merge reaches existing files: their footers, then whole files for the candidates.
public struct MergeFileAccess: Sendable {
    /// The file's footer. Counts the bytes it fetched.
    public var footer: @Sendable (ExistingDataFile) async throws -> (ParquetFooter, bytesFetched: Int64)
    /// A local path to the whole file, and whether it is a temporary copy to delete afterwards.
    public var localFile: @Sendable (ExistingDataFile) async throws -> (path: String, temporary: Bool)

    public init(footer: @escaping @Sendable (ExistingDataFile) async throws -> (ParquetFooter, bytesFetched: Int64),
                localFile: @escaping @Sendable (ExistingDataFile) async throws -> (path: String, temporary: Bool)) {
        self.footer = footer; self.localFile = localFile
    }

    /// Files of `store`: opened in place on a local store; elsewhere the footer comes by two
    /// ranged GETs (the 8-byte trailer, then the footer) and a candidate is downloaded into `scratch`.
    public static func store(_ store: any ObjectStore, scratch: String) -> MergeFileAccess {
        if let local = store.capabilities.localFiles {
            return MergeFileAccess(footer: { f in
                let path = try local.path(forKey: f.key)
                let reader = try ParquetFileReader(path: path)
                return (reader.footer, f.bytes - reader.footer.chunkBytes)
            }, localFile: { f in (try local.path(forKey: f.key), false) })
        }
        return MergeFileAccess(footer: { f in
            guard f.bytes >= 12 else { throw ParquetError.corrupt("\(f.key) is \(f.bytes) bytes, too small for Parquet") }
            let trailer = try await store.get(key: f.key, range: (f.bytes - 8) ..< f.bytes)
            let length = Int64(try ParquetFooter.footerLength(trailer: trailer))
            guard length > 0, length <= f.bytes - 12 else {
                throw ParquetError.corrupt("\(f.key): footer length \(length) does not fit the \(f.bytes)-byte file")
            }
            let footer = try await store.get(key: f.key, range: (f.bytes - 8 - length) ..< (f.bytes - 8))
            return (try ParquetFooter(footer: footer), 8 + length)
        }, localFile: { f in
            let path = scratch + "/" + UUID().uuidString + ".parquet"
            try await store.download(key: f.key, toFile: path)
            return (path, true)
        })
    }
}
