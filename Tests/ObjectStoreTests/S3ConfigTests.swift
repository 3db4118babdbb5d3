import Foundation
import Testing
@testable import ObjectStore

@Suite struct S3ConfigTests {
    static let keys = ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret/value"]

    @Test func customEndpointUsesPathStyle() throws {
        let c = try S3Config.fromEnvironment(Self.keys.merging(["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000/"]) { $1 },
                                             storeURL: "s3://lake/raw/sales")
        #expect(c.bucket == "lake")
        #expect(c.prefix == "raw/sales")
        #expect(c.endpoint.absoluteString == "http://127.0.0.1:9000")
        #expect(c.addressing == .path)
        #expect(c.region == "us-east-1")
        #expect(c.displayName == "s3://lake/raw/sales")
        #expect(c.credentials.sessionToken == nil)
    }

    @Test func awsDefaultsToVirtualHostedAddressing() throws {
        let c = try S3Config.fromEnvironment(Self.keys.merging(["AWS_DEFAULT_REGION": "eu-west-1", "AWS_SESSION_TOKEN": "tok"]) { $1 },
                                             storeURL: "s3://lake")
        #expect(c.endpoint.absoluteString == "https://s3.eu-west-1.amazonaws.com")
        #expect(c.addressing == .virtualHosted)
        #expect(c.region == "eu-west-1")
        #expect(c.prefix == "")
        #expect(c.credentials.sessionToken == "tok")
        // Dotted bucket names cannot be TLS host names.
        #expect(try S3Config.fromEnvironment(Self.keys, storeURL: "s3://my.lake").addressing == .path)
    }

    @Test func endpointPrecedenceAndRegionPrecedence() throws {
        let env = Self.keys.merging(["AWS_ENDPOINT_URL": "http://b:2", "S3_ENDPOINT_URL": "http://c:3", "MINIO_ENDPOINT": "d:4",
                                     "AWS_ENDPOINT_URL_S3": "http://a:1", "AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "eu-west-1"]) { $1 }
        let c = try S3Config.fromEnvironment(env, storeURL: "s3://lake/p")
        #expect(c.endpoint.absoluteString == "http://a:1")
        #expect(c.region == "ap-south-1")
        var rest = env
        rest["AWS_ENDPOINT_URL_S3"] = nil
        #expect(try S3Config.fromEnvironment(rest, storeURL: "s3://lake").endpoint.absoluteString == "http://b:2")
        rest["AWS_ENDPOINT_URL"] = nil
        #expect(try S3Config.fromEnvironment(rest, storeURL: "s3://lake").endpoint.absoluteString == "http://c:3")
        rest["S3_ENDPOINT_URL"] = nil
        #expect(try S3Config.fromEnvironment(rest, storeURL: "s3://lake").endpoint.absoluteString == "https://d:4")
    }

    @Test func minioVariablesAndBucketFromEnvironment() throws {
        let c = try S3Config.fromEnvironment(["MINIO_ENDPOINT": "http://minio:9000", "MINIO_ACCESS_KEY": "minio",
                                              "MINIO_SECRET_KEY": "minio123", "MINIO_BUCKET": "warehouse"], storeURL: "s3://")
        #expect(c.bucket == "warehouse")
        #expect(c.credentials.accessKeyID == "minio")
        #expect(c.credentials.secretAccessKey == "minio123")
        #expect(c.addressing == .path)
        let d = try S3Config.fromEnvironment(["S3_BUCKET": "bucket-1", "MINIO_BUCKET": "bucket-2"].merging(Self.keys) { $1 }, storeURL: "s3:///pre/fix/")
        #expect(d.bucket == "bucket-1")
        #expect(d.prefix == "pre/fix")
    }

    @Test func missingPiecesAreClearErrors() {
        #expect(throws: S3ConfigError.self) { try S3Config.fromEnvironment([:], storeURL: "s3://lake") }
        do {
            _ = try S3Config.fromEnvironment(["AWS_ACCESS_KEY_ID": "x"], storeURL: "s3://lake")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("AWS_SECRET_ACCESS_KEY"))
        }
        do {
            _ = try S3Config.fromEnvironment(Self.keys, storeURL: "s3://")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("S3_BUCKET"))
        }
        #expect(throws: S3ConfigError.self) { try S3Config.fromEnvironment(Self.keys, storeURL: "/local/lake") }
        #expect(throws: S3ConfigError.self) { try S3Config.fromEnvironment(Self.keys, storeURL: "s3://Bad_Bucket!") }
    }

    @Test func descriptionHidesTheSecret() throws {
        let c = try S3Config.fromEnvironment(Self.keys, storeURL: "s3://lake")
        #expect(!c.description.contains("secret/value"))
    }

    @Test func partSizesStayWithinLimits() {
        let t = S3Tuning()
        #expect(t.partSize(forFileOfSize: 100 << 20) == 8 << 20)
        #expect(t.partSize(forFileOfSize: 80_000 << 20) == 8 << 20)
        // 100 GiB needs parts over 8 MiB to fit 10,000 parts.
        let big: Int64 = 100 << 30
        let part = t.partSize(forFileOfSize: big)!
        #expect(part % (1 << 20) == 0 && (big + part - 1) / part <= 10_000 && part <= 64 << 20)
        #expect(t.partSize(forFileOfSize: 700 << 30) == nil)
    }
}
