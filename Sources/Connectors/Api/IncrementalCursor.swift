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
struct IncrementalCursor {
    let spec: IncrementalSpec
    /// The value sent in `param`; nil on a first run without `initial_value`.
    let startText: String?
    private let start: CursorValue?
    private var kindSeen: CursorValue?
    private(set) var highest: (value: CursorValue, text: String)?
    private let previous: [String: [String]]
    private let previousSeen: Set<String>
    /// This run's fingerprints by cursor text, with the value, for the next window.
    private var window: [String: (value: CursorValue, prints: [String])] = [:]
    private(set) var skippedOld = 0
    private(set) var skippedSeen = 0
    private(set) var windowTruncated = false
    let keyed: Bool

    static let windowLimit = 100_000

    init(spec: IncrementalSpec, state: JSONValue?, keyed: Bool) throws {
        self.spec = spec
        self.keyed = keyed
        var previous: [String: [String]] = [:]
        if case let .object(w)? = state?["window"] {
            for (cursor, prints) in w { if case let .array(a) = prints { previous[cursor] = a.compactMap(\.string) } }
        }
        self.previous = previous
        previousSeen = Set(previous.values.joined())
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
        var print: String?
        if keyed, let key {
            let p = Self.fingerprint(key, text)
            if previousSeen.contains(p) { skippedSeen += 1; return .skip }
            print = p
        }
        if highest == nil || value > highest!.value { highest = (value, text) }
        if let print { window[text, default: (value, [])].prints.append(print) }
        return .load
    }

    /// The state to publish: the highest value, and the window's fingerprints below it.
    mutating func state() -> JSONValue? {
        guard let highest else { return nil }
        var floor = highest.value
        if case let .instant(m) = highest.value { floor = .instant(m - Int64(spec.lagSeconds * 1_000_000)) }
        var merged: [(CursorValue, String, [String])] = []
        for (text, prints) in previous { if let v = CursorValue(text: text), v >= floor { merged.append((v, text, prints)) } }
        for (text, entry) in window where entry.value >= floor { merged.append((entry.value, text, entry.prints)) }
        // Newest first, so a cut keeps the values closest to the next start.
        merged.sort { $0.0 > $1.0 }
        var kept: [String: Set<String>] = [:]
        var count = 0
        for (_, text, prints) in merged {
            for p in prints where count < Self.windowLimit {
                if kept[text, default: []].insert(p).inserted { count += 1 }
            }
            if count >= Self.windowLimit { windowTruncated = true; break }
        }
        var out: [String: JSONValue] = ["cursor": .string(highest.text)]
        if keyed { out["window"] = .object(kept.mapValues { .array($0.sorted().map(JSONValue.string)) }) }
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

    static func fingerprint(_ key: [UInt8], _ cursor: String) -> String {
        var bytes = key
        bytes.append(0)
        bytes += Array(cursor.utf8)
        let (a, b) = bytes.withUnsafeBytes { FileDigest.fingerprint($0) }
        return FileDigest.hex((0 ..< 16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? a : b) >> (56 - 8 * UInt64($0 % 8))) })
    }
}
