import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A failure worth another attempt; turned into a `DomoError` after the last one.
enum DomoRetryable: Error {
    case status(Int, String)
    case network(String)
    case timeout
    case interrupted(received: Int64, expected: Int64?, detail: String)

    func finalError(what: String, datasetId: String?, attempts: Int, timeout: Double) -> DomoError {
        switch self {
        case let .status(status, detail):
            return .httpStatus(what: what, status: status, attempts: attempts, detail: detail)
        case let .network(detail):
            return .network(what: what, attempts: attempts, detail: detail)
        case .timeout:
            return .timedOut(what: what, seconds: timeout, attempts: attempts)
        case let .interrupted(received, expected, detail):
            return .exportInterrupted(datasetId: datasetId ?? "?", receivedBytes: received, expectedBytes: expected,
                                      attempts: attempts, detail: detail)
        }
    }
}

/// How one attempt ended, when it did not throw a final `DomoError`.
enum DomoAttemptOutcome<T: Sendable>: Sendable {
    case done(T)
    /// 401, or 406 with an HTML page: the token was refused.
    case unauthorized(status: Int)
    /// 429 or 5xx, with the server's `Retry-After` if any.
    case retry(DomoRetryable, retryAfter: Double?)
}

extension DomoClient {
    /// Sends an authenticated GET and hands a 2xx response to `consume`, which may throw
    /// `DomoRetryable` to try again. 429 and 5xx are retried honouring `Retry-After`; a 401 (or a
    /// 406 HTML page, DOMO's answer to a bad token on text/csv) renews the token once.
    /// `deadline` caps one attempt; nil means no cap but `dataIdleTimeout` without progress.
    func send<T: Sendable>(what: String, datasetId: String?, path: String, accept: String, deadline: Double?,
                           consume: @escaping @Sendable (HTTPClientResponse, DomoIdleWatchdog?) async throws -> T) async throws -> T {
        var attempt = 1
        var renewed = false
        while true {
            let failure: DomoRetryable
            var delay = backoff(after: attempt)
            do {
                let token = try await accessToken()
                let outcome: DomoAttemptOutcome<T>
                if let deadline {
                    outcome = try await attemptOnce(attempt: attempt, what: what, datasetId: datasetId, path: path, accept: accept, token: token,
                                                    deadline: .now() + seconds(deadline), watchdog: nil, consume: consume)
                } else {
                    let attempt = attempt
                    outcome = try await DomoIdleWatchdog.run(idleSeconds: options.dataIdleTimeout) { watchdog in
                        // The watchdog is the limit; the deadline only has to be far away.
                        try await self.attemptOnce(attempt: attempt, what: what, datasetId: datasetId, path: path, accept: accept, token: token,
                                                   deadline: .now() + .hours(24 * 30), watchdog: watchdog, consume: consume)
                    }
                }
                switch outcome {
                case let .done(value):
                    return value
                case let .unauthorized(status):
                    guard !renewed else {
                        throw DomoError.authenticationFailed(clientIdPrefix: credentials.clientIdPrefix, status: status)
                    }
                    renewed = true
                    stats.update { $0.renewalsAfterUnauthorized += 1 }
                    await tokens.invalidate(token)
                    continue
                case let .retry(retryable, retryAfter):
                    failure = retryable
                    if let retryAfter { delay = retryAfter }
                }
            } catch let error as DomoError {
                throw error
            } catch let retryable as DomoRetryable {
                failure = retryable
            } catch {
                failure = try classify(error, idle: deadline == nil)
            }
            if attempt >= options.maxAttempts {
                throw failure.finalError(what: what, datasetId: datasetId, attempts: attempt,
                                         timeout: deadline ?? options.dataIdleTimeout)
            }
            attempt += 1
            stats.update { $0.retries += 1 }
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        }
    }

