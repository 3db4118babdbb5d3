import AsyncHTTPClient
import Foundation
import JSON
import NIOCore
import NIOHTTP1

/// The client-credentials token: fetched once, renewed shortly before `expires_in` runs out,
/// and once more when the API answers 401 to it.
actor OAuth2TokenStore {
    private let credentials: OAuth2ClientCredentials
    private let redactor: SecretRedactor
    private var token: String?
    private var expires = Date.distantPast
    private(set) var fetched = 0

    init(credentials: OAuth2ClientCredentials, redactor: SecretRedactor) {
        self.credentials = credentials
        self.redactor = redactor
    }

    func current(http: HTTPClient, timeout: Double) async throws -> String {
        if let token, Date() < expires { return token }
        return try await fetch(http: http, timeout: timeout)
    }

    /// Drops `rejected` (a 401): the next `current` fetches a new one.
    func invalidate(_ rejected: String) {
        if token == rejected { token = nil }
    }

    private func fetch(http: HTTPClient, timeout: Double) async throws -> String {
        var request = HTTPClientRequest(url: credentials.tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        var form = [("grant_type", "client_credentials")]
        if let scope = credentials.scope { form.append(("scope", scope)) }
        if credentials.basicAuthStyle {
            let basic = ApiAuth.basicCredential(credentials.clientId, credentials.clientSecret)
            request.headers.add(name: "Authorization", value: "Basic \(basic)")
        } else {
            form += [("client_id", credentials.clientId), ("client_secret", credentials.clientSecret)]
        }
        request.body = .bytes(ByteBuffer(string: form.map { URLQuery.encode($0) + "=" + URLQuery.encode($1) }.joined(separator: "&")))
        let url = credentials.tokenURL
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw ApiError.token(url: url, detail: redactor.redact("\(error)"))
        }
        fetched += 1
        let bytes = Array(body.readableBytesView)
        guard (200 ..< 300).contains(Int(response.status.code)) else {
            throw ApiError.token(url: url, detail: "HTTP \(response.status.code) \(response.status.reasonPhrase): \(ApiHTTPClient.bodyPrefix(bytes, redactor))")
        }
        guard let doc = try? JSONDocument(bytes), let t = doc.locate(try JSONPath("access_token")).flatMap(doc.plainText), !t.isEmpty else {
            throw ApiError.token(url: url, detail: "the response has no access_token")
        }
        redactor.remember(t)
        let lifetime = doc.locate(try JSONPath("expires_in")).flatMap(doc.plainText).flatMap(Double.init) ?? 3600
        // Renew a tenth of the lifetime early (at most a minute), so no request carries a token
        // that expires on its way.
        expires = Date().addingTimeInterval(lifetime - min(60, lifetime / 10))
        token = t
        return t
    }
}
