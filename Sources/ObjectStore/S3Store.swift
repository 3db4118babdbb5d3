import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import SigV4

/// `ObjectStore` on S3, MinIO or any S3-compatible server, with our own SigV4 signer.
/// Every PUT (single or multipart) is atomic on the server, so readers see the old object
/// or the new one. Call `shutdown()` before dropping the store.
public final class S3Store: ObjectStore, Sendable {
    public let config: S3Config
    let transport: S3Transport

    public init(config: S3Config, retry: RetryPolicy = .standard) throws {
        self.config = config
        self.transport = S3Transport(config: config, retry: retry)
    }

    public func shutdown() async throws { try await transport.shutdown() }

    public var displayName: String { config.displayName }
    /// Requests and retries so far (tests check that faults were retried).
    public var counters: S3Counters { transport.counters }
    public var retryCount: Int { transport.counters.retries }

    /// The object key in the bucket: the store prefix plus `key`.
    func fullKey(_ key: String) throws -> String {
        guard !key.isEmpty, !key.hasPrefix("/") else { throw ObjectStoreError.invalidKey(key, reason: "keys are non-empty and never start with '/'") }
        guard key.utf8.count + config.prefix.utf8.count < 1024 else { throw ObjectStoreError.invalidKey(key, reason: "S3 keys are at most 1024 bytes") }
        return config.prefix.isEmpty ? key : config.prefix + "/" + key
    }

    /// A presigned URL for `key` (GET by default), valid for `expires` seconds from `date`.
    public func presignedURL(key: String, method: String = "GET", expires: Int = 3600, at date: Date = Date()) throws -> String {
        let (host, path) = transport.address(key: try fullKey(key))
        return transport.signer.presignedURL(method: method, scheme: config.endpoint.scheme ?? "https", host: host,
                                             path: path, expires: expires, at: date)
    }

    // MARK: Put

    public func put(key: String, data: [UInt8]) async throws {
        var buffer = ByteBufferAllocator().buffer(capacity: data.count)
        buffer.writeBytes(data)
        try await putObject(key: key, body: buffer)
    }

    public func put(key: String, fromFile path: String) async throws {
        let file = try S3LocalFile(readingAt: path, store: displayName, key: key)
        defer { file.close() }
        let size = try file.size()
        if size < config.tuning.multipartThreshold {
            try await putObject(key: key, body: try file.read(offset: 0, count: Int(size)))
        } else {
            try await putMultipart(key: key, file: file, size: size)
        }
    }

    func putObject(key: String, body: ByteBuffer) async throws {
        let full = try fullKey(key)
        _ = try await transport.send(S3Call(method: .PUT, key: full, headers: [("content-md5", Self.md5Base64(body))],
                                            body: body, operation: "PUT", displayKey: key))
    }

    /// S3 answers 412 when the condition fails and 409 when another conditional write to the
    /// key is in flight (try again). A retried request whose first attempt landed meets its own
    /// write: the object then holds exactly `data`, which no other writer's body does.
    public func put(key: String, data: [UInt8], if condition: WriteCondition) async throws -> String {
        let full = try fullKey(key)
        var buffer = ByteBufferAllocator().buffer(capacity: data.count)
        buffer.writeBytes(data)
        let check: (name: String, value: String)
        switch condition {
        case .absent: check = ("if-none-match", "*")
        case let .matches(etag): check = ("if-match", etag)
        }
        let call = S3Call(method: .PUT, key: full, headers: [("content-md5", Self.md5Base64(buffer)), check],
                          body: buffer, operation: "PUT", displayKey: key)
        var conflicts = 0
        while true {
            do {
                let r = try await transport.send(call)
                guard let etag = r.headers.first(name: "etag") else {
                    throw transport.makeError(call, status: r.status, code: nil, message: "no ETag in the answer to a conditional PUT",
                                              requestID: nil, attempts: 1)
                }
                return etag
            } catch let error as S3Error where error.status == 409 && conflicts < 4 {
                conflicts += 1
                try await Task.sleep(for: .milliseconds(50 * conflicts))
            } catch let error as S3Error where error.status == 412 || error.status == 409
                || (error.status == 404 && condition != .absent) {
                if error.attempts > 1, let current = try await getWithETag(key: key), current.bytes == data {
                    return current.etag
                }
                throw ObjectStoreError.preconditionFailed(store: displayName, key: key)
            }
        }
    }

