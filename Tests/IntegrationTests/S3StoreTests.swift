import Crypto
import Foundation
import ObjectStore
import SigV4
import Testing

/// S3Store against a real server that checks every signature (moto 5.2.5).
@Suite(.enabled(if: S3TestServer.available || TestEnvironment.required))
struct S3StoreTests {
    @Test func putGetRangeHeadDownload() async throws {
        let server = try S3TestServer.shared()
        let store = try server.store()
        let data = testBytes(count: 100_000, seed: 1)
        try await store.put(key: "a/b.bin", data: data)
        #expect(try await store.get(key: "a/b.bin", range: nil) == data)
        #expect(try await store.get(key: "a/b.bin", range: 10..<20) == Array(data[10..<20]))
        #expect(try await store.get(key: "a/b.bin", range: 99_990..<100_000) == Array(data[99_990...]))
        #expect(try await store.get(key: "a/b.bin", range: 5..<5) == [])

        let info = try #require(try await store.head(key: "a/b.bin"))
        #expect(info.key == "a/b.bin")
        #expect(info.size == 100_000)
        #expect(info.etag == "\"" + Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined() + "\"")
        #expect(info.lastModified != nil)
        #expect(try await store.head(key: "a/missing") == nil)
        await #expect(throws: ObjectStoreError.notFound(store: store.displayName, key: "a/missing")) {
            _ = try await store.get(key: "a/missing", range: nil)
        }

        let dir = try TestEnvironment.temporaryDirectory("s3-download")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("source.bin")
        let fileData = testBytes(count: 3_000_000, seed: 2)
        try Data(fileData).write(to: source)
        try await store.put(key: "from-file.bin", fromFile: source.path)
        let target = dir.appendingPathComponent("target.bin")
        try await store.download(key: "from-file.bin", toFile: target.path)
        #expect(try Data(contentsOf: target) == Data(fileData))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["source.bin", "target.bin"])

