import Crypto
import Foundation

/// Size and SHA-256 of a local file, read in 1 MiB chunks.
public enum FileDigest {
    /// With `sync`, also fsyncs the file, so a staged file is durable before it is published.
    public static func sha256(path: String, sync: Bool = false) throws -> (bytes: Int64, hex: String) {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? h.close() }
        var hasher = SHA256()
        var total: Int64 = 0
        while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            total += Int64(chunk.count)
        }
        if sync { try h.synchronize() }
        return (total, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