    /// The object's bytes and ETag, read in one request; nil when absent.
    func getWithETag(key: String) async throws -> (bytes: [UInt8], etag: String)? {
        let full = try fullKey(key)
        do {
            let r = try await transport.send(S3Call(method: .GET, key: full, operation: "GET", displayKey: key))
            return (Array(buffer: r.body), r.headers.first(name: "etag") ?? "")
        } catch let error as S3Error where error.kind == .notFound {
            return nil
        }
    }

    static func md5Base64(_ buffer: ByteBuffer) -> String {
        buffer.withUnsafeReadableBytes { Data(Insecure.MD5.hash(data: $0)).base64EncodedString() }
    }

    // MARK: Get

    public func get(key: String, range: Range<Int64>?) async throws -> [UInt8] {
        if let range, range.isEmpty { return [] }
        let full = try fullKey(key)
        var headers: [(name: String, value: String)] = []
        if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
        do {
            let response = try await transport.send(S3Call(method: .GET, key: full, headers: headers, operation: "GET", displayKey: key),
                                                    bodyLimit: Int.max)
            return Array(buffer: response.body)
        } catch let error as S3Error where error.kind == .notFound {
            throw ObjectStoreError.notFound(store: displayName, key: key)
        } catch let error as S3Error where error.status == 416 {
            // A range that starts past the end: S3's answer for an empty slice.
            return []
        }
    }