    private func attemptOnce<T: Sendable>(attempt: Int, what: String, datasetId: String?, path: String, accept: String, token: String,
                                          deadline: NIODeadline, watchdog: DomoIdleWatchdog?,
                                          consume: @Sendable (HTTPClientResponse, DomoIdleWatchdog?) async throws -> T)
        async throws -> DomoAttemptOutcome<T> {
        var request = HTTPClientRequest(url: credentials.host + path)
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: accept)
        stats.update { $0.apiRequests += 1 }
        let response = try await http.execute(request, deadline: deadline)
        watchdog?.touch()
        let status = Int(response.status.code)
        switch status {
        case 200..<300:
            return .done(try await consume(response, watchdog))
        case 401, 406:
            let (detail, html) = await errorBody(response)
            guard status == 401 || html else {
                throw DomoError.httpStatus(what: what, status: status, attempts: attempt, detail: detail)
            }
            return .unauthorized(status: status)
        case 403:
            throw DomoError.permissionDenied(clientIdPrefix: credentials.clientIdPrefix, what: "the \(what)",
                                             detail: await errorDetail(response))
        case 404:
            throw DomoError.datasetNotFound(datasetId: datasetId ?? path)
        case 429, 500...599:
            let after = retryAfter(response)
            return .retry(.status(status, await errorDetail(response)), retryAfter: after)
        default:
            throw DomoError.httpStatus(what: what, status: status, attempts: attempt, detail: await errorDetail(response))
        }
    }

    /// Streams a 2xx export body into the spool; a short or cut body discards it and asks for a retry.
    func spool(_ response: HTTPClientResponse, datasetId: String, to path: String, watchdog: DomoIdleWatchdog?,
               progress: (@Sendable (Int64) -> Void)?) async throws -> Int64 {
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        if contentType.contains("text/html") {
            throw DomoError.invalidResponse(what: "export of dataset \(datasetId)", detail: "an HTML page instead of CSV")
        }
        let expected = response.headers.first(name: "content-length").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        var spool = try DomoExportSpool(path: path)
        var received: Int64 = 0
        do {
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { try spool.write($0) }
                received += Int64(buffer.readableBytes)
                watchdog?.touch()
                progress?(received)
            }
        } catch let error as DomoError {
            spool.discard()
            throw error
        } catch {
            spool.discard()
            if case .timeout = try classify(error, idle: true) { throw DomoRetryable.timeout }
            throw DomoRetryable.interrupted(received: received, expected: expected, detail: describe(error))
        }
        if let expected, received != expected {
            spool.discard()
            throw DomoRetryable.interrupted(received: received, expected: expected, detail: "body shorter than Content-Length")
        }
        try spool.finish()
        return received
    }

    // MARK: helpers

    /// Timeouts and transport errors are retryable; cancellation is not.
    func classify(_ error: Error, idle: Bool) throws -> DomoRetryable {
        if error is CancellationError { throw error }
        if let http = error as? HTTPClientError {
            if http == .cancelled { throw CancellationError() }
            if http == .readTimeout || http == .deadlineExceeded || http == .connectTimeout
                || http == .getConnectionFromPoolTimeout || http == .tlsHandshakeTimeout {
                return .timeout
            }
        }
        return .network(describe(error))
    }

    /// A transport error as text, with any secret blanked out.
    func describe(_ error: Error) -> String {
        redactor.redact(String(describing: error))
    }

    /// Exponential backoff: initial × 2^(attempt-1), capped.
    func backoff(after attempt: Int) -> Double {
        min(options.maxBackoff, options.initialBackoff * pow(2, Double(attempt - 1)))
    }

    /// `Retry-After` as seconds or an HTTP date, clamped to `maxRetryAfter`.
    func retryAfter(_ response: HTTPClientResponse) -> Double? {
        response.headers.first(name: "retry-after").flatMap { retryAfterSeconds($0) }.map { min($0, options.maxRetryAfter) }
    }

    func errorDetail(_ response: HTTPClientResponse) async -> String {
        await errorBody(response).detail
    }

    /// A short, redacted summary of an error body (its JSON `message`, or its first line), and
    /// whether it was an HTML page.
    func errorBody(_ response: HTTPClientResponse) async -> (detail: String, html: Bool) {
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        var bytes: [UInt8] = []
        do {
            for try await buffer in response.body {
                bytes += buffer.readableBytesView.prefix(16_384 - bytes.count)
                if bytes.count >= 16_384 { break }
            }
        } catch {}
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let html = contentType.contains("html") || text.lowercased().hasPrefix("<!doctype html") || text.lowercased().hasPrefix("<html")
        if html { return ("an HTML error page", true) }
        var detail = text
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] {
            if let message = object["message"] as? String { detail = message }
            else if let message = object["error_description"] as? String { detail = message }
            else if let message = object["error"] as? String { detail = message }
        }
        detail = detail.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        if detail.count > 200 { detail = String(detail.prefix(200)) + "…" }
        return (redactor.redact(detail), false)
    }
}
