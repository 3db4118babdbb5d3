import Columnar
import Foundation

/// Turns the bytes of `COPY … TO STDOUT (FORMAT binary)` into record batches: the header once,
/// then tuples (a field count, then each field's length and bytes), straight into column
/// builders. Fed one CopyData payload at a time; a tuple split across payloads is carried over.
///
/// A struct owned by its reader thread: a class's stored properties are checked for exclusive
/// access at run time on every touch, which cost about a tenth of the load's CPU per cell.
struct PGCopyDecoder {
    let plans: [PGColumnPlan]
    let schema: Schema
    /// `infinity: null`: ±infinity dates and timestamps become nulls instead of an error.
    let infinityAsNull: Bool
    /// Columns whose values name a row in errors (the primary key).
    let keyColumns: [Int]
    /// The incremental cursor: its column and the largest value seen (Unix-epoch units of its type).
    let cursorColumn: Int?
    private(set) var cursorMax: Int64?
    let batchRows: Int
    let batchBytes: Int
    /// Each column's decoding as a plain tag, and a numeric's precision and scale: `PGDecode`
    /// is indirect, so reading it per value would retain and release a box.
    private let kinds: [Kind]
    private let precisions: [Int], scales: [Int]
    private var builders: [ColumnBuilder]
    private var rows = 0
    private var bytesInBatch = 0
    private var headerDone = false
    private var ended = false
    private var carry: [UInt8] = []
    /// Rows of this part so far (names a row in errors).
    private(set) var rowsDecoded: Int64 = 0
    /// Each batch with the bytes of the COPY stream it came from.
    private let emit: (RecordBatch, Int) throws -> Void

    static let pgEpochDays: Int64 = 10_957
    static let pgEpochMicros: Int64 = 946_684_800_000_000

    enum Kind: UInt8 { case bool, int2, int4, int8, float4, float8, numeric, bytes, jsonb, date, timestamp, time, other }

