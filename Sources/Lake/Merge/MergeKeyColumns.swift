import Columnar

/// The primary-key columns of a merge, and how their values become `MergeKey`s.
///
/// A key is encoded into bytes whose unsigned lexicographic order is the order of the values,
/// column after column: integers, dates, times and timestamps as 8 big-endian bytes with the
/// sign bit flipped, decimals as 16 such bytes, booleans as one byte, strings, binaries and
/// uuids as their bytes with 0x00 escaped (0x00 0xFF) and ended by 0x00 0x00. One allocation
/// per key, hashable, and comparable against footer min/max without decoding.
public struct MergeKeyColumns: Sendable {
    public struct KeyColumn: Sendable {
        public var name: String
        public var index: Int
        public var type: DataType
    }
    public let columns: [KeyColumn]

    /// Resolves `names` in `schema`; a missing or unusable column throws (a usage error).
    public init(_ names: [String], in schema: Schema, dataset: String) throws {
        guard !names.isEmpty else { throw LakeError.invalidOption("dataset '\(dataset)': mode merge needs a primary key (--primary-key COLUMN[,COLUMN] or primary_key:)") }
        var seen = Set<String>()
        columns = try names.map { name in
            guard seen.insert(name).inserted else { throw LakeError.invalidOption("dataset '\(dataset)': primary key column '\(name)' is named twice") }
            guard let i = schema.index(of: name) else {
                throw LakeError.missingKeyColumn(dataset: dataset, column: name, available: schema.fields.map(\.name))
            }
            let type = schema.fields[i].type
            guard Self.supports(type) else {
                throw LakeError.invalidOption("dataset '\(dataset)': primary key column '\(name)' is \(type.name); a key must be an integer, decimal, date, time, timestamp, string, binary, uuid or boolean")
            }
            return KeyColumn(name: name, index: i, type: type)
        }
    }

    static func supports(_ t: DataType) -> Bool {
        switch t {
        case .float32, .float64, .json, .list, .structure, .map: return false
        default: return true
        }
    }

    /// The keys of `batch`'s rows, in order. A null key throws naming its row: `firstRow` is
    /// the ordinal of the batch's first row in the whole input (rows count from 1 in messages).
    public func keys(of batch: RecordBatch, firstRow: Int64, dataset: String) throws -> [MergeKey] {
        for c in columns {
            if let v = batch.columns[c.index].validity, v.nullCount > 0 {
                let row = (0 ..< batch.rowCount).first { !v[$0] }!
                throw LakeError.nullKey(dataset: dataset, column: c.name, row: firstRow + Int64(row) + 1)
            }
        }
        return encode(columns.map { batch.columns[$0.index] }, rows: batch.rowCount).map { MergeKey($0!) }
    }

    /// The keys of stored rows, given the key columns in order; nil where a key is null (such a
    /// row matches nothing).
    func storedKeys(_ keyColumns: [Column], rows: Int) -> [MergeKey?] {
        encode(keyColumns, rows: rows).map { $0.map(MergeKey.init) }
    }

    private func encode(_ keyColumns: [Column], rows: Int) -> [[UInt8]?] {
        var out = [[UInt8]](repeating: [], count: rows)
        var null = [Bool](repeating: false, count: rows)
        for (c, column) in zip(columns, keyColumns) {
            if let v = column.validity, v.nullCount > 0 { for i in 0 ..< rows where !v[i] { null[i] = true } }
            Self.append(column.storage, type: c.type, to: &out)
        }
        return out.indices.map { null[$0] ? nil : out[$0] }
    }

    private static func append(_ storage: ColumnStorage, type: DataType, to out: inout [[UInt8]]) {
        switch storage {
        case let .boolean(a): for i in out.indices { out[i].append(a[i] ? 1 : 0) }
        case let .int8(a): for i in out.indices { appendInt(Int64(a[i]), to: &out[i]) }
        case let .int16(a): for i in out.indices { appendInt(Int64(a[i]), to: &out[i]) }
        case let .int32(a): for i in out.indices { appendInt(Int64(a[i]), to: &out[i]) }
        case let .int64(a): for i in out.indices { appendInt(a[i], to: &out[i]) }
        case let .decimal(a): for i in out.indices { appendDecimal(a[i], to: &out[i]) }
        case let .bytes(b): for i in out.indices { appendBytes(b[i], to: &out[i]) }
        default: preconditionFailure("not a key type: \(type.name)")
        }
    }

