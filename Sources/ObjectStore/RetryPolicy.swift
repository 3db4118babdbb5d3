import Foundation

/// Retries in the AWS SDKs' "standard" mode: a bounded number of attempts, exponential
/// backoff with full jitter (a random delay in [0, min(cap, base·2^(n-1))]), and retries
/// only for throttling, server faults, request timeouts and broken connections.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in total, the first included (1 = no retries).
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .seconds(1), maxBackoff: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts); self.baseDelay = baseDelay; self.maxBackoff = maxBackoff
    }

    /// Five attempts, 1 s base, 20 s cap, as the AWS SDKs' standard mode.
    public static let standard = RetryPolicy()
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The largest delay before retry number `retry` (1-based): base·2^(retry-1), capped.
    public func backoffCeiling(retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = baseDelay * (1 << exponent)
        return min(ceiling, maxBackoff)
    }

    /// Full jitter: uniformly random in [0, ceiling].
    public func delay<G: RandomNumberGenerator>(retry: Int, using rng: inout G) -> Duration {
        let ceiling = backoffCeiling(retry: retry)
        let (s, atto) = ceiling.components
        let nanos = Double(s) * 1e9 + Double(atto) / 1e9
        guard nanos > 0 else { return .zero }
        return .nanoseconds(Int64(Double.random(in: 0...nanos, using: &rng)))
    }

    /// S3 error codes that the standard mode retries (throttling and transient faults).
    static let retryableCodes: Set<String> = [
        "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling", "ThrottlingException",
        "ThrottledException", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "ProvisionedThroughputExceededException",
        "PriorRequestNotComplete", "TransactionInProgressException", "EC2ThrottledException",
    ]
    static let retryableStatuses: Set<Int> = [500, 502, 503, 504, 429]

    /// Whether a response with this status and S3 error code deserves another attempt.
    public static func isRetryable(status: Int, code: String?) -> Bool {
        if let code, retryableCodes.contains(code) { return true }
        return retryableStatuses.contains(status)
    }
}

/// Counts what the transport did, for tests and progress reports.
public final class S3Counters: @unchecked Sendable {
    private let lock = NSLock()
    private var _requests = 0
    private var _retries = 0

    public init() {}

    /// HTTP requests sent, retries included.
    public var requests: Int { lock.lock(); defer { lock.unlock() }; return _requests }
    /// Attempts that were repeats of a failed one.
    public var retries: Int { lock.lock(); defer { lock.unlock() }; return _retries }

    func countRequest() { lock.lock(); _requests += 1; lock.unlock() }
    func countRetry() { lock.lock(); _retries += 1; lock.unlock() }
}
