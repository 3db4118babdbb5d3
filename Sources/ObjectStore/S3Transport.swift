import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import SigV4

/// One S3 request as the store describes it, before addressing and signing.
struct S3Call: Sendable {
    var method: HTTPMethod
    /// Full object key in the bucket (store prefix included); nil for bucket-level calls.
    var key: String?
    var query: [(name: String, value: String)] = []
    var headers: [(name: String, value: String)] = []
    var body: ByteBuffer?
    /// For messages: "PUT", "GET", "ListObjectsV2", …
    var operation: String
    /// For messages when `key` is nil (bucket-level calls): what the call was about.
    var displayKey: String?
}

struct S3Response: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: ByteBuffer

    var text: String { String(buffer: body) }
}

/// Addresses, signs and sends S3 calls with retries; counts requests and retries.
final class S3Transport: Sendable {
    let config: S3Config
    let signer: SigV4Signer
    let http: HTTPClient
    let retry: RetryPolicy
    let counters = S3Counters()

    init(config: S3Config, retry: RetryPolicy) {
        self.config = config
        self.retry = retry
        self.signer = SigV4Signer(credentials: config.credentials, region: config.region, service: "s3")
        var http = HTTPClient.Configuration()
        // TLS: the default configuration verifies certificates and host names; keep it.
        http.timeout = .init(connect: nioTime(config.tuning.connectTimeout), read: nioTime(config.tuning.readTimeout))
        http.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, config.tuning.concurrency * 2))
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    func shutdown() async throws { try await http.shutdown() }

    /// A store dropped without `shutdown()` (an error path) still releases its connections,
    /// instead of tripping async-http-client's debug check; a second shutdown is a no-op.
    deinit { _ = http.shutdown() }

    // MARK: Addressing

    /// Host header value and raw (unencoded) path for a call.
    func address(key: String?) -> (host: String, path: String) {
        let endpoint = config.endpoint
        var host = endpoint.host ?? ""
        if let port = endpoint.port, !(port == 443 && endpoint.scheme == "https") && !(port == 80 && endpoint.scheme == "http") {
            host += ":\(port)"
        }
        switch config.addressing {
        case .path:
            return (host, "/" + config.bucket + (key.map { "/" + $0 } ?? ""))
        case .virtualHosted:
            return (config.bucket + "." + host, "/" + (key ?? ""))
        }
    }

    func url(host: String, path: String, query: [(name: String, value: String)]) -> String {
        var url = (config.endpoint.scheme ?? "https") + "://" + host + SigV4Encoding.canonicalURI(path: path)
        if !query.isEmpty { url += "?" + SigV4.canonicalQuery(query) }
        return url
    }

    // MARK: Sending

    /// Sends `call`, retrying per the policy; returns the (2xx) response with its whole body.
    /// Error statuses become `S3Error`s.
    func send(_ call: S3Call, bodyLimit: Int = 64 << 20) async throws -> S3Response {
        try await withRetries(call) { response in
            let body = try await response.body.collect(upTo: bodyLimit)
            return S3Response(status: Int(response.status.code), headers: response.headers, body: body)
        }
    }

    /// Sends `call` with retries and lets `consume` read a successful response; a failure
    /// inside `consume` (e.g. a reset mid-body) is retried like a failed request.
    func withRetries<T: Sendable>(_ call: S3Call, consume: @Sendable (HTTPClientResponse) async throws -> T) async throws -> T {
        let payloadHash = call.body.map { buffer in buffer.withUnsafeReadableBytes { SigV4.hex(SHA256.hash(data: $0)) } } ?? SigV4.emptyPayloadHash
        var attempt = 0
        while true {
            attempt += 1
            do {
                counters.countRequest()
                let response = try await execute(call, payloadHash: payloadHash)
                let status = Int(response.status.code)
                guard (200..<300).contains(status) else {
                    throw try await responseError(call, response, attempts: attempt)
                }
                return try await consume(response)
            } catch let error as S3Error {
                var error = error
                error.attempts = attempt
                let retryable = error.kind == .transport
                    || (error.status.map { RetryPolicy.isRetryable(status: $0, code: error.code) } ?? false)
                guard retryable, attempt < retry.maxAttempts, !Task.isCancelled else { throw error }
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as ObjectStoreError {
                throw error // local file trouble, not the network's
            } catch {
                // Connection refused or reset, timeouts, TLS failures, truncated bodies.
                let failure = transportError(call, error, attempts: attempt)
                guard attempt < retry.maxAttempts, !Task.isCancelled else { throw failure }
            }
            counters.countRetry()
            var rng = SystemRandomNumberGenerator()
            try await Task.sleep(for: retry.delay(retry: attempt, using: &rng))
        }
    }

    private func execute(_ call: S3Call, payloadHash: String) async throws -> HTTPClientResponse {
        let (host, path) = address(key: call.key)
        var request = HTTPClientRequest(url: url(host: host, path: path, query: call.query))
        request.method = call.method
        var headers = call.headers
        headers.append(("host", host))
        let signed = signer.sign(SigV4Request(method: call.method.rawValue, path: path, query: call.query,
                                              headers: headers, payloadHash: payloadHash), at: Date())
        for (name, value) in headers + signed.headers { request.headers.add(name: name, value: value) }
        if let body = call.body {
            request.body = .bytes(body)
        } else if call.method == .PUT || call.method == .POST {
            request.headers.replaceOrAdd(name: "content-length", value: "0")
        }
        return try await http.execute(request, timeout: nioTime(config.tuning.requestTimeout))
    }

    private func responseError(_ call: S3Call, _ response: HTTPClientResponse, attempts: Int) async throws -> S3Error {
        let status = Int(response.status.code)
        var body = S3ErrorBody(xml: "")
        if call.method != .HEAD, let buffer = try? await response.body.collect(upTo: 1 << 20) {
            body = S3ErrorBody(xml: String(buffer: buffer))
        }
        let requestID = body.requestID ?? response.headers.first(name: "x-amz-request-id")
        return makeError(call, status: status, code: body.code ?? Self.codeForBodylessStatus(status),
                         message: body.message, requestID: requestID, attempts: attempts)
    }

    /// HEAD responses carry no body, so the status must speak for itself.
    static func codeForBodylessStatus(_ status: Int) -> String? {
        switch status {
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 503: return "SlowDown"
        default: return nil
        }
    }

    func makeError(_ call: S3Call, status: Int?, code: String?, message: String?, requestID: String?, attempts: Int) -> S3Error {
        let kind: S3Error.Kind = status.map { S3Error.kind(status: $0, code: code) } ?? .protocolViolation
        return S3Error(kind: kind, operation: call.operation, bucket: config.bucket, key: call.key ?? call.displayKey,
                       status: status, code: code, message: message.map(redact), requestID: requestID, attempts: attempts)
    }

    func transportError(_ call: S3Call, _ error: Error, attempts: Int) -> S3Error {
        S3Error(kind: .transport, operation: call.operation, bucket: config.bucket, key: call.key ?? call.displayKey,
                status: nil, code: nil, message: redact("\(error) (endpoint \(config.endpoint.absoluteString))"),
                requestID: nil, attempts: attempts)
    }

    func redact(_ text: String) -> String {
        let c = config.credentials
        return S3Error.redact(text, secrets: [c.secretAccessKey, c.sessionToken ?? "", c.accessKeyID])
    }
}

func nioTime(_ duration: Duration) -> TimeAmount {
    let (s, atto) = duration.components
    return .nanoseconds(s * 1_000_000_000 + atto / 1_000_000_000)
}
