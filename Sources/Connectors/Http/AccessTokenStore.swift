import Foundation

/// A client's cached OAuth2 access token (DOMO's and an API pipeline's): renewed shortly before
/// `expires_in` runs out, dropped when the service rejects it. Callers that need a token while
/// one is being fetched wait for that fetch, so N concurrent requests cost one token request.
actor AccessTokenStore {
    struct Issued: Sendable {
        let value: String
        let expiresIn: Double
    }

    private let renewalMargin: Double
    private var token: (value: String, renewAt: ContinuousClock.Instant)?
    private var pending: Task<Issued, Error>?

    /// Tokens are renewed `renewalMargin` seconds before they expire, or at half-life when they
    /// live less than twice that.
    init(renewalMargin: Double) {
        self.renewalMargin = renewalMargin
    }

    /// The cached token while it is fresh, else the one being fetched, else a new one from `fetch`.
    func current(fetch: @escaping @Sendable () async throws -> Issued) async throws -> String {
        if let token, ContinuousClock.now < token.renewAt { return token.value }
        if let pending { return try await pending.value.value }
        // Counted from before the request: the service's clock started no earlier.
        let requestedAt = ContinuousClock.now
        let task = Task { try await fetch() }
        pending = task
        defer { pending = nil }
        let issued = try await task.value
        let lifetime = max(0, issued.expiresIn - min(renewalMargin, issued.expiresIn / 2))
        token = (issued.value, requestedAt + .milliseconds(Int64(lifetime * 1000)))
        return issued.value
    }

    /// Forgets `value` if it is still the cached token (the service answered 401 to it).
    func invalidate(_ value: String) {
        if token?.value == value { token = nil }
    }
}
