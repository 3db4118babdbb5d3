import Foundation
import SigV4

/// Where and how to reach one bucket (and key prefix inside it).
public struct S3Config: Sendable, CustomStringConvertible {
    public enum Addressing: String, Sendable {
        /// `https://endpoint/bucket/key`: MinIO and other custom endpoints.
        case path
        /// `https://bucket.s3.region.amazonaws.com/key`: AWS.
        case virtualHosted
    }

    public var bucket: String
    /// Key prefix without leading or trailing `/` ("" for the bucket root).
    public var prefix: String
    /// `http(s)://host[:port]`; for AWS, `https://s3.<region>.amazonaws.com`.
    public var endpoint: URL
    public var region: String
    public var credentials: SigV4Credentials
    public var addressing: Addressing
    public var tuning: S3Tuning

    public init(bucket: String, prefix: String = "", endpoint: URL? = nil, region: String = "us-east-1",
                credentials: SigV4Credentials, addressing: Addressing? = nil, tuning: S3Tuning = S3Tuning()) throws {
        guard !bucket.isEmpty else { throw S3ConfigError("no bucket: give s3://bucket[/prefix], or set S3_BUCKET or MINIO_BUCKET") }
        self.bucket = bucket
        self.prefix = prefix.split(separator: "/").joined(separator: "/")
        self.region = region
        self.credentials = credentials
        self.tuning = tuning
        if let endpoint {
            guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https", endpoint.host != nil else {
                throw S3ConfigError("endpoint '\(endpoint.absoluteString)' is not an http(s)://host[:port] URL")
            }
            self.endpoint = endpoint
            self.addressing = addressing ?? .path
        } else {
            self.endpoint = URL(string: "https://s3.\(region).amazonaws.com")!
            // Buckets with dots break TLS host names under virtual hosting, as the AWS SDKs know.
            self.addressing = addressing ?? (bucket.contains(".") ? .path : .virtualHosted)
        }
    }

    /// `s3://bucket/prefix`, for messages.
    public var displayName: String { prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)" }

    public var description: String {
        "\(displayName) at \(endpoint.absoluteString) (\(region), \(addressing.rawValue)-style, \(credentials))"
    }

    /// The configuration for `storeURL` (`s3://bucket[/prefix]`) from environment variables:
    /// endpoint `AWS_ENDPOINT_URL_S3` | `AWS_ENDPOINT_URL` | `S3_ENDPOINT_URL` | `MINIO_ENDPOINT`;
    /// credentials `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` or
    /// `MINIO_ACCESS_KEY`/`MINIO_SECRET_KEY`; region `AWS_REGION` | `AWS_DEFAULT_REGION` (us-east-1);
    /// bucket `S3_BUCKET` | `MINIO_BUCKET` when the URL names none. Custom endpoints use
    /// path-style addressing, AWS virtual-hosted (override with `AWS_S3_ADDRESSING_STYLE=path|virtual`).
    public static func fromEnvironment(_ env: [String: String], storeURL: String) throws -> S3Config {
        func value(_ names: String...) -> String? {
            for n in names { if let v = env[n]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return v } }
            return nil
        }
        guard storeURL.lowercased().hasPrefix("s3://") else { throw S3ConfigError("store '\(storeURL)' is not an s3:// URL") }
        let rest = storeURL.dropFirst(5)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var bucket = parts.first.map(String.init) ?? ""
        let prefix = parts.count > 1 ? String(parts[1]) : ""
        if bucket.isEmpty { bucket = value("S3_BUCKET", "MINIO_BUCKET") ?? "" }
        guard !bucket.isEmpty else {
            throw S3ConfigError("'\(storeURL)' names no bucket and neither S3_BUCKET nor MINIO_BUCKET is set")
        }
        guard isValidBucketName(bucket) else { throw S3ConfigError("'\(bucket)' is not a valid bucket name") }

        var endpoint: URL?
        if var raw = value("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "S3_ENDPOINT_URL", "MINIO_ENDPOINT") {
            // MINIO_ENDPOINT is often written as host:port.
            if !raw.contains("://") { raw = (value("MINIO_SECURE") == "false" ? "http://" : "https://") + raw }
            while raw.hasSuffix("/") { raw.removeLast() }
            guard let url = URL(string: raw) else { throw S3ConfigError("endpoint '\(raw)' is not a URL") }
            endpoint = url
        }
        // The AWS pair wins when its key id is set; the MinIO pair is the fallback.
        let usesAWSNames = value("AWS_ACCESS_KEY_ID") != nil
        let access = usesAWSNames ? value("AWS_ACCESS_KEY_ID") : value("MINIO_ACCESS_KEY")
        let secret = usesAWSNames ? value("AWS_SECRET_ACCESS_KEY") : value("MINIO_SECRET_KEY")
        guard let access, let secret else {
            throw S3ConfigError("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or MINIO_ACCESS_KEY and MINIO_SECRET_KEY), in the environment or in .env")
        }
        let token = usesAWSNames ? value("AWS_SESSION_TOKEN") : nil
        let region = value("AWS_REGION", "AWS_DEFAULT_REGION") ?? "us-east-1"
        var addressing: Addressing?
        switch value("AWS_S3_ADDRESSING_STYLE")?.lowercased() {
        case "path": addressing = .path
        case "virtual": addressing = .virtualHosted
        default: addressing = nil
        }
        return try S3Config(bucket: bucket, prefix: prefix, endpoint: endpoint, region: region,
                            credentials: SigV4Credentials(accessKeyID: access, secretAccessKey: secret, sessionToken: token),
                            addressing: addressing)
    }

    static func isValidBucketName(_ name: String) -> Bool {
        guard (3...63).contains(name.utf8.count) else { return false }
        return name.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
        }
    }
}

/// Sizes, concurrency and timeouts; the defaults suit S3 and MinIO.
public struct S3Tuning: Sendable {
    /// Files at least this large go up as multipart uploads.
    public var multipartThreshold: Int64 = 16 << 20
    /// Smallest part (S3's minimum is 5 MiB; parts grow so a file needs ≤ 10,000 of them).
    public var minimumPartSize: Int64 = 8 << 20
    public var maximumPartSize: Int64 = 64 << 20
    /// Parts uploading at once (memory is about this many parts).
    public var concurrency: Int = 4
    public var connectTimeout: Duration = .seconds(10)
    /// Longest silence while waiting for response bytes.
    public var readTimeout: Duration = .seconds(60)
    /// Limit on a whole request, upload included.
    public var requestTimeout: Duration = .seconds(900)

    public init() {}

    /// The part size for a file of `size` bytes: at least `minimumPartSize`, whole MiB,
    /// large enough for at most 10,000 parts; nil when even `maximumPartSize` is too small.
    public func partSize(forFileOfSize size: Int64) -> Int64? {
        let mib: Int64 = 1 << 20
        let needed = (size + 9_999) / 10_000
        let part = max(minimumPartSize, (needed + mib - 1) / mib * mib)
        return part <= max(maximumPartSize, minimumPartSize) ? part : nil
    }
}

public struct S3ConfigError: Error, CustomStringConvertible, Equatable {
    public var description: String
    init(_ message: String) { description = message }
}
