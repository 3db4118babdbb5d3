import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A page as received: status, headers, the whole (decompressed) body.
struct ApiResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
}

/// Counts of what a pipeline's client did, for reports, tests and the benchmark.
public struct ApiClientStatistics: Sendable, Equatable {
    public var requests = 0
    public var retries = 0
    public var bodyBytes: Int64 = 0
    public var tokenRequests = 0
}

/// Sends an API pipeline's requests: keep-alive connections, TLS, redirects and gzip/deflate
/// bodies (AsyncHTTPClient); the auth; the client-side pace; retries of 429, 5xx and dropped
/// connections with capped exponential backoff and jitter, honouring `Retry-After` and
/// `X-RateLimit-Remaining`/`-Reset`; one token renewal on a 401 under OAuth2.
final class ApiHTTPClient: Sendable {
    let spec: ApiSpec
    let redactor: SecretRedactor
    private let pacer: RequestPacer
    let http: HTTPClient
    let tokens: AccessTokenStore?
    let counts = Counts()

    /// A page larger than this is an error, not an out-of-memory.
    static let maxBodyBytes = 512 << 20

    init(spec: ApiSpec) {
        self.spec = spec
        // A value also appears percent-encoded in the query strings of the URLs shown.
        let written = spec.variables.flatMap { [$0, (URLQuery.encode($0.value), $0.written)] }
        redactor = SecretRedactor(secrets: spec.auth.secrets, written: written)
        pacer = RequestPacer(requestsPerSecond: spec.requestsPerSecond)
        if case .oauth2 = spec.auth { tokens = AccessTokenStore(renewalMargin: 60) } else { tokens = nil }
        var config = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 5, allowCycles: false),
            timeout: .init(connect: .seconds(Int64(max(1, spec.timeoutSeconds))),
                           read: .milliseconds(Int64(spec.timeoutSeconds * 1000))),
            decompression: .enabled(limit: .none))
        config.connectionPool.idleTimeout = .seconds(60)
        // A refused connection fails now and goes through our own retries (counted, backed
        // off, named in the error); the pool's silent retrying would wait out the timeout.
        config.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
    }

    deinit { _ = http.shutdown() }

    func shutdown() async {
        try? await http.shutdown()
    }

    var statistics: ApiClientStatistics {
        get async {
            counts.snapshot
        }
    }

    /// `GET https://…` as it is sent, as it may be shown: a query-string key (added at send
    /// time, so shown as `key=***`) and every known secret blanked.
    func shown(_ request: ApiRequest) -> String {
        var url = request.url
        if let name = spec.auth.queryKeyName {
            url = URLQuery.setting(name, to: "***", in: url).replacingOccurrences(of: "%2A%2A%2A", with: "***")
        }
        return redactor.redact("\(request.method) \(url)")
    }

    /// Sends `request` until it succeeds, fails for good, or runs out of attempts.
    func send(_ request: ApiRequest) async throws -> ApiResponse {
        let shown = shown(request)
        var renewed = false
        return try await retrying(network: { .network(request: shown, attempts: $0, detail: $1) }) { attempt in
            try await pacer.wait()
            let token = try await currentToken()
            counts.add { $0.requests += 1 }
            let response = try await http.execute(prepare(request, token: token), timeout: .milliseconds(Int64(spec.timeoutSeconds * 1000)))
            let status = Int(response.status.code)
            await noteRateLimit(response.headers)
            switch status {
            case 200 ..< 300:
                let body: ByteBuffer
                do {
                    body = try await response.body.collect(upTo: Self.maxBodyBytes)
                } catch let e as NIOTooManyBytesError {
                    throw ApiError.invalidBody(request: shown, detail: "the body is larger than \(Self.maxBodyBytes >> 20) MiB (\(e))")
                }
                counts.add { $0.bodyBytes += Int64(body.readableBytes) }
                return .done(ApiResponse(status: status, headers: response.headers, body: Array(body.readableBytesView)))
            case 401 where token != nil && !renewed:
                _ = try? await response.body.collect(upTo: 1 << 16)
                renewed = true
                await tokens?.invalidate(token!)
                return .again
            case 429, 500 ... 599:
                let body = await Self.prefix(of: response.body)
                return .retry(.httpStatus(request: shown, status: status, attempts: attempt, body: Self.bodyPrefix(body, redactor)),
                              after: retryDelay(response.headers, attempt: attempt))
            default:
                let body = await Self.prefix(of: response.body)
                throw ApiError.httpStatus(request: shown, status: status, attempts: attempt, body: Self.bodyPrefix(body, redactor))
            }
        }
    }

    /// What one attempt came to: a result, a failure worth another attempt after a delay, or a
    /// repeat that is not counted as an attempt (a fresh token after a 401).
    enum Step<T> {
        case done(T)
        case retry(ApiError, after: Double)
        case again
    }

    /// Runs `attempt` (numbered from 1) until it is done, throws, or fails more than
    /// `max_retries` times; a connection that fails or drops is retried like a 5xx and ends
    /// as `network(attempts, detail)`. Data requests and token requests both come here.
    func retrying<T>(network: (Int, String) -> ApiError, _ attempt: (Int) async throws -> Step<T>) async throws -> T {
        var number = 1
        while true {
            let failure: ApiError
            let delay: Double
            do {
                switch try await attempt(number) {
                case let .done(value): return value
                case .again: continue
                case let .retry(error, after): (failure, delay) = (error, after)
                }
            } catch let e as ApiError {
                throw e
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if let h = error as? HTTPClientError, h == .cancelled { throw CancellationError() }
                failure = network(number, redactor.redact(Self.describe(error)))
                delay = backoff(number)
            }
            guard number <= spec.maxRetries else { throw failure }
            number += 1
            counts.add { $0.retries += 1 }
            try await Task.sleep(nanoseconds: UInt64(min(delay, 3600) * 1e9))
        }
    }

    /// `Retry-After` when the answer has one, else the backoff for `attempt`.
    func retryDelay(_ headers: HTTPHeaders, attempt: Int) -> Double {
        headers.first(name: "retry-after").flatMap { retryAfterSeconds($0) } ?? backoff(attempt)
    }

    private func prepare(_ request: ApiRequest, token: String?) -> HTTPClientRequest {
        var url = request.url
        if case let .apiKey(name, value, true) = spec.auth { url = URLQuery.setting(name, to: value, in: url) }
        var r = HTTPClientRequest(url: url)
        r.method = HTTPMethod(rawValue: request.method)
        r.headers.add(name: "Accept", value: "application/json")
        r.headers.add(name: "User-Agent", value: "inlet")
        for (name, value) in spec.headers { r.headers.replaceOrAdd(name: name, value: value) }
        switch spec.auth {
        case .none, .apiKey(_, _, true): break
        case let .bearer(t): r.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(t)")
        case let .apiKey(name, value, false): r.headers.replaceOrAdd(name: name, value: value)
        case let .basic(user, password): r.headers.replaceOrAdd(name: "Authorization", value: "Basic \(ApiAuth.basicCredential(user, password))")
        case .oauth2: if let token { r.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)") }
        }
        if let body = request.body {
            r.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            r.body = .bytes(ByteBuffer(bytes: body))
        }
        return r
    }

    /// `X-RateLimit-Remaining: 0` holds every request until `X-RateLimit-Reset` (epoch seconds,
    /// or seconds from now when small).
    private func noteRateLimit(_ headers: HTTPHeaders) async {
        guard let remaining = headers.first(name: "x-ratelimit-remaining").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
              remaining <= 0, let reset = headers.first(name: "x-ratelimit-reset").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) })
        else { return }
        let until = reset > 1_000_000_000 ? Date(timeIntervalSince1970: reset) : Date().addingTimeInterval(reset)
        await pacer.pause(until: min(until, Date().addingTimeInterval(3600)))
    }

    /// Capped exponential backoff with jitter: between half and all of initial × 2^(attempt-1).
    func backoff(_ attempt: Int) -> Double {
        let full = min(spec.maxBackoffSeconds, spec.initialBackoffSeconds * pow(2, Double(attempt - 1)))
        return full * Double.random(in: 0.5 ... 1)
    }

    static func prefix(of body: HTTPClientResponse.Body) async -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await buffer in body {
                bytes += buffer.readableBytesView.prefix(4096 - bytes.count)
                if bytes.count >= 4096 { break }
            }
        } catch {}
        return bytes
    }

    /// The first 200 bytes of an error body on one line, secrets blanked.
    static func bodyPrefix(_ bytes: [UInt8], _ redactor: SecretRedactor) -> String {
        var text = String(decoding: bytes.prefix(200), as: UTF8.self)
        text = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return redactor.redact(text) + (bytes.count > 200 ? "…" : "")
    }

    static func describe(_ error: Error) -> String {
        if let h = error as? HTTPClientError {
            switch h {
            case .remoteConnectionClosed: return "the server closed the connection before the response was complete"
            case .readTimeout: return "no data within the timeout"
            case .connectTimeout: return "could not connect within the timeout"
            default: return "\(h)"
            }
        }
        return "\(error)"
    }

    final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var value = ApiClientStatistics()
        func add(_ change: (inout ApiClientStatistics) -> Void) { lock.lock(); change(&value); lock.unlock() }
        var snapshot: ApiClientStatistics { lock.lock(); defer { lock.unlock() }; return value }
    }
}