    static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        let u = UInt64(bitPattern: v) ^ (1 << 63)
        for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: u >> UInt64(s))) }
    }

    static func appendDecimal(_ v: Int128, to out: inout [UInt8]) {
        let u = UInt128(bitPattern: v) ^ (1 << 127)
        for s in stride(from: 120, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: u >> UInt128(s))) }
    }

    static func appendBytes<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        for b in bytes {
            out.append(b)
            if b == 0 { out.append(0xFF) }
        }
        out.append(0); out.append(0)
    }

    /// Column `c`'s part of an encoded key.
    func part(_ c: Int, of key: MergeKey) -> ArraySlice<UInt8> {
        var at = 0
        for k in 0 ... c {
            let start = at
            at = Self.end(of: columns[k].type, in: key.bytes, from: at)
            if k == c { return key.bytes[start ..< at] }
        }
        return []
    }

    private static func end(of type: DataType, in bytes: [UInt8], from at: Int) -> Int {
        switch type {
        case .boolean: return at + 1
        case .decimal: return at + 16
        case .string, .binary, .uuid:
            var i = at
            while i + 1 < bytes.count { if bytes[i] == 0 { if bytes[i + 1] == 0 { return i + 2 }; i += 2 } else { i += 1 } }
            return bytes.count
        default: return at + 8
        }
    }

    /// A footer statistic of column `c` (Parquet's plain encoding of the physical type) in the
    /// key encoding; nil when it cannot be read as one.
    func encodeStatistic(_ raw: [UInt8], column c: Int) -> [UInt8]? {
        var out: [UInt8] = []
        switch columns[c].type {
        case .boolean:
            guard raw.count == 1 else { return nil }
            out.append(raw[0] == 0 ? 0 : 1)
        case .int8, .int16, .int32, .date:
            guard raw.count == 4 else { return nil }
            Self.appendInt(Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: Self.littleEndian(raw)))), to: &out)
        case .int64, .timestamp, .time:
            guard raw.count == 8 else { return nil }
            Self.appendInt(Int64(bitPattern: Self.littleEndian(raw)), to: &out)
        case let .decimal(precision, _):
            // Our writer stores precision ≤ 9 as INT32 and ≤ 18 as INT64 (little-endian).
            switch raw.count {
            case 4 where precision <= 9:
                Self.appendDecimal(Int128(Int32(bitPattern: UInt32(truncatingIfNeeded: Self.littleEndian(raw)))), to: &out)
            case 8 where precision <= 18:
                Self.appendDecimal(Int128(Int64(bitPattern: Self.littleEndian(raw))), to: &out)
            case 1 ... 16:
                // Fixed bytes: big-endian two's complement, sign-extended.
                var v = Int128(Int8(bitPattern: raw[0]))
                for b in raw.dropFirst() { v = v << 8 | Int128(b) }
                Self.appendDecimal(v, to: &out)
            default: return nil
            }
        case .string, .binary, .uuid:
            Self.appendBytes(raw, to: &out)
        default: return nil
        }
        return out
    }

    /// A value of column `c` (e.g. a Delta log's stats) in the key encoding; nil when it does not fit.
    func encodeValue(_ v: Value, column c: Int) -> [UInt8]? {
        var out: [UInt8] = []
        switch (columns[c].type, v) {
        case (.boolean, let .boolean(b)): out.append(b ? 1 : 0)
        case (.int8, let .int(i)), (.int16, let .int(i)), (.int32, let .int(i)), (.int64, let .int(i)),
             (.timestamp, let .timestamp(i)), (.time, let .timestamp(i)), (.time, let .int(i)), (.timestamp, let .int(i)):
            Self.appendInt(i, to: &out)
        case (.date, let .date(d)): Self.appendInt(Int64(d), to: &out)
        case (.decimal, let .decimal(d)): Self.appendDecimal(d, to: &out)
        case (.string, let .string(s)): Self.appendBytes(Array(s.utf8), to: &out)
        case (.binary, let .binary(b)), (.uuid, let .binary(b)): Self.appendBytes(b, to: &out)
        default: return nil
        }
        return out
    }

    private static func littleEndian(_ raw: [UInt8]) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in raw.enumerated() { v |= UInt64(b) << UInt64(8 * i) }
        return raw.count == 4 ? v & 0xFFFF_FFFF : v
    }

    /// A key for messages: its values, comma-separated.
    public func describe(_ key: MergeKey) -> String {
        columns.indices.map { c in
            let p = Array(part(c, of: key))
            switch columns[c].type {
            case .string:
                var raw: [UInt8] = []
                var i = 0
                while i + 1 < p.count { raw.append(p[i]); i += p[i] == 0 ? 2 : 1 }
                return String(decoding: raw, as: UTF8.self)
            case .boolean: return p.first == 1 ? "true" : "false"
            case .decimal, .binary, .uuid: return p.map { String($0, radix: 16) }.joined()
            default:
                var u: UInt64 = 0
                for b in p { u = u << 8 | UInt64(b) }
                return String(Int64(bitPattern: u ^ (1 << 63)))
            }
        }.joined(separator: ", ")
    }
}

/// One row's primary key in `MergeKeyColumns`' order-preserving encoding.
public struct MergeKey: Hashable, Sendable, Comparable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public static func < (a: MergeKey, b: MergeKey) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
