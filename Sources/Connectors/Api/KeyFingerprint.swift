import ObjectStore

/// 128 bits of SHA-256 over a record's key bytes: what a run remembers of a record it loaded
/// (duplicates within the run, the incremental lag window), 16 bytes however long the key.
struct KeyFingerprint: Hashable, Sendable {
    let a: UInt64
    let b: UInt64

    init(_ bytes: [UInt8]) {
        (a, b) = bytes.withUnsafeBytes { FileDigest.fingerprint($0) }
    }

    /// From the 32 hex digits `hex` gives (the form published in a dataset's state).
    init?(hex: String) {
        guard hex.utf8.count == 32, let a = UInt64(hex.prefix(16), radix: 16), let b = UInt64(hex.suffix(16), radix: 16) else { return nil }
        (self.a, self.b) = (a, b)
    }

    var hex: String {
        FileDigest.hex((0 ..< 16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? a : b) >> (56 - 8 * UInt64($0 % 8))) })
    }
}
