import Columnar
import Foundation

/// Turns the bytes of `COPY … TO STDOUT (FORMAT binary)` into record batches: the header once,
/// then tuples (a field count, then each field's length and bytes), straight into column
/// builders. Fed one CopyData payload at a time; a tuple split across payloads is carried over.
final class PGCopyDecoder {
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
    private var builders: [ColumnBuilder]
    private var rows = 0
    private var bytesInBatch = 0
    private var headerDone = false
    private var ended = false
    private var carry: [UInt8] = []
    private(set) var rowsDecoded: Int64 = 0
    private let emit: (RecordBatch) throws -> Void

    static let pgEpochDays: Int64 = 10_957
    static let pgEpochMicros: Int64 = 946_684_800_000_000

    init(plans: [PGColumnPlan], schema: Schema, infinityAsNull: Bool, keyColumns: [Int], cursorColumn: Int?,
         batchRows: Int = 65_536, batchBytes: Int = 16 << 20, emit: @escaping (RecordBatch) throws -> Void) {
        self.plans = plans
        self.schema = schema
        self.infinityAsNull = infinityAsNull
        self.keyColumns = keyColumns
        self.cursorColumn = cursorColumn
        self.batchRows = batchRows
        self.batchBytes = batchBytes
        self.emit = emit
        builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: min(batchRows, 4096)) }
    }

    /// One CopyData payload.
    func feed(_ chunk: UnsafeRawBufferPointer) throws {
        if carry.isEmpty {
            let used = try parse(chunk)
            if used < chunk.count { carry.append(contentsOf: chunk[used...]) }
        } else {
            carry.append(contentsOf: chunk)
            let used = try carry.withUnsafeBytes { try parse($0) }
            carry.removeFirst(used)
        }
    }

    /// After the copy completed: the last partial batch.
    func finish() throws {
        guard carry.isEmpty else { throw PGError.protocolViolation("the binary COPY stream ended inside a row") }
        if rows > 0 { try flush() }
    }

    private func flush() throws {
        let columns = builders.indices.map { builders[$0].finish() }
        rows = 0
        bytesInBatch = 0
        try emit(try RecordBatch(schema: schema, columns: columns))
    }

    /// Parses whole tuples from `b`; returns the bytes used (a partial tuple stays for later).
    private func parse(_ b: UnsafeRawBufferPointer) throws -> Int {
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
        while pos + 2 <= b.count, !ended {
            let fields = Int(Int16(bitPattern: UInt16(bigEndian: b.loadUnaligned(fromByteOffset: pos, as: UInt16.self))))
            if fields == -1 { ended = true; return b.count }
            guard fields == plans.count else { throw PGError.protocolViolation("a row has \(fields) fields, expected \(plans.count)") }
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
                if len < 0 {
                    builders[c].appendNull()
                } else {
                    try decode(c, UnsafeRawBufferPointer(rebasing: b[p ..< p + len]), tuple: pos, in: b)
                    p += len
                }
            }
            bytesInBatch += end - pos
            pos = end
            rows += 1
            rowsDecoded += 1
            if rows >= batchRows || bytesInBatch >= batchBytes { try flush() }
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

    private func decode(_ c: Int, _ v: UnsafeRawBufferPointer, tuple: Int, in b: UnsafeRawBufferPointer) throws {
        switch plans[c].decode {
        case .date, .timestamp:
            guard let x = try temporal(plans[c].decode, v, column: c, tuple: tuple, in: b) else { builders[c].appendNull(); return }
            if c == cursorColumn { cursorMax = max(cursorMax ?? x, x) }
            if plans[c].decode == .date { builders[c].append(Int32(x)) } else { builders[c].append(x) }
        case let .array(element):
            try decodeArray(element, v, into: &builders[c], column: c, tuple: tuple, in: b)
        default:
            try Self.scalar(plans[c].decode, v, into: &builders[c], column: plans[c].name)
            if c == cursorColumn {
                let x: Int64
                switch plans[c].decode {
                case .int2: x = Int64(Self.i16(v, 0))
                case .int4: x = Int64(Self.i32(v, 0))
                case .int8: x = Self.i64(v, 0)
                default: return
                }
                cursorMax = max(cursorMax ?? x, x)
            }
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