        // Replacing an object is one atomic PUT.
        try await store.put(key: "a/b.bin", data: [1, 2, 3])
        #expect(try await store.get(key: "a/b.bin", range: nil) == [1, 2, 3])
        #expect(store.retryCount == 0)
        try await store.shutdown()
    }

    /// S3 conditional writes as moto 5.2.5 answers them: If-None-Match: * and If-Match, with
    /// 412 mapped to `.preconditionFailed` and the new ETag returned.
    @Test func conditionalPuts() async throws {
        let store = try S3TestServer.shared().store()
        let failed = ObjectStoreError.preconditionFailed(store: store.displayName, key: "d/_lease")
        let first = try await store.put(key: "d/_lease", data: Array("a".utf8), if: .absent)
        #expect(try await store.head(key: "d/_lease")?.etag == first)
        await #expect(throws: failed) { _ = try await store.put(key: "d/_lease", data: Array("b".utf8), if: .absent) }
        await #expect(throws: failed) { _ = try await store.put(key: "d/_lease", data: Array("b".utf8), if: .matches(etag: "\"0123\"")) }
        let second = try await store.put(key: "d/_lease", data: Array("b".utf8), if: .matches(etag: first))
        #expect(second != first)
        let now = try await store.get(key: "d/_lease", range: nil)
        #expect(now == Array("b".utf8))
        await #expect(throws: failed) { _ = try await store.put(key: "d/_lease", data: Array("c".utf8), if: .matches(etag: first)) }
        try await store.delete(keys: ["d/_lease"])
        await #expect(throws: failed) { _ = try await store.put(key: "d/_lease", data: Array("c".utf8), if: .matches(etag: second)) }
        try await store.shutdown()
    }

    /// Keys with every character S3 signing trips over survive put, list, get and delete.
    @Test func awkwardKeysRoundTrip() async throws {
        let server = try S3TestServer.shared()
        let store = try server.store()
        let keys = ["date=2025-01-01/part-0.parquet", "sp ace/a+b=c.bin", "p/(x)!*'.txt", "p/:@$&;,%.txt",
                    "caf\u{e9}/\u{65e5}\u{672c}/\u{1F600}.bin", "p/100%25 sure~.bin", "region=eu-west/x=1&y=2.csv"]
        for (i, key) in keys.enumerated() { try await store.put(key: key, data: Array("object \(i)".utf8)) }
        let listed = try await store.list(prefix: "")
        #expect(listed.map(\.key) == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        for (i, key) in keys.enumerated() {
            #expect(try await store.get(key: key, range: nil) == Array("object \(i)".utf8), "\(key)")
            #expect(try await store.head(key: key)?.size == Int64("object \(i)".utf8.count))
        }
        #expect(try await store.list(prefix: "date=2025-01-01/").map(\.key) == ["date=2025-01-01/part-0.parquet"])
        try await store.delete(keys: keys + ["never/existed"])
        #expect(try await store.list(prefix: "").isEmpty)
        try await store.shutdown()
    }

    @Test func listsAndDeletesMoreThanOneThousandKeys() async throws {
        let server = try S3TestServer.shared()
        let store = try server.store()
        let keys = (0..<1_105).map { String(format: "many/k%05d", $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: keys.count, by: 70) {
                let slice = keys[chunk..<min(chunk + 70, keys.count)]
                group.addTask { for k in slice { try await store.put(key: k, data: [1]) } }
            }
            try await group.waitForAll()
        }
        try await store.put(key: "other/x", data: [2])
        let listed = try await store.list(prefix: "many/")
        #expect(listed.count == 1_105)
        #expect(listed.map(\.key) == keys)
        #expect(listed.allSatisfy { $0.size == 1 })
        try await store.delete(keys: keys)
        #expect(try await store.list(prefix: "many/").isEmpty)
        #expect(try await store.list(prefix: "").map(\.key) == ["other/x"])
        try await store.shutdown()
    }

    @Test func multipartUploadWithALowThreshold() async throws {
        let server = try S3TestServer.shared()
        var tuning = S3Tuning()
        tuning.multipartThreshold = 5 << 20
        tuning.minimumPartSize = 5 << 20
        let store = try server.store(tuning: tuning)
        let dir = try TestEnvironment.temporaryDirectory("s3-multipart")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big.bin")
        let data = testBytes(count: (5 << 20) * 3 + 12_345, seed: 3)
        try Data(data).write(to: file)
        try await store.put(key: "big/file.bin", fromFile: file.path)
        let info = try #require(try await store.head(key: "big/file.bin"))
        #expect(info.size == Int64(data.count))
        #expect(info.etag?.hasSuffix("-4\"") == true, "a 4-part multipart ETag, got \(info.etag ?? "nil")")
        let back = dir.appendingPathComponent("back.bin")
        try await store.download(key: "big/file.bin", toFile: back.path)
        #expect(SHA256.hash(data: try Data(contentsOf: back)) == SHA256.hash(data: data))
        #expect(try await store.get(key: "big/file.bin", range: 5_242_870..<5_242_890) == Array(data[5_242_870..<5_242_890]))
        #expect(try openUploads(server, prefix: store.config.prefix) == 0)
        try await store.shutdown()
    }

    @Test func wrongSecretGivesAClearAuthenticationError() async throws {
        let server = try S3TestServer.shared()
        let wrong = "WRONG" + server.secretAccessKey.dropFirst(5)
        let store = try server.store(secret: String(wrong))
        do {
            try await store.put(key: "x.bin", data: [1, 2, 3])
            Issue.record("a wrong secret was accepted")
        } catch let error as S3Error {
            #expect(error.kind == .authentication)
            #expect(error.isAuthFailure)
            #expect(error.status == 403)
            #expect(error.code == "SignatureDoesNotMatch")
            let text = error.description
            #expect(text.contains("s3://\(server.bucket)/\(store.config.prefix)"))
            #expect(text.contains("x.bin"))
            #expect(text.contains("HTTP 403"))
            #expect(text.contains("AWS_SECRET_ACCESS_KEY"))
            #expect(!text.contains(wrong) && !text.contains(server.secretAccessKey))
            #expect(!text.contains(server.accessKeyID))
            #expect(text.range(of: "[0-9a-f]{64}", options: .regularExpression) == nil, "no signature in: \(text)")
        }
        #expect(store.retryCount == 0, "authentication failures are not retried")
        try await store.shutdown()
    }

    @Test func configFromEnvironmentReachesTheServer() async throws {
        let server = try S3TestServer.shared()
        let prefix = "env-\(UUID().uuidString.prefix(6).lowercased())"
        let config = try S3Config.fromEnvironment(
            ["MINIO_ENDPOINT": server.endpoint, "MINIO_ACCESS_KEY": server.accessKeyID,
             "MINIO_SECRET_KEY": server.secretAccessKey, "MINIO_BUCKET": server.bucket],
            storeURL: "s3:///\(prefix)")
        #expect(config.addressing == .path)
        let store = try S3Store(config: config)
        try await store.put(key: "k", data: [9])
        #expect(try await store.list(prefix: "").map(\.key) == ["k"])
        try await store.delete(keys: ["k"])
        try await store.shutdown()
    }
}

/// Open multipart uploads under `prefix`, asked of the server with boto3.
func openUploads(_ server: S3TestServer, prefix: String) throws -> Int {
    let out = try runPython(server.pythonPreamble + """
        import sys
        r = s3.list_multipart_uploads(Bucket=bucket, Prefix=sys.argv[1])
        print(len(r.get("Uploads", [])))
        """, [prefix])
    return Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}
