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

/// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`: a typo's usual shapes.
private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0 ... a.count { d[i][0] = i }
    for j in 0 ... b.count { d[0][j] = j }
    for i in 1 ... a.count {
        for j in 1 ... b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
        }
    }
    return d[a.count][b.count]
}
