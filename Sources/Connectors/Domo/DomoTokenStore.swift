/// The cached access token. Concurrent callers share one in-flight token request.
actor DomoTokenStore {
    struct Issued: Sendable {
        let value: String
        let expiresIn: Double
    }

    private let renewalMargin: Double
    private var token: (value: String, renewAt: ContinuousClock.Instant)?
    private var pending: Task<Issued, Error>?

    init(renewalMargin: Double) {
        self.renewalMargin = renewalMargin
    }

    /// The cached token while it is fresh, else a new one from `fetch`.
    func current(fetch: @escaping @Sendable () async throws -> Issued) async throws -> String {
        if let token, ContinuousClock.now < token.renewAt { return token.value }
        if let pending { return try await pending.value.value }
        let requestedAt = ContinuousClock.now
        let task = Task { try await fetch() }
        pending = task
        defer { pending = nil }
        let issued = try await task.value
        // Renew `margin` before expiry, or at half-life for tokens shorter than twice the margin.
        let lifetime = max(0, issued.expiresIn - min(renewalMargin, issued.expiresIn / 2))
        token = (issued.value, requestedAt + .milliseconds(Int64(lifetime * 1000)))
        return issued.value
    }

    /// Forgets `value` if it is still the cached token (DOMO rejected it).
    func invalidate(_ value: String) {
        if token?.value == value { token = nil }
    }
}
