import Foundation

/// Remembers every secret value the client has handled (client secret, Basic credential, each
/// access token) and blanks them out of any text that may end up in an error or a log.
final class DomoRedactor: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String]

    init(credentials: DomoCredentials) {
        let basic = String(credentials.basicAuthorization.dropFirst("Basic ".count))
        secrets = [credentials.clientSecret, basic].filter { !$0.isEmpty }
    }

    func remember(_ secret: String) {
        guard !secret.isEmpty else { return }
        lock.lock()
        secrets.append(secret)
        lock.unlock()
    }

    func redact(_ text: String) -> String {
        lock.lock()
        let all = secrets
        lock.unlock()
        var out = text
        for secret in all where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "‹redacted›")
        }
        return out
    }
}

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
