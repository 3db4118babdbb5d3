import Columnar
import Foundation

/// What a files source records in the dataset's manifest (its `state`), kept bounded however
/// many objects have been loaded:
/// - `objects`: the loaded objects last modified at or after the watermark, by URL, with size,
///   version (ETag, or size and mtime locally) and modification time: at most `maxKeys` of
///   them, the newest; entries that share the oldest kept time all stay.
/// - `watermark`: objects last modified before it are taken as loaded. It moves only when more
///   than `maxKeys` objects have been loaded, to the oldest kept time, so an object that
///   appears late with an older LastModified is still loaded unless it is older than the
///   `maxKeys` newest loaded objects.
/// - `columns`: the dataset's columns and types, which later loads keep (a column's type never
///   changes between incremental loads; `--full-refresh` reloads under fresh types).
/// - `skipped`: the objects the last load skipped as bad (`bad_files: skip`), with why; they are
///   tried again by the next load.
public struct FilesState: Sendable, Equatable {
    public static let defaultKeys = 10_000

    public struct Entry: Sendable, Equatable {
        public var size: Int64
        public var version: String
        /// Microseconds since 1970 (times compare at this precision, as written in the state).
        public var modified: Int64?
    }

    /// Microseconds since 1970.
    public var watermark: Int64?
    public var objects: [String: Entry] = [:]
    public var columns: [Field] = []
    public var skipped: [(url: String, reason: String)] = []
    /// Objects loaded by every load so far.
    public var loadedTotal: Int64 = 0

    public init() {}

    public static func == (a: FilesState, b: FilesState) -> Bool {
        a.watermark == b.watermark && a.objects == b.objects && a.columns == b.columns && a.loadedTotal == b.loadedTotal
            && a.skipped.map(\.url) == b.skipped.map(\.url) && a.skipped.map(\.reason) == b.skipped.map(\.reason)
    }

    /// How an object stands against what was loaded.
    public enum Standing: Equatable {
        case new
        case loaded
        /// Loaded before, with another size or version since.
        case changed(was: Entry)
        /// Last modified before the watermark: taken as loaded.
        case beforeWatermark
    }

    public func standing(of o: LandingObject) -> Standing {
        if let e = objects[o.url] {
            return e.size == o.size && e.version == o.version ? .loaded : .changed(was: e)
        }
        if let w = watermark, let m = o.modified.map(Self.micros), m < w { return .beforeWatermark }
        return .new
    }

    /// Records `loaded` and drops the oldest entries past `maxKeys`, moving the watermark.
    public mutating func record(_ loaded: [LandingObject], maxKeys: Int) {
        for o in loaded { objects[o.url] = Entry(size: o.size, version: o.version, modified: o.modified.map(Self.micros)) }
        loadedTotal += Int64(loaded.count)
        guard objects.count > maxKeys else { return }
        let times = objects.values.map { $0.modified ?? Int64.min }.sorted(by: >)
        let oldestKept = times[maxKeys - 1]
        objects = objects.filter { ($0.value.modified ?? Int64.min) >= oldestKept }
        watermark = max(watermark ?? Int64.min, oldestKept)
    }

    // MARK: JSON

    public init(json: JSONValue?) throws {
        guard let json else { return }
        guard case let .object(o) = json, o["kind"]?.string == "files" else {
            throw SourceError.noInput("the dataset's state was not written by a files source (run with --full-refresh to start over)")
        }
        watermark = o["watermark"]?.string.flatMap(Self.parseMicros)
        if case let .object(entries)? = o["objects"] {
            for (url, v) in entries {
                objects[url] = Entry(size: v["size"]?.int ?? -1, version: v["version"]?.string ?? "",
                                     modified: v["modified"]?.string.flatMap(Self.parseMicros))
            }
        }
        if case let .array(cols)? = o["columns"] {
            columns = try cols.map { c in
                guard case let .array(pair) = c, pair.count == 2, let name = pair[0].string, let text = pair[1].string,
                      let type = DataType(parsing: text) else {
                    throw SourceError.noInput("the dataset's state has a column it cannot read (\(c)); run with --full-refresh")
                }
                return Field(name, type)
            }
        }
        if case let .array(list)? = o["skipped"] {
            skipped = list.map { ($0["url"]?.string ?? "", $0["reason"]?.string ?? "") }
        }
        loadedTotal = o["loaded_total"]?.int ?? 0
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["kind": .string("files"), "loaded_total": .int(loadedTotal)]
        if let watermark { o["watermark"] = .string(Self.format(watermark)) }
        o["objects"] = .object(objects.mapValues { e in
            var v: [String: JSONValue] = ["size": .int(e.size), "version": .string(e.version)]
            if let m = e.modified { v["modified"] = .string(Self.format(m)) }
            return .object(v)
        })
        o["columns"] = .array(columns.map { .array([.string($0.name), .string($0.type.name)]) })
        o["skipped"] = .array(skipped.map { .object(["url": .string($0.url), "reason": .string($0.reason)]) })
        return .object(o)
    }

    static func micros(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1e6).rounded(.down)) }

    /// `2025-01-02T03:04:05.123456Z`: the microseconds survive the round trip.
    static func format(_ us: Int64) -> String {
        let seconds = us >= 0 ? us / 1_000_000 : (us - 999_999) / 1_000_000
        let fraction = us - seconds * 1_000_000
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(fraction))
    }

    static func parseMicros(_ s: String) -> Int64? {
        // The fraction is read by hand: ISO8601DateFormatter keeps milliseconds only.
        var whole = s, fraction: Int64 = 0
        if let dot = s.firstIndex(of: "."), let z = s.lastIndex(of: "Z"), dot < z {
            let digits = s[s.index(after: dot) ..< z]
            guard digits.allSatisfy(\.isNumber) else { return nil }
            fraction = Int64(String((digits + "000000").prefix(6))) ?? 0
            whole = String(s[..<dot]) + "Z"
        }
        guard let d = parseDate(whole) else { return nil }
        return micros(d) + fraction
    }

    /// `2025-01-01T00:00:00Z`, with or without fractional seconds, or a plain `2025-01-01` (UTC).
    public static func parseDate(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withFullDate]
        return f.date(from: s)
    }
}
