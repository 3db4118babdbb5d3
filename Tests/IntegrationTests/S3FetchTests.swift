import Crypto
import Foundation
import ObjectStore
import Testing

/// What the files source needs of S3Store beyond get and put: ranged parallel downloads pinned
/// to an ETag, and server-side copies (move_to).
@Suite(.enabled(if: S3TestServer.available || TestEnvironment.required))
struct S3FetchTests {
    @Test func rangedDownloadsPinnedToTheListedETag() async throws {
        let server = try S3TestServer.shared()
        let store = try server.store()
        let dir = try TestEnvironment.temporaryDirectory("s3-fetch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = testBytes(count: 3 * 1_000_000 + 4321, seed: 21)
        try await store.put(key: "fetch/big.bin", data: data)
        let info = try #require(try await store.head(key: "fetch/big.bin"))

        // Four ranged parts of 1 MB (and a short last one), two at a time, each at its offset.
        let received = ByteCount()
        let target = dir.appendingPathComponent("big.bin").path
        try await store.download(key: "fetch/big.bin", toFile: target, size: info.size, etag: info.etag, partSize: 1_000_000,
                                 concurrency: 2) { received.add($0) }
        #expect(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: target))) == SHA256.hash(data: data))
        #expect(received.total == Int64(data.count))

        // Replaced since it was listed: the old ETag fails, and no partial file is left.
        try await store.put(key: "fetch/big.bin", data: testBytes(count: data.count, seed: 22))
        let stale = dir.appendingPathComponent("stale.bin").path
        await #expect(throws: ObjectStoreError.preconditionFailed(store: store.displayName, key: "fetch/big.bin")) {
            try await store.download(key: "fetch/big.bin", toFile: stale, size: info.size, etag: info.etag, partSize: 1_000_000)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["big.bin"])

        // A copy on the server, from the full key in the bucket.
        try await store.copy(fromBucket: server.bucket, key: store.config.prefix + "/fetch/big.bin", to: "done/big.bin")
        #expect(try await store.get(key: "done/big.bin", range: nil) == testBytes(count: data.count, seed: 22))
        try await store.shutdown()
    }
}

private final class ByteCount: @unchecked Sendable {
    private let lock = NSLock()
    private var n: Int64 = 0
    func add(_ k: Int64) { lock.lock(); n += k; lock.unlock() }
    var total: Int64 { lock.lock(); defer { lock.unlock() }; return n }
}
