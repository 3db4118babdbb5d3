import Foundation

/// How each request proves who it is.
public enum ApiAuth: Sendable {
    case none
    case bearer(token: String)
    /// A key sent as a header or a query parameter named `name`.
    case apiKey(name: String, value: String, inQuery: Bool)
    case basic(username: String, password: String)
    case oauth2(OAuth2ClientCredentials)

    /// Every secret value, for redaction.
    var secrets: [String] {
        switch self {
        case .none: return []
        case let .bearer(token): return [token]
        case let .apiKey(_, value, _): return [value]
        case let .basic(user, password): return [password, Self.basicCredential(user, password)]
        case let .oauth2(o): return [o.clientSecret, Self.basicCredential(o.clientId, o.clientSecret)]
        }
    }

    static func basicCredential(_ user: String, _ password: String) -> String {
        Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// The query parameter that carries a key, if any: its value is redacted from every URL shown.
    var queryKeyName: String? {
        if case let .apiKey(name, _, true) = self { return name }
        return nil
    }
}

/// OAuth2's client-credentials grant (RFC 6749 §4.4).
public struct OAuth2ClientCredentials: Sendable {
    public var tokenURL: String
    public var clientId: String
    public var clientSecret: String
    public var scope: String?
    /// The client's id and secret as HTTP Basic (default) or as form fields of the body.
    public var basicAuthStyle = true

    public init(tokenURL: String, clientId: String, clientSecret: String) {
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.clientSecret = clientSecret
    }
}
