import Foundation

/// Counts of what the client sent, for `--dry-run` reports and tests.
public struct DomoClientStatistics: Sendable, Equatable {
    /// Requests to `/oauth/token`, retries included.
    public var tokenRequests = 0
    /// Requests to `/v1/...`, retries included.
    public var apiRequests = 0
    /// Attempts after a 429, 5xx, network error or cut-off export.
    public var retries = 0
    /// Tokens dropped because DOMO answered 401 (or 406 HTML) to them.
    public var renewalsAfterUnauthorized = 0

    public init() {}
}

final class DomoStatisticsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = DomoClientStatistics()

    func update(_ change: (inout DomoClientStatistics) -> Void) {
        lock.lock()
        change(&value)
        lock.unlock()
    }

    var snapshot: DomoClientStatistics {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
