import Foundation

/// Remembers every secret value a client has handled (a client secret, a password, an API key,
/// each access token) and blanks them out of any text that may end up in an error or a log.
/// Values a config took from `${VAR}` are shown as written (`${API_KEY}`), as config errors
/// show them.
public final class SecretRedactor: @unchecked Sendable {
    private let lock = NSLock()
    /// Secret → what is shown in its place.
    private var shown: [String: String] = [:]

    public init(secrets: [String] = [], written: [(value: String, written: String)] = []) {
        for s in secrets where !s.isEmpty { shown[s] = "‹redacted›" }
        // Below 4 characters a value ("100", "true") is no secret, and replacing it would garble
        // the message.
        for (value, text) in written where value.count >= 4 { shown[value] = text }
    }

    public func remember(_ secret: String) {
        guard !secret.isEmpty else { return }
        lock.lock()
        if shown[secret] == nil { shown[secret] = "‹redacted›" }
        lock.unlock()
    }

    public func redact(_ text: String) -> String {
        lock.lock()
        let all = shown
        lock.unlock()
        var out = text
        // Longest first: a secret that contains another is blanked whole.
        for (secret, replacement) in all.sorted(by: { $0.key.count > $1.key.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: replacement)
        }
        return out
    }
}
