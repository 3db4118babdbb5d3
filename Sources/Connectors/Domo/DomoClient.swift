import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// DOMO's public API over OAuth2 client credentials: token, dataset metadata, CSV export.
///
/// One instance per run; call `shutdown()` before it goes away. Safe to share between tasks
/// (`inlet domo --all --concurrency N`): the token is fetched once and reused.
public final class DomoClient: Sendable {
    public let credentials: DomoCredentials
    public let options: DomoClientOptions
    let http: HTTPClient
    let tokens: AccessTokenStore
    let redactor: SecretRedactor
    let stats = DomoStatisticsBox()

    /// Reads `DOMO_CLIENT_ID`, `DOMO_CLIENT_SECRET` and `DOMO_API_HOST` from `environment`.
    public init(environment: [String: String], options: DomoClientOptions = .init()) throws {
        self.credentials = try DomoCredentials(environment: environment)
        self.options = options
        self.tokens = AccessTokenStore(renewalMargin: options.tokenRenewalMargin)
        self.redactor = SecretRedactor(credentials: credentials)
        var config = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(Int64(options.connectTimeout * 1000)),
                           read: .milliseconds(Int64(options.dataIdleTimeout * 1000))),
            decompression: .disabled)
        config.connectionPool.idleTimeout = .seconds(30)
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
    }

    /// What the client has sent so far.
    public var statistics: DomoClientStatistics { stats.snapshot }

    /// Closes connections. Required before the client is released.
    /// A client dropped without `shutdown()` (an error path) still releases its connections.
    deinit { _ = http.shutdown() }

    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// `GET /v1/datasets/{id}`: name, row count, typed columns, last update.
    public func metadata(datasetId: String) async throws -> DomoDatasetMetadata {
        try validate(datasetId)
        let what = "metadata of dataset \(datasetId)"
        return try await send(what: what, datasetId: datasetId, path: "/v1/datasets/\(datasetId)",
                              accept: "application/json", deadline: options.metadataTimeout) { [self] response, _ in
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: 64 << 20)
            } catch let error as NIOTooManyBytesError {
                throw DomoError.invalidResponse(what: what, detail: "body larger than 64 MiB (\(error))")
            } catch {
                throw DomoRetryable.network(self.describe(error))
            }
            return try DomoDatasetMetadata.decode(Data(body.readableBytesView), datasetId: datasetId)
        }
    }

    /// `GET /v1/datasets/{id}/data?includeHeader=true` with `Accept: text/csv`, streamed to `path`.
    ///
    /// Bytes are written as they arrive (memory stays bounded); `path` appears only when the whole
    /// body is in. A cut-off body is retried from the start; `progress` gets the bytes received
    /// by the current attempt. Returns the byte count of the export.
    @discardableResult
    public func export(datasetId: String, to path: String,
                       progress: (@Sendable (Int64) -> Void)? = nil) async throws -> Int64 {
        try validate(datasetId)
        return try await send(what: "export of dataset \(datasetId)", datasetId: datasetId,
                              path: "/v1/datasets/\(datasetId)/data?includeHeader=true",
                              accept: "text/csv", deadline: nil) { [self] response, watchdog in
            try await self.spool(response, datasetId: datasetId, to: path, watchdog: watchdog, progress: progress)
        }
    }

    private func validate(_ datasetId: String) throws {
        if let problem = DomoDatasetIdRule.problem(with: datasetId) {
            throw DomoError.invalidConfig(file: "DOMO request", line: nil, entry: nil,
                                          message: "invalid DOMO dataset id '\(datasetId)': it \(problem)")
        }
    }

    // MARK: token

    /// The cached token, or a fresh one from `/oauth/token`.
    func accessToken() async throws -> String {
        try await tokens.current { [self] in try await self.requestToken() }
    }

    private func requestToken() async throws -> AccessTokenStore.Issued {
        let scope = options.scope.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? "data"
        var request = HTTPClientRequest(url: credentials.host + "/oauth/token?grant_type=client_credentials&scope=" + scope)
        request.method = .GET
        request.headers.add(name: "Authorization", value: credentials.basicAuthorization)
        request.headers.add(name: "Accept", value: "application/json")

        var attempt = 1
        while true {
            let failure: DomoRetryable
            var delay = backoff(after: attempt)
            stats.update { $0.tokenRequests += 1 }
            do {
                let response = try await http.execute(request, deadline: .now() + seconds(options.authTimeout))
                let status = Int(response.status.code)
                switch status {
                case 200..<300:
                    let body: ByteBuffer
                    do { body = try await response.body.collect(upTo: 1 << 20) } catch {
                        throw DomoRetryable.network(describe(error))
                    }
                    return try decodeToken(Data(body.readableBytesView))
                case 400, 401:
                    throw DomoError.authenticationFailed(clientIdPrefix: credentials.clientIdPrefix, status: status)
                case 403:
                    throw DomoError.permissionDenied(clientIdPrefix: credentials.clientIdPrefix,
                                                     what: "an access token with scope '\(options.scope)'",
                                                     detail: await errorDetail(response))
                case 429, 500...599:
                    failure = .status(status, await errorDetail(response))
                    if let retryAfter = retryAfter(response) { delay = retryAfter }
                default:
                    throw DomoError.httpStatus(what: "token request", status: status, attempts: attempt,
                                               detail: await errorDetail(response))
                }
            } catch let error as DomoError {
                throw error
            } catch let retryable as DomoRetryable {
                failure = retryable
            } catch {
                failure = try classify(error, idle: false)
            }
            if attempt >= options.maxAttempts {
                throw failure.finalError(what: "token request", datasetId: nil, attempts: attempt,
                                         timeout: options.authTimeout)
            }
            attempt += 1
            stats.update { $0.retries += 1 }
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        }
    }

    private func decodeToken(_ data: Data) throws -> AccessTokenStore.Issued {
        struct Wire: Decodable {
            let access_token: String
            let expires_in: Double?
        }
        guard let wire = try? JSONDecoder().decode(Wire.self, from: data), !wire.access_token.isEmpty else {
            throw DomoError.invalidResponse(what: "token request", detail: "no access_token in the JSON answer")
        }
        redactor.remember(wire.access_token)
        // DOMO documents expires_in; without it assume its usual hour.
        return .init(value: wire.access_token, expiresIn: wire.expires_in ?? 3600)
    }
}

func seconds(_ s: Double) -> TimeAmount { .nanoseconds(Int64(s * 1e9)) }
