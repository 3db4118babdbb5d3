import Foundation

/// `DOMO_CLIENT_ID`, `DOMO_CLIENT_SECRET` and `DOMO_API_HOST`, taken from an explicit environment
/// (the CLI merges the process environment and `.env`; tests inject their own).
public struct DomoCredentials: Sendable, CustomStringConvertible {
    public static let defaultHost = "https://api.domo.com"

    public let clientId: String
    let clientSecret: String
    /// Scheme and authority without a trailing slash, e.g. `https://api.domo.com`.
    public let host: String

    public init(environment: [String: String]) throws {
        let id = environment["DOMO_CLIENT_ID"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let secret = environment["DOMO_CLIENT_SECRET"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var missing: [String] = []
        if id.isEmpty { missing.append("DOMO_CLIENT_ID") }
        if secret.isEmpty { missing.append("DOMO_CLIENT_SECRET") }
        guard missing.isEmpty else { throw DomoError.missingCredentials(variables: missing) }

        var host = environment["DOMO_API_HOST"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if host.isEmpty { host = Self.defaultHost }
        while host.hasSuffix("/") { host.removeLast() }
        guard let url = URL(string: host), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil, url.query == nil else {
            throw DomoError.invalidHost(host)
        }
        self.clientId = id
        self.clientSecret = secret
        self.host = host
    }

    /// What messages may show of the client id.
    public var clientIdPrefix: String { String(clientId.prefix(4)) }

    /// The `Authorization` value for the token endpoint.
    var basicAuthorization: String {
        "Basic " + Data("\(clientId):\(clientSecret)".utf8).base64EncodedString()
    }

    public var description: String { "DOMO client \(clientIdPrefix)… at \(host)" }
}

extension SecretRedactor {
    /// DOMO's secrets: the client secret and the Basic credential built from it.
    convenience init(credentials: DomoCredentials) {
        let basic = String(credentials.basicAuthorization.dropFirst("Basic ".count))
        self.init(secrets: [credentials.clientSecret, basic])
    }
}
