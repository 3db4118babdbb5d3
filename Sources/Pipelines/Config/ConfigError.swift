/// A config file that cannot be run: not YAML, an unknown key or kind, a wrong type, a missing
/// variable. Reported before any pipeline runs, naming the file, the line and the key.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int?
    /// What the line belongs to: `pipeline 'orders'`.
    public let context: String?
    public let message: String

    public init(file: String, line: Int?, context: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.context = context
        self.message = message
    }

    public var description: String {
        file + (line.map { ":\($0)" } ?? "") + ": " + (context.map { "\($0): " } ?? "") + message
    }
}

/// The known word nearest to `word` by edit distance, when it is a plausible misspelling.
func nearest(_ word: String, in known: [String]) -> String? {
    let scored = known.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(1, min(3, word.count / 3)) ? best.0 : nil
}

private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0 ... b.count)
    for i in 1 ... a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1 ... b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
