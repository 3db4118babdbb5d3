import Foundation

/// Remembers every secret value a client has handled (a client secret, a password, an API key,
/// each access token) and blanks them out of any text that may end up in an error or a log.
public final class SecretRedactor: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String]

    public init(secrets: [String] = []) {
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    public func remember(_ secret: String) {
        guard !secret.isEmpty else { return }
        lock.lock()
        secrets.append(secret)
        lock.unlock()
    }

    public func redact(_ text: String) -> String {
        lock.lock()
        let all = secrets
        lock.unlock()
        var out = text
        // Longest first: a secret that contains another is blanked whole.
        for secret in all.sorted(by: { $0.count > $1.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "‹redacted›")
        }
        return out
    }
}
