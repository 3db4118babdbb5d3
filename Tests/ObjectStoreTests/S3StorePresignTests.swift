import Foundation
import SigV4
import Testing
@testable import ObjectStore

@Suite struct S3StorePresignTests {
    /// The S3 documentation's presigned GET, reached through the store's addressing (AWS, virtual-hosted).
    @Test func storePresignsTheDocumentedExample() async throws {
        let config = try S3Config(bucket: "examplebucket", region: "us-east-1",
                                  credentials: SigV4Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        #expect(config.addressing == .virtualHosted)
        let store = try S3Store(config: config)
        let url = try store.presignedURL(key: "test.txt", expires: 86_400, at: Date(timeIntervalSince1970: 1_369_353_600))
        #expect(url.hasPrefix("https://examplebucket.s3.us-east-1.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"))
        // The host differs from the documented one (regional endpoint), so only the shape is fixed here;
        // the signature itself is checked against the documentation in SigV4S3ExampleTests.
        #expect(url.contains("X-Amz-SignedHeaders=host&X-Amz-Signature="))
        try await store.shutdown()
    }

    @Test func pathStyleKeepsTheBucketInThePath() async throws {
        let config = try S3Config(bucket: "lake", prefix: "raw", endpoint: URL(string: "http://127.0.0.1:9000")!,
                                  credentials: SigV4Credentials(accessKeyID: "a", secretAccessKey: "b"))
        let store = try S3Store(config: config)
        let url = try store.presignedURL(key: "date=2025-01-01/a b.csv", at: Date(timeIntervalSince1970: 0))
        #expect(url.hasPrefix("http://127.0.0.1:9000/lake/raw/date%3D2025-01-01/a%20b.csv?"))
        #expect(throws: ObjectStoreError.self) { try store.presignedURL(key: "/abs") }
        try await store.shutdown()
    }
}