    public func download(key: String, toFile path: String) async throws {
        let full = try fullKey(key)
        let temporary = path + ".download-\(UUID().uuidString.prefix(8))"
        let store = displayName
        do {
            try await transport.withRetries(S3Call(method: .GET, key: full, operation: "GET", displayKey: key)) { response in
                // Each attempt starts the file afresh.
                let file = try S3LocalFile(writingAt: temporary, store: store, key: key)
                defer { file.close() }
                var written: Int64 = 0
                for try await chunk in response.body {
                    try file.write(chunk)
                    written += Int64(chunk.readableBytes)
                }
                if let expected = response.headers.first(name: "content-length").flatMap(Int64.init), expected != written {
                    throw S3LocalFileError.io("got \(written) of \(expected) bytes")
                }
            }
            guard rename(temporary, path) == 0 else {
                throw ObjectStoreError.io(store: store, key: key, message: "cannot move the download to \(path): \(String(cString: strerror(errno)))")
            }
        } catch let error as S3Error where error.kind == .notFound {
            unlink(temporary)
            throw ObjectStoreError.notFound(store: displayName, key: key)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    // MARK: Head

    public func head(key: String) async throws -> ObjectInfo? {
        let full = try fullKey(key)
        do {
            let r = try await transport.send(S3Call(method: .HEAD, key: full, operation: "HEAD", displayKey: key))
            let size = r.headers.first(name: "content-length").flatMap(Int64.init) ?? 0
            let modified = r.headers.first(name: "last-modified").flatMap(HTTPDate.parse)
            let etag = r.headers.first(name: "etag")
            return ObjectInfo(key: key, size: size, lastModified: modified, etag: etag)
        } catch let error as S3Error where error.kind == .notFound {
            return nil
        }
    }

    // MARK: List

    public func list(prefix: String) async throws -> [ObjectInfo] {
        let storePrefix = config.prefix.isEmpty ? "" : config.prefix + "/"
        let fullPrefix = storePrefix + prefix
        var objects: [ObjectInfo] = []
        var token: String?
        repeat {
            var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", fullPrefix), ("encoding-type", "url")]
            if let token { query.append(("continuation-token", token)) }
            let r = try await transport.send(S3Call(method: .GET, key: nil, query: query, operation: "ListObjectsV2",
                                                    displayKey: fullPrefix + "*"))
            let page = S3ListPage(xml: r.text)
            for var object in page.objects where object.key.hasPrefix(storePrefix) {
                object.key = String(object.key.dropFirst(storePrefix.count))
                objects.append(object)
            }
            token = page.isTruncated ? page.nextToken : nil
            if page.isTruncated && (token ?? "").isEmpty {
                throw transport.makeError(S3Call(method: .GET, operation: "ListObjectsV2", displayKey: fullPrefix + "*"), status: nil,
                                          code: nil, message: "truncated page without a continuation token", requestID: nil, attempts: 1)
            }
        } while token != nil
        // Key order is byte order of UTF-8, as S3 lists.
        objects.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return objects
    }

    // MARK: Delete

    public func delete(keys: [String]) async throws {
        var failures: [String: String] = [:]
        let storePrefix = config.prefix.isEmpty ? "" : config.prefix + "/"
        let unique = Array(Set(keys)).sorted()
        for start in stride(from: 0, to: unique.count, by: 1000) {
            let batch = unique[start..<min(start + 1000, unique.count)]
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            for key in batch { xml += "<Object><Key>" + S3XML.escape(try fullKey(key)) + "</Key></Object>" }
            xml += "</Delete>"
            var body = ByteBufferAllocator().buffer(capacity: xml.utf8.count)
            body.writeString(xml)
            let r = try await transport.send(S3Call(method: .POST, key: nil, query: [("delete", "")],
                                                    headers: [("content-md5", Self.md5Base64(body)), ("content-type", "application/xml")],
                                                    body: body, operation: "DeleteObjects"))
            for failure in S3XML.elements("Error", in: Substring(r.text)) {
                guard var key = S3XML.value("Key", in: failure) else { continue }
                if key.hasPrefix(storePrefix) { key = String(key.dropFirst(storePrefix.count)) }
                let code = S3XML.value("Code", in: failure) ?? "Error"
                if code == "NoSuchKey" { continue }
                failures[key] = code + (S3XML.value("Message", in: failure).map { ": " + $0 } ?? "")
            }
        }
        if !failures.isEmpty { throw ObjectStoreError.deleteFailed(store: displayName, failures: failures) }
    }
}

/// One page of ListObjectsV2 (keys URL-decoded when the server used `encoding-type=url`).
struct S3ListPage {
    var objects: [ObjectInfo] = []
    var isTruncated = false
    var nextToken: String?

    init(xml: String) {
        let doc = Substring(xml)
        let urlEncoded = S3XML.value("EncodingType", in: doc) == "url"
        for contents in S3XML.elements("Contents", in: doc) {
            guard var key = S3XML.value("Key", in: contents) else { continue }
            if urlEncoded { key = SigV4Encoding.decode(key, plusIsSpace: true) }
            let size = S3XML.value("Size", in: contents).flatMap(Int64.init) ?? 0
            let modified = S3XML.value("LastModified", in: contents).flatMap(ISO8601.parse)
            objects.append(ObjectInfo(key: key, size: size, lastModified: modified, etag: S3XML.value("ETag", in: contents)))
        }
        isTruncated = S3XML.value("IsTruncated", in: doc) == "true"
        nextToken = S3XML.value("NextContinuationToken", in: doc)
    }
}

/// Dates in S3 responses.
enum ISO8601 {
    /// `2025-01-01T12:34:56.000Z`
    static func parse(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s)
    }
}

enum HTTPDate {
    /// `Wed, 21 Oct 2015 07:28:00 GMT`
    static func parse(_ s: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: s)
    }
}
