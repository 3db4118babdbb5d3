import Crypto
import Foundation

/// Size and SHA-256 of a local file, read in 1 MiB chunks.
public enum FileDigest {
    public static func sha256(path: String) throws -> (bytes: Int64, hex: String) {
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
        return (total, hex(hasher.finalize()))
    }

    /// SHA-256 fed piece by piece, in order, from one thread at a time (e.g. a file's bytes as
    /// a pass reads them); read `hex` after the last piece.
    public final class Streaming: @unchecked Sendable {
        private var hasher = SHA256()
        public private(set) var bytes: Int64 = 0

        public init() {}

        public func update(_ piece: UnsafeRawBufferPointer) {
            hasher.update(bufferPointer: piece)
            bytes += Int64(piece.count)
        }

        public var hex: String { FileDigest.hex(hasher.finalize()) }
    }

    /// Lowercase hex of `bytes`.
    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

extension FileDigest {
    /// The first 16 bytes of SHA-256 of `bytes`: an identity for a short value (a record's key)
    /// that is the same in every run and on every machine.
    public static func fingerprint(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let digest = Array(SHA256.hash(data: bytes))
        var a: UInt64 = 0, b: UInt64 = 0
        for k in 0 ..< 8 { a = a << 8 | UInt64(digest[k]); b = b << 8 | UInt64(digest[8 + k]) }
        return (a, b)
    }
}
