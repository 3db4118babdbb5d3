import Columnar

/// An incremental load's position, published in the manifest with the data it describes.
///
/// A cursor alone misses rows: a transaction that began before a run and commits after it,
/// with cursor values below the run's high mark, is invisible to that run and below the next
/// one's filter (dlt#2269). So each run also keeps its snapshot's **xmin horizon**, the oldest
/// transaction still running when the snapshot was taken: every transaction the snapshot could
/// not see has an id at or above it. The next run loads rows past the high mark **or** written
/// by a transaction at or above the horizon (`xmin`, widened to 64 bits against the snapshot's
/// epoch). Sub-transactions' ids are caught the same way. Rows of transactions between the
/// horizon and the snapshot that the last run did see are loaded again: never a miss, at
/// worst a duplicate, which `primary_key` names.
struct PGState: Equatable {
    var cursorColumn: String
    /// The highest cursor value loaded so far, as an SQL literal of the column's type.
    var lastValue: String?
    /// The same in the Unix-epoch units of its type (µs, days, the integer), to compare.
    var lastRaw: Int64?
    /// The last run's snapshot xmin (a 64-bit transaction id).
    var xminHorizon: UInt64

    init(cursorColumn: String, lastValue: String?, lastRaw: Int64?, xminHorizon: UInt64) {
        self.cursorColumn = cursorColumn
        self.lastValue = lastValue
        self.lastRaw = lastRaw
        self.xminHorizon = xminHorizon
    }

    init?(_ json: JSONValue?) {
        guard case let .string(c)? = json?["cursor_column"], case let .string(x)? = json?["xmin_horizon"], let xmin = UInt64(x) else { return nil }
        cursorColumn = c
        if case let .string(v)? = json?["last_value"] { lastValue = v }
        if case let .int(r)? = json?["last_raw"] { lastRaw = r }
        xminHorizon = xmin
    }

    var json: JSONValue {
        var o: [String: JSONValue] = ["cursor_column": .string(cursorColumn), "xmin_horizon": .string(String(xminHorizon))]
        if let lastValue { o["last_value"] = .string(lastValue) }
        if let lastRaw { o["last_raw"] = .int(lastRaw) }
        return .object(o)
    }

    /// A cursor value (Unix-epoch units of its type) as an SQL literal (`Z`: UTC, for timestamptz).
    static func literal(_ v: Int64, decode: PGDecode, utc: Bool) -> String {
        switch decode {
        case .date: return CivilDate(daysSinceEpoch: v).description
        case .timestamp: return Timestamps.format(v, unit: .microsecond, utc: utc)
        default: return String(v)
        }
    }
}

/// The load's snapshot, as the leader's connection saw it.
struct PGSnapshotInfo {
    /// `pg_export_snapshot()`, for the other connections of a parallel load.
    var exported: String?
    var xmin: UInt64
    var xmax: UInt64

    /// A row's `xmin` (32 bits) as a 64-bit id: the epoch of the snapshot's xmax, less one when
    /// the low bits are past xmax's (the row predates the last wraparound). Never lower than the
    /// true id, so a row is never judged older than it is.
    var rowXid8: String {
        let epoch = xmax >> 32, low = xmax & 0xFFFF_FFFF
        return "(((\(epoch) - (xmin::text::int8 > \(low))::int)::int8 << 32) | xmin::text::int8)"
    }
}
