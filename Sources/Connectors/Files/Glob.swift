/// A path pattern of the files source: `*`, `?`, `[abc]`, `[a-z]`, `[!abc]` within one path
/// segment, `**` as a whole segment for any number of segments (none included), `{a,b}` for
/// alternatives, and `\` before any of these characters for the character itself.
///
/// A pattern is matched segment by segment (`/` separates them) as a small automaton over the
/// pattern's segments, so a walk can stop descending into a folder no match can lie under.
/// Like a shell, a wildcard never matches a name that starts with `.` or `_` (hidden files,
/// `_SUCCESS` markers, `_temporary` folders): only a pattern segment written with that first
/// character does.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    /// One automaton per alternative of the `{a,b}` expansion.
    let alternatives: [[Segment]]

    public var description: String { text }

    /// Most alternatives one pattern may expand to (`{a,b}{c,d}` is 4).
    static let maxAlternatives = 1024

    public init(_ text: String) throws {
        self.text = text
        let expanded = try Self.expandBraces(text)
        alternatives = try expanded.map { alt in
            try alt.split(separator: "/", omittingEmptySubsequences: false).map { try Segment(String($0), pattern: text) }
        }
    }

    /// Whether the text holds any wildcard (`*`, `?`, `[`, `{`) that is not escaped.
    public static func hasWildcards(_ text: String) -> Bool {
        var escaped = false
        for ch in text {
            if escaped { escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if "*?[{".contains(ch) { return true }
        }
        return false
    }

    /// The text before the first wildcard of each alternative, unescaped and deduplicated, with
    /// prefixes that another one covers removed: what an S3 listing starts from, so that it never
    /// walks more of the bucket than the pattern can match.
    public var literalPrefixes: [String] {
        var prefixes: [String] = []
        for alt in alternatives {
            var out = ""
            var done = false
            for (i, seg) in alt.enumerated() {
                if i > 0 { out += "/" }
                switch seg {
                case let .literal(name): out += name
                case .anyDepth: done = true
                case let .wildcard(_, literalStart): out += literalStart; done = true
                }
                if done { break }
            }
            prefixes.append(out)
        }
        let unique = Array(Set(prefixes)).sorted()
        return unique.filter { p in !unique.contains { $0 != p && p.hasPrefix($0) } }
    }

    /// Whether `path` (segments separated by `/`) matches.
    public func matches(_ path: String) -> Bool {
        let names = path.split(separator: "/", omittingEmptySubsequences: false)
        return alternatives.contains { alt in
            var states = Self.closure([0], alt)
            for name in names {
                states = Self.step(states, Substring(name), alt)
                if states.isEmpty { return false }
            }
            return states.contains(alt.count)
        }
    }

    /// A walk's position: for each alternative, the pattern segments that may match next.
    public struct Position: Sendable, Equatable {
        var states: [Set<Int>]
        /// No match can lie at or below this position.
        public var isDead: Bool { states.allSatisfy(\.isEmpty) }
    }

    public var start: Position { Position(states: alternatives.map { Self.closure([0], $0) }) }

    /// The position after one more path segment named `name`.
    public func advance(_ position: Position, by name: String) -> Position {
        Position(states: zip(position.states, alternatives).map { Self.step($0, Substring(name), $1) })
    }

    /// Whether a path ending at `position` matches.
    public func accepts(_ position: Position) -> Bool {
        zip(position.states, alternatives).contains { $0.contains($1.count) }
    }

    private static func step(_ states: Set<Int>, _ name: Substring, _ alt: [Segment]) -> Set<Int> {
        var next = Set<Int>()
        for i in states where i < alt.count {
            switch alt[i] {
            case .anyDepth:
                if !isHidden(name) { next.insert(i) }
            case let .literal(text):
                if name == text { next.insert(i + 1) }
            case let .wildcard(parts, literalStart):
                // A hidden name needs its first character written in the pattern.
                if isHidden(name), !literalStart.hasPrefix(String(name.first!)) { continue }
                if matchSegment(Array(name.unicodeScalars), 0, parts, 0) { next.insert(i + 1) }
            }
        }
        return closure(next, alt)
    }

    /// `**` may match no segment at all.
    private static func closure(_ states: Set<Int>, _ alt: [Segment]) -> Set<Int> {
        var out = states
        var pending = Array(states)
        while let i = pending.popLast() {
            if i < alt.count, case .anyDepth = alt[i], !out.contains(i + 1) {
                out.insert(i + 1)
                pending.append(i + 1)
            }
        }
        return out
    }

    static func isHidden(_ name: Substring) -> Bool { name.first == "." || name.first == "_" }

    private static func matchSegment(_ s: [Unicode.Scalar], _ si: Int, _ p: [Part], _ pi: Int) -> Bool {
        var si = si, pi = pi
        // Backtracking over `*` with the classic two-pointer walk.
        var starP = -1, starS = -1
        while si < s.count {
            if pi < p.count {
                switch p[pi] {
                case .anyRun:
                    starP = pi; starS = si; pi += 1
                    continue
                case .any:
                    si += 1; pi += 1
                    continue
                case let .char(c) where c == s[si]:
                    si += 1; pi += 1
                    continue
                case let .set(set) where set.contains(s[si]):
                    si += 1; pi += 1
                    continue
                default: break
                }
            }
            guard starP >= 0 else { return false }
            pi = starP + 1
            starS += 1
            si = starS
        }
        while pi < p.count, case .anyRun = p[pi] { pi += 1 }
        return pi == p.count
    }

    // MARK: parsing

    enum Segment: Sendable, Equatable {
        case literal(String)
        /// `**`.
        case anyDepth
        /// A segment with wildcards; `literalStart` is its text before the first one.
        case wildcard([Part], literalStart: String)

        init(_ text: String, pattern: String) throws {
            if text == "**" { self = .anyDepth; return }
            var parts: [Part] = []
            var literal = ""
            var sawWildcard = false
            var chars = Array(text.unicodeScalars)[...]
            while let c = chars.popFirst() {
                switch c {
                case "\\":
                    guard let next = chars.popFirst() else { throw GlobError(pattern: pattern, reason: "it ends with a lone \\") }
                    parts.append(.char(next))
                    if !sawWildcard { literal.unicodeScalars.append(next) }
                case "*":
                    // `**` inside a segment (`a**b`) is the same as `*`.
                    if parts.last != .anyRun { parts.append(.anyRun) }
                    sawWildcard = true
                case "?":
                    parts.append(.any)
                    sawWildcard = true
                case "[":
                    parts.append(.set(try CharacterSet(parsing: &chars, pattern: pattern)))
                    sawWildcard = true
                case "]", "}":
                    throw GlobError(pattern: pattern, reason: "'\(c)' has no opening '\(c == "]" ? "[" : "{")' (write \\\(c) for the character)")
                default:
                    parts.append(.char(c))
                    if !sawWildcard { literal.unicodeScalars.append(c) }
                }
            }
            self = sawWildcard ? .wildcard(parts, literalStart: literal) : .literal(literal)
        }
    }

    enum Part: Sendable, Equatable {
        case char(Unicode.Scalar)
        case any
        case anyRun
        case set(CharacterSet)
    }

    /// `[abc]`, `[a-z0-9]`, `[!abc]` (or `[^abc]`).
    struct CharacterSet: Sendable, Equatable {
        var ranges: [ClosedRange<UInt32>] = []
        var negated = false

        func contains(_ c: Unicode.Scalar) -> Bool { ranges.contains { $0.contains(c.value) } != negated }

        init(parsing chars: inout ArraySlice<Unicode.Scalar>, pattern: String) throws {
            if chars.first == "!" || chars.first == "^" { negated = true; chars.removeFirst() }
            var first = true
            while let c = chars.popFirst() {
                if c == "]" && !first { return }
                first = false
                var low = c
                if low == "\\" { guard let n = chars.popFirst() else { break }; low = n }
                if chars.first == "-", chars.count >= 2, chars[chars.startIndex + 1] != "]" {
                    chars.removeFirst()
                    var high = chars.removeFirst()
                    if high == "\\" { guard let n = chars.popFirst() else { break }; high = n }
                    guard low.value <= high.value else { throw GlobError(pattern: pattern, reason: "the range [\(low)-\(high)] is backwards") }
                    ranges.append(low.value ... high.value)
                } else {
                    ranges.append(low.value ... low.value)
                }
            }
            throw GlobError(pattern: pattern, reason: "a '[' is never closed")
        }
    }

    /// `a{b,c}d` → `abd`, `acd`; nested braces too. A brace holds at least one comma.
    static func expandBraces(_ text: String) throws -> [String] {
        let chars = Array(text)
        var i = 0, escaped = false
        while i < chars.count {
            let c = chars[i]
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "{" { break }
            i += 1
        }
        guard i < chars.count else { return [text] }
        var depth = 0, j = i, options: [String] = [], current = "", esc = false
        while j < chars.count {
            let c = chars[j]
            if esc { current.append(c); esc = false; j += 1; continue }
            if c == "\\" { current.append(c); esc = true; j += 1; continue }
            if c == "{" { depth += 1; if depth > 1 { current.append(c) } }
            else if c == "}" {
                depth -= 1
                if depth == 0 { options.append(current); break }
                current.append(c)
            } else if c == ",", depth == 1 { options.append(current); current = "" }
            else { current.append(c) }
            j += 1
        }
        guard depth == 0, j < chars.count else { throw GlobError(pattern: text, reason: "a '{' is never closed") }
        guard options.count > 1 else { throw GlobError(pattern: text, reason: "'{\(options.first ?? "")}' needs alternatives separated by commas, like {a,b}") }
        let head = String(chars[..<i]), tail = String(chars[(j + 1)...])
        var out: [String] = []
        for option in options {
            for expanded in try expandBraces(head + option + tail) {
                out.append(expanded)
                if out.count > maxAlternatives { throw GlobError(pattern: text, reason: "it expands to more than \(maxAlternatives) alternatives") }
            }
        }
        return out
    }
}

public struct GlobError: Error, CustomStringConvertible, Equatable {
    public let pattern: String
    public let reason: String
    public var description: String { "glob '\(pattern)': \(reason)" }
}
