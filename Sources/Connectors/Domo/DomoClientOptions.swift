/// Timeouts, retries and token policy for `DomoClient`. Defaults follow issue 6; tests shrink them.
public struct DomoClientOptions: Sendable {
    /// Deadline of one token request (seconds).
    public var authTimeout: Double = 30
    /// Deadline of one metadata request (seconds).
    public var metadataTimeout: Double = 60
    /// An export fails when no byte arrives for this long (seconds). Not a cap on the whole download.
    public var dataIdleTimeout: Double = 300
    /// TCP/TLS connect timeout (seconds).
    public var connectTimeout: Double = 30
    /// Attempts per request, first one included, for 429, 5xx, network errors and cut-off exports.
    public var maxAttempts: Int = 5
    /// Backoff before the second attempt; doubles each time up to `maxBackoff` (seconds).
    public var initialBackoff: Double = 1
    public var maxBackoff: Double = 60
    /// A larger `Retry-After` is clamped to this (seconds).
    public var maxRetryAfter: Double = 300
    /// A token is renewed this long before `expires_in` ends, or at half its lifetime if that is shorter.
    public var tokenRenewalMargin: Double = 60
    /// The OAuth scope requested.
    public var scope: String = "data"

    public init() {}
}
