import Columnar
import Foundation
import Inference
import JSON
import ObjectStore

/// A cursor value, comparable across records and runs: an integer, or an ISO 8601 date or
/// timestamp as microseconds in UTC.
enum CursorValue: Comparable, Sendable {
    case integer(Int64)
    case instant(Int64)

    /// The value of a record's cursor field; nil when it is absent, null or not comparable.
    init?(_ scalar: JSONDocument.Scalar) {
        switch scalar {
        case let .number(text):
            guard let n = Int64(text) else { return nil }
            self = .integer(n)
        case let .string(text):
            guard let micros = isoInstantMicros(text) else { return nil }
            self = .instant(micros)
        default:
            return nil
        }
    }

    init?(text: String) {
        if let n = Int64(text) { self = .integer(n) } else if let m = isoInstantMicros(text) { self = .instant(m) } else { return nil }
    }

    var kind: String {
        if case .integer = self { return "an integer" }
        return "a date or timestamp"
    }

    func sameKind(_ other: CursorValue) -> Bool {
        switch (self, other) {
        case (.integer, .integer), (.instant, .instant): return true
        default: return false
        }
    }
}

/// Where an incremental run starts and what it publishes as the next start.
///
/// The start is the last published cursor value minus `lag_seconds` (or `initial_value` on the
/// first run), sent in `param` and also applied to the records received. Records inside the lag
/// window were loaded by the run before: with a `primary_key`, their fingerprints (key and
/// cursor value) are in the state, and one that comes back unchanged is skipped, so the window
/// never loads a row twice. The state is the highest cursor value loaded, plus the fingerprints
/// of the window below it (at most `windowLimit`).
///
/// Memory: a run remembers 16 bytes per record only while the record can still end up in the
/// window (cursor ≥ highest − lag); the rest are pruned as the highest value moves on, so a run
/// of millions of records holds about one window's worth, never a fingerprint per record.
struct IncrementalCursor {
    let spec: IncrementalSpec
    /// The value sent in `param`; nil on a first run without `initial_value`.
    let startText: String?
    private let start: CursorValue?
    private var kindSeen: CursorValue?
    private(set) var highest: (value: CursorValue, text: String)?
    /// The previous run's window, by cursor text.
    private let previous: [String: (value: CursorValue, prints: [KeyFingerprint])]
    private let previousSeen: Set<KeyFingerprint>
    /// This run's fingerprints by cursor text, for the next window; pruned to the window.
    private var window: [String: (value: CursorValue, prints: [KeyFingerprint])] = [:]
    private var windowPrints = 0
    private var pruneAt = IncrementalCursor.firstPrune
    /// The highest cursor value whose fingerprints were dropped to keep within `windowLimit`.
    private var capped: CursorValue?
    private(set) var skippedOld = 0
    private(set) var skippedSeen = 0
    private(set) var windowTruncated = false
    let keyed: Bool

    static let windowLimit = 100_000
    static let firstPrune = 4096

    init(spec: IncrementalSpec, state: JSONValue?, keyed: Bool) throws {
        self.spec = spec
        self.keyed = keyed
        var previous: [String: (value: CursorValue, prints: [KeyFingerprint])] = [:]
        if case let .object(w)? = state?["window"] {
            for (cursor, prints) in w {
                guard case let .array(a) = prints, let value = CursorValue(text: cursor) else { continue }
                previous[cursor] = (value, a.compactMap { $0.string.flatMap(KeyFingerprint.init(hex:)) })
            }
        }
        self.previous = previous
        previousSeen = Set(previous.values.flatMap(\.prints))
        if let last = state?["cursor"]?.string {
            guard let value = CursorValue(text: last) else {
                throw ApiError.invalidConfig("the dataset's state holds cursor '\(last)', which is not an integer or an ISO 8601 timestamp; reload with --full-refresh")
            }
            highest = (value, last)
            kindSeen = value
            if case let .instant(m) = value, spec.lagSeconds > 0 {
                let s = m - Int64(spec.lagSeconds * 1_000_000)
                start = .instant(s)
                startText = isoInstantText(micros: s)
            } else {
                start = value
                startText = last
            }
        } else if let initial = spec.initialValue {
            guard let value = CursorValue(text: initial) else {
                throw ApiError.invalidConfig("incremental.initial_value '\(initial)' is not an integer or an ISO 8601 date or timestamp")
            }
            start = value
            kindSeen = value
            startText = initial
        } else {
            start = nil
            startText = nil
        }
    }

    enum Verdict { case load, skip }

