import AsyncHTTPClient
import Foundation
import JSON
import NIOCore
import NIOHTTP1

/// OAuth2's client-credentials grant (RFC 6749 §4.4) for an API pipeline: the token shared by
/// the pipeline's requests, and the token request itself, retried like a data request (429,
/// 5xx and dropped connections, honouring `Retry-After`, up to `max_retries`).
extension ApiHTTPClient {
    /// The bearer token for the next request, or nil when the auth is not OAuth2.
    func currentToken() async throws -> String? {
        guard let tokens, case let .oauth2(credentials) = spec.auth else { return nil }
        return try await tokens.current { [self] in try await self.requestToken(credentials) }
    }

    private func requestToken(_ credentials: OAuth2ClientCredentials) async throws -> AccessTokenStore.Issued {
        let url = credentials.tokenURL
        var form = [("grant_type", "client_credentials")]
        if let scope = credentials.scope { form.append(("scope", scope)) }
        var basic: String?
        if credentials.basicAuthStyle {
            basic = ApiAuth.basicCredential(credentials.clientId, credentials.clientSecret)
        } else {
            form += [("client_id", credentials.clientId), ("client_secret", credentials.clientSecret)]
        }
        let body = form.map { URLQuery.encode($0) + "=" + URLQuery.encode($1) }.joined(separator: "&")
        let failed = { (status: Int, attempts: Int, bytes: [UInt8]) -> ApiError in
            let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return .token(url: url, detail: "HTTP \(status) \(reason)\(tries): \(Self.bodyPrefix(bytes, self.redactor))")
        }
        return try await retrying(network: { .token(url: url, detail: $1 + ($0 > 1 ? " (after \($0) attempts)" : "")) }) { attempt in
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.headers.add(name: "Accept", value: "application/json")
            if let basic { request.headers.add(name: "Authorization", value: "Basic \(basic)") }
            request.body = .bytes(ByteBuffer(string: body))
            counts.add { $0.tokenRequests += 1 }
            let response = try await http.execute(request, timeout: .milliseconds(Int64(spec.timeoutSeconds * 1000)))
            let status = Int(response.status.code)
            switch status {
            case 200 ..< 300:
                let bytes = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
                return .done(try issued(bytes, url: url))
            case 429, 500 ... 599:
                return .retry(failed(status, attempt, await Self.prefix(of: response.body)), after: retryDelay(response.headers, attempt: attempt))
            default:
                throw failed(status, attempt, await Self.prefix(of: response.body))
            }
        }
    }

    /// The token and its lifetime from the endpoint's JSON; the token is redacted from then on.
    private func issued(_ bytes: [UInt8], url: String) throws -> AccessTokenStore.Issued {
        guard let doc = try? JSONDocument(bytes), let token = doc.locate(try JSONPath("access_token")).flatMap(doc.plainText), !token.isEmpty else {
            throw ApiError.token(url: url, detail: "the response has no access_token")
        }
        redactor.remember(token)
        let lifetime = doc.locate(try JSONPath("expires_in")).flatMap(doc.plainText).flatMap(Double.init) ?? 3600
        return .init(value: token, expiresIn: lifetime)
    }
}