    init(plans: [PGColumnPlan], schema: Schema, infinityAsNull: Bool, keyColumns: [Int], cursorColumn: Int?,
         batchRows: Int = 65_536, batchBytes: Int = 16 << 20, emit: @escaping (RecordBatch, Int) throws -> Void) {
        self.plans = plans
        self.schema = schema
        self.infinityAsNull = infinityAsNull
        self.keyColumns = keyColumns
        self.cursorColumn = cursorColumn
        self.batchRows = batchRows
        self.batchBytes = batchBytes
        self.emit = emit
        builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: min(batchRows, 4096)) }
        kinds = plans.map { (p: PGColumnPlan) -> Kind in
            switch p.decode {
            case .bool: .bool
            case .int2: .int2
            case .int4: .int4
            case .int8: .int8
            case .float4: .float4
            case .float8: .float8
            case .numeric: .numeric
            case .text, .bytea, .uuid: .bytes
            case .jsonb: .jsonb
            case .date: .date
            case .timestamp: .timestamp
            case .time: .time
            case .oid, .array: .other
            }
        }
        precisions = plans.map { (p: PGColumnPlan) -> Int in if case let .numeric(x, _) = p.decode { x } else { 0 } }
        scales = plans.map { (p: PGColumnPlan) -> Int in if case let .numeric(_, x) = p.decode { x } else { 0 } }
    }

    /// One CopyData payload.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        if carry.isEmpty {
            let used = try parse(chunk)
            if used < chunk.count { carry.append(contentsOf: chunk[used...]) }
        } else {
            var joined = carry
            carry = []
            joined.append(contentsOf: chunk)
            let used = try joined.withUnsafeBytes { try parse($0) }
            if used < joined.count { carry = Array(joined[used...]) }
        }
    }

    /// After the copy completed: the last partial batch.
    mutating func finish() throws {
        guard carry.isEmpty else { throw PGError.protocolViolation("the binary COPY stream ended inside a row") }
        guard rows > 0 else { return }
        var bs = builders
        builders = []
        defer { builders = bs }
        try flush(&bs)
    }

    private mutating func flush(_ builders: inout [ColumnBuilder]) throws {
        let columns = builders.indices.map { builders[$0].finish() }
        let bytes = bytesInBatch
        rows = 0
        bytesInBatch = 0
        try emit(try RecordBatch(schema: schema, columns: columns), bytes)
    }

    /// Parses whole tuples from `b`; returns the bytes used (a partial tuple stays for later).
    private mutating func parse(_ b: UnsafeRawBufferPointer) throws -> Int {
        var pos = 0
        if !headerDone {
            guard b.count >= 19 else { return 0 }
            guard b.prefix(11).elementsEqual([0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]) else {
                throw PGError.protocolViolation("not a binary COPY stream")
            }
            let ext = Int(Self.i32(b, 15))
            guard b.count >= 19 + ext else { return 0 }
            pos = 19 + ext
            headerDone = true
        }
        // The builders leave `self` for the loop, so appending to one is not a write to `self`.
        var bs = builders
        builders = []
        defer { builders = bs }
        let cursor = cursorColumn ?? -1
        while pos + 2 <= b.count, !ended {
            let fields = Int(Self.i16(b, pos))
            if fields == -1 { ended = true; return b.count }
            guard fields == kinds.count else { throw PGError.protocolViolation("a row has \(fields) fields, expected \(plans.count)") }
            // The whole tuple must be here before any of it is appended.
            var end = pos + 2
            for _ in 0 ..< fields {
                guard end + 4 <= b.count else { return pos }
                let len = Int(Self.i32(b, end))
                end += 4 + max(0, len)
                guard end <= b.count else { return pos }
            }
            var p = pos + 2
            for c in 0 ..< fields {
                let len = Int(Self.i32(b, p))
                p += 4
                if len < 0 { bs[c].appendNull(); continue }
                let v = UnsafeRawBufferPointer(rebasing: b[p ..< p + len])
                p += len
                switch kinds[c] {
                case .int8:
                    let x = Self.i64(v, 0)
                    bs[c].append(x)
                    if c == cursor { cursorMax = max(cursorMax ?? x, x) }
                case .int4:
                    let x = Self.i32(v, 0)
                    bs[c].append(x)
                    if c == cursor { cursorMax = max(cursorMax ?? Int64(x), Int64(x)) }
                case .int2:
                    let x = Self.i16(v, 0)
                    bs[c].append(x)
                    if c == cursor { cursorMax = max(cursorMax ?? Int64(x), Int64(x)) }
                case .bool: bs[c].append(v[0] != 0)
                case .float4: bs[c].append(Float(bitPattern: UInt32(bigEndian: v.loadUnaligned(as: UInt32.self))))
                case .float8: bs[c].append(Double(bitPattern: UInt64(bigEndian: v.loadUnaligned(as: UInt64.self))))
                case .numeric: bs[c].append(try Self.numeric(v, precision: precisions[c], scale: scales[c], column: plans[c].name))
                case .bytes: bs[c].append(bytes: v)
                case .jsonb: bs[c].append(bytes: UnsafeRawBufferPointer(rebasing: v[1...]))
                case .time: bs[c].append(Self.i64(v, 0))
                case .date:
                    let days = Self.i32(v, 0)
                    if days == .max || days == .min {
                        _ = try infinity(c, positive: days == .max, tuple: pos, in: b)
                        bs[c].appendNull(); continue
                    }
                    let x = Int64(days) + Self.pgEpochDays
                    bs[c].append(Int32(truncatingIfNeeded: x))
                    if c == cursor { cursorMax = max(cursorMax ?? x, x) }
                case .timestamp:
                    let us = Self.i64(v, 0)
                    if us == .max || us == .min {
                        _ = try infinity(c, positive: us == .max, tuple: pos, in: b)
                        bs[c].appendNull(); continue
                    }
                    let x = us + Self.pgEpochMicros
                    bs[c].append(x)
                    if c == cursor { cursorMax = max(cursorMax ?? x, x) }
                case .other: try decodeOther(c, v, into: &bs[c], tuple: pos, in: b)
                }
            }
            bytesInBatch += end - pos
            pos = end
            rows += 1
            rowsDecoded += 1
            if rows >= batchRows || bytesInBatch >= batchBytes { try flush(&bs) }
        }
        return pos
    }

    @inline(__always) static func i32(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int32 {
        Int32(bitPattern: UInt32(bigEndian: b.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
    }

    @inline(__always) static func i64(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int64 {
        Int64(bitPattern: UInt64(bigEndian: b.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
    }

    @inline(__always) static func i16(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int16 {
        Int16(bitPattern: UInt16(bigEndian: b.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
    }

    /// oid and arrays: off the hot path.
    private func decodeOther(_ c: Int, _ v: UnsafeRawBufferPointer, into builder: inout ColumnBuilder, tuple: Int,
                             in b: UnsafeRawBufferPointer) throws {
        if case let .array(element) = plans[c].decode {
            try decodeArray(element, v, into: &builder, column: c, tuple: tuple, in: b)
        } else {
            try Self.scalar(plans[c].decode, v, into: &builder, column: plans[c].name)
        }
    }

    /// A date (days) or timestamp (µs) in Unix-epoch units; nil for ±infinity with `infinity: null`.
    private func temporal(_ d: PGDecode, _ v: UnsafeRawBufferPointer, column c: Int, tuple: Int, in b: UnsafeRawBufferPointer) throws -> Int64? {
        if d == .date {
            let days = Self.i32(v, 0)
            if days == .max || days == .min { return try infinity(c, positive: days == .max, tuple: tuple, in: b) }
            return Int64(days) + Self.pgEpochDays
        }
        let us = Self.i64(v, 0)
        if us == .max || us == .min { return try infinity(c, positive: us == .max, tuple: tuple, in: b) }
        return us + Self.pgEpochMicros
    }

    private func infinity(_ c: Int, positive: Bool, tuple: Int, in b: UnsafeRawBufferPointer) throws -> Int64? {
        if infinityAsNull { return nil }
        let key = keyColumns.isEmpty ? "row \(rowsDecoded + 1)"
            : keyColumns.map { "\(plans[$0].name)=\(fieldText($0, tuple: tuple, in: b))" }.joined(separator: ", ")
        throw PGError.badValue("column '\(plans[c].name)' holds \(positive ? "" : "-")infinity at \(key): the lake has no infinite dates; set 'infinity: null' to load it as null, or filter it out with 'where'")
    }

    /// A key column's value in row `tuple`, as text for an error message.
    private func fieldText(_ column: Int, tuple: Int, in b: UnsafeRawBufferPointer) -> String {
        var p = tuple + 2
        for c in 0 ..< plans.count {
            let len = Int(Self.i32(b, p))
            p += 4
            if c == column {
                if len < 0 { return "null" }
                let v = UnsafeRawBufferPointer(rebasing: b[p ..< p + len])
                switch plans[c].decode {
                case .int2: return String(Self.i16(v, 0))
                case .int4: return String(Self.i32(v, 0))
                case .int8: return String(Self.i64(v, 0))
                case .text: return "'\(String(decoding: v, as: UTF8.self))'"
                case .uuid: return v.map { String(format: "%02x", $0) }.joined()
                default: return "?"
                }
            }
            p += max(0, len)
        }
        return "?"
    }

    private func decodeArray(_ element: PGDecode, _ v: UnsafeRawBufferPointer, into builder: inout ColumnBuilder,
                             column c: Int, tuple: Int, in b: UnsafeRawBufferPointer) throws {
        let dims = Int(Self.i32(v, 0))
        guard dims <= 1 else {
            throw PGError.usage("column '\(plans[c].name)' holds a \(dims)-dimensional array; Inlet loads one-dimensional arrays as lists (flatten it in 'query')")
        }
        var p = 12
        var count = 0
        if dims == 1 { count = Int(Self.i32(v, 12)); p = 20 }
        for _ in 0 ..< count {
            let len = Int(Self.i32(v, p))
            p += 4
            if len < 0 { builder.elements.appendNull(); continue }
            let item = UnsafeRawBufferPointer(rebasing: v[p ..< p + len])
            p += len
            switch element {
            case .date, .timestamp:
                if let x = try temporal(element, item, column: c, tuple: tuple, in: b) {
                    if element == .date { builder.elements.append(Int32(x)) } else { builder.elements.append(x) }
                } else {
                    builder.elements.appendNull()
                }
            default:
                try Self.scalar(element, item, into: &builder.elements, column: plans[c].name)
            }
        }
        builder.endList()
    }

    /// A non-null scalar value.
    @inline(__always)
    static func scalar(_ d: PGDecode, _ v: UnsafeRawBufferPointer, into builder: inout ColumnBuilder, column: String) throws {
        switch d {
        case .bool: builder.append(v[0] != 0)
        case .int2: builder.append(i16(v, 0))
        case .int4: builder.append(i32(v, 0))
        case .int8: builder.append(i64(v, 0))
        case .oid: builder.append(Int64(UInt32(bitPattern: i32(v, 0))))
        case .float4: builder.append(Float(bitPattern: UInt32(bigEndian: v.loadUnaligned(as: UInt32.self))))
        case .float8: builder.append(Double(bitPattern: UInt64(bigEndian: v.loadUnaligned(as: UInt64.self))))
        case let .numeric(precision, scale): builder.append(try numeric(v, precision: precision, scale: scale, column: column))
        case .text, .bytea, .uuid: builder.append(bytes: v)
        case .jsonb: builder.append(bytes: UnsafeRawBufferPointer(rebasing: v[1...]))
        case .time: builder.append(i64(v, 0))
        case .date: builder.append(i32(v, 0) &+ Int32(pgEpochDays))
        case .timestamp: builder.append(i64(v, 0) &+ pgEpochMicros)
        case .array: throw PGError.usage("column '\(column)': arrays of arrays are not supported")
        }
    }

    /// PostgreSQL's numeric (base-10000 digits, weight, sign, display scale) as the unscaled
    /// value at `scale`; never rounded: a value that does not fit is an error naming the column.
    static func numeric(_ v: UnsafeRawBufferPointer, precision: Int, scale: Int, column: String) throws -> Int128 {
        let ndigits = Int(i16(v, 0)), weight = Int(i16(v, 2)), sign = UInt16(bitPattern: i16(v, 4))
        guard sign == 0 || sign == 0x4000 else {
            let what = sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity"
            throw PGError.badValue("column '\(column)' holds numeric \(what), which decimal(\(precision),\(scale)) cannot hold; cast it in 'query' or filter it with 'where'")
        }
        // Each base-10000 digit at its place, scaled to `scale`: no intermediate wider than the result.
        var acc: Int128 = 0
        for i in 0 ..< ndigits {
            let d = Int128(i16(v, 8 + 2 * i))
            if d == 0 { continue }
            let exp10 = 4 * (weight - i) + scale
            let part: Int128
            if exp10 >= 0 {
                guard exp10 <= 38 else { throw tooWide(column, precision, scale) }
                let (m, o) = d.multipliedReportingOverflow(by: Decimal128.powersOfTen[exp10])
                guard !o else { throw tooWide(column, precision, scale) }
                part = m
            } else {
                let div = -exp10 <= 4 ? Decimal128.powersOfTen[-exp10] : 0
                guard div != 0, d % div == 0 else {
                    throw PGError.badValue("column '\(column)' holds a value with more than \(scale) decimals for decimal(\(precision),\(scale))")
                }
                part = d / div
            }
            let (a, o) = acc.addingReportingOverflow(part)
            guard !o else { throw tooWide(column, precision, scale) }
            acc = a
        }
        guard Decimal128.fits(acc, precision: precision) else { throw tooWide(column, precision, scale) }
        return sign == 0x4000 ? -acc : acc
    }

    private static func tooWide(_ column: String, _ p: Int, _ s: Int) -> PGError {
        PGError.badValue("column '\(column)' holds a value wider than decimal(\(p),\(s))")
    }
}
