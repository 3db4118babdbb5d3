import Yams

public extension Node {
    /// YAML's "no value": `null`, `Null`, `NULL`, `~` or nothing at all, unquoted. PyYAML reads
    /// these as None, and the configs Inlet replaces were written for it, so an optional key
    /// holding one is treated as absent. A quoted `""` or `"null"` is text, not null.
    var isYAMLNull: Bool {
        guard case let .scalar(s) = self, s.style == .plain else { return false }
        switch s.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }
}