    /// Whether a record with `scalar` at the cursor path (nil: absent) and `key` (its primary
    /// key's text, when keyed) loads; throws for a value that cannot be compared.
    mutating func observe(_ scalar: JSONDocument.Scalar?, key: [UInt8]?, fail: (String) -> Error) throws -> Verdict {
        guard let scalar, scalar != .null else {
            if spec.includeMissingCursor { return .load }
            throw fail("is missing or null")
        }
        guard let value = CursorValue(scalar) else {
            if spec.includeMissingCursor { return .load }
            throw fail("holds \(Self.describe(scalar)), not an integer or an ISO 8601 date or timestamp")
        }
        if let k = kindSeen, !k.sameKind(value) { throw fail("holds \(value.kind) where the others hold \(k.kind)") }
        kindSeen = value
        if let start, value < start { skippedOld += 1; return .skip }
        let text = Self.text(scalar)
        var print: KeyFingerprint?
        if keyed, let key {
            let p = Self.fingerprint(key, text)
            if previousSeen.contains(p) { skippedSeen += 1; return .skip }
            print = p
        }
        if highest == nil || value > highest!.value { highest = (value, text) }
        if let print, value >= floor(below: highest!.value) {
            window[text, default: (value, [])].prints.append(print)
            windowPrints += 1
            if windowPrints >= pruneAt { prune() }
        }
        return .load
    }

    /// The lowest cursor value still inside the lag window below `top`.
    private func floor(below top: CursorValue) -> CursorValue {
        if case let .instant(m) = top { return .instant(m - Int64(spec.lagSeconds * 1_000_000)) }
        return top
    }

    /// Drops the fingerprints that fell out of the window, and beyond `windowLimit` the oldest;
    /// the next prune waits until the window has doubled, so pruning costs O(1) a record.
    private mutating func prune() {
        guard let top = highest?.value else { return }
        let low = floor(below: top)
        window = window.filter { $0.value.value >= low }
        windowPrints = window.values.reduce(0) { $0 + $1.prints.count }
        if windowPrints > Self.windowLimit {
            var kept = 0
            for (text, entry) in window.sorted(by: { $0.value.value > $1.value.value }) {
                if kept >= Self.windowLimit {
                    window[text] = nil
                    windowPrints -= entry.prints.count
                    if capped == nil || entry.value > capped! { capped = entry.value }
                } else {
                    kept += entry.prints.count
                }
            }
        }
        pruneAt = max(Self.firstPrune, 2 * windowPrints)
    }

    /// How many fingerprints the run holds now (for tests and measurements).
    var heldFingerprints: Int { windowPrints }

    /// The state to publish: the highest value, and the window's fingerprints below it.
    mutating func state() -> JSONValue? {
        guard let highest else { return nil }
        let floor = floor(below: highest.value)
        if let capped, capped >= floor { windowTruncated = true }
        var merged: [(CursorValue, String, [KeyFingerprint])] = []
        for (text, entry) in previous where entry.value >= floor { merged.append((entry.value, text, entry.prints)) }
        for (text, entry) in window where entry.value >= floor { merged.append((entry.value, text, entry.prints)) }
        // Newest first, so a cut keeps the values closest to the next start.
        merged.sort { $0.0 > $1.0 }
        var kept: [String: Set<KeyFingerprint>] = [:]
        var count = 0
        for (_, text, prints) in merged {
            for p in prints where count < Self.windowLimit {
                if kept[text, default: []].insert(p).inserted { count += 1 }
            }
            if count >= Self.windowLimit { windowTruncated = true; break }
        }
        var out: [String: JSONValue] = ["cursor": .string(highest.text)]
        if keyed { out["window"] = .object(kept.mapValues { .array($0.map(\.hex).sorted().map(JSONValue.string)) }) }
        return .object(out)
    }

    static func text(_ scalar: JSONDocument.Scalar) -> String {
        switch scalar {
        case let .string(s): return s
        case let .number(n): return n
        default: return ""
        }
    }

    static func describe(_ scalar: JSONDocument.Scalar) -> String {
        switch scalar {
        case let .string(s): return "'\(s.prefix(40))'"
        case let .number(n): return n
        case let .bool(b): return "\(b)"
        case .array: return "a list"
        case .object: return "an object"
        case .null: return "null"
        }
    }

    static func fingerprint(_ key: [UInt8], _ cursor: String) -> KeyFingerprint {
        var bytes = key
        bytes.append(0)
        bytes += Array(cursor.utf8)
        return KeyFingerprint(bytes)
    }
}
