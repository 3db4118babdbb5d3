/// Appends values of one type and produces a `Column`.
///
/// Each physical type has its own array and typed append, so hot loops (CSV → batch,
/// Parquet decode) append without boxing or a switch per value. Call the typed append
/// that matches `type`'s storage (see `DataType`); `appendNull()` works for every type.
public struct ColumnBuilder: Sendable {
    public let type: DataType
    public private(set) var validity = ValidityBitmap()
    @usableFromInline var bools: [Bool] = []
    @usableFromInline var i8: [Int8] = []
    @usableFromInline var i16: [Int16] = []
    @usableFromInline var i32: [Int32] = []
    @usableFromInline var i64: [Int64] = []
    @usableFromInline var f32: [Float] = []
    @usableFromInline var f64: [Double] = []
    @usableFromInline var dec: [Int128] = []
    @usableFromInline var bytes = ByteArrays()
    /// Lists and maps: where each row's elements end (after a leading 0).
    @usableFromInline var offsets: [Int32] = []
    /// A list's elements; a struct's fields; a map's keys and values.
    @usableFromInline var children: [ColumnBuilder] = []

    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        validity.reserveCapacity(capacity)
        switch type {
        case .boolean: bools.reserveCapacity(capacity)
        case .int8: i8.reserveCapacity(capacity)
        case .int16: i16.reserveCapacity(capacity)
        case .int32, .date: i32.reserveCapacity(capacity)
        case .int64, .timestamp, .time: i64.reserveCapacity(capacity)
        case .float32: f32.reserveCapacity(capacity)
        case .float64: f64.reserveCapacity(capacity)
        case .decimal: dec.reserveCapacity(capacity)
        case .string, .binary, .uuid, .json: bytes.reserveCapacity(values: capacity, bytes: capacity * 8)
        case let .list(e):
            offsets = [0]
            children = [ColumnBuilder(type: e.type, capacity: capacity)]
        case let .structure(fields): children = fields.map { ColumnBuilder(type: $0.type, capacity: capacity) }
        case let .map(k, v):
            offsets = [0]
            children = [ColumnBuilder(type: k, capacity: capacity), ColumnBuilder(type: v.type, capacity: capacity)]
        }
    }

    public var count: Int { validity.count }

    // MARK: nested values: fill the children, then end the row

    /// A list's elements: append a row's elements here, then `endList()`.
    public var elements: ColumnBuilder {
        _read { yield children[0] }
        _modify { yield &children[0] }
    }

    /// Ends a list row holding the elements appended since the last row ended.
    public mutating func endList() { offsets.append(Int32(children[0].count)); validity.append(true) }

    /// A struct's field `i`: append one value (or null) to every field, then `endStruct()`.
    public subscript(field i: Int) -> ColumnBuilder {
        _read { yield children[i] }
        _modify { yield &children[i] }
    }

    public mutating func endStruct() { validity.append(true) }

    /// The child builders in place (a struct's fields), for a caller that fills several of
    /// them per row: one uniqueness check for the lot, not one per field reached.
    @inlinable
    public mutating func withChildren<R>(_ body: (UnsafeMutableBufferPointer<ColumnBuilder>) throws -> R) rethrows -> R {
        try children.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// A map's keys (never null) and values: append pairs, then `endMap()`.
    public var mapKeys: ColumnBuilder {
        _read { yield children[0] }
        _modify { yield &children[0] }
    }

    public var mapValues: ColumnBuilder {
        _read { yield children[1] }
        _modify { yield &children[1] }
    }

    /// Whether value `i` of a string or binary builder is exactly `v` (a map's keys: to catch a
    /// key repeated in one object without hashing every key).
    @inline(__always) public func bytesEqual(at i: Int, _ v: UnsafeRawBufferPointer) -> Bool { bytes.equals(at: i, v) }

    /// Value `i` of a string or binary builder.
    public func bytes(at i: Int) -> ArraySlice<UInt8> { bytes[i] }

    public mutating func endMap() { offsets.append(Int32(children[0].count)); validity.append(true) }

    @inline(__always) public mutating func append(_ v: Bool) { bools.append(v); validity.append(true) }
    @inline(__always) public mutating func append(_ v: Int8) { i8.append(v); validity.append(true) }
    @inline(__always) public mutating func append(_ v: Int16) { i16.append(v); validity.append(true) }
    /// int32 or date (days since 1970-01-01).
    @inline(__always) public mutating func append(_ v: Int32) { i32.append(v); validity.append(true) }
    /// int64 or timestamp (in the type's unit).
    @inline(__always) public mutating func append(_ v: Int64) { i64.append(v); validity.append(true) }
    @inline(__always) public mutating func append(_ v: Float) { f32.append(v); validity.append(true) }
    @inline(__always) public mutating func append(_ v: Double) { f64.append(v); validity.append(true) }
    /// An unscaled decimal.
    @inline(__always) public mutating func append(_ v: Int128) { dec.append(v); validity.append(true) }
    /// String (valid UTF-8) or binary bytes.
    @inline(__always) public mutating func append(bytes v: UnsafeRawBufferPointer) { bytes.append(v); validity.append(true) }
    public mutating func append<C: Collection>(bytes v: C) where C.Element == UInt8 {
        bytes.append(contentsOf: v); validity.append(true)
    }
    public mutating func append(string v: String) { bytes.append(v); validity.append(true) }

    public mutating func appendNull() {
        validity.append(false)
        switch type {
        case .boolean: bools.append(false)
        case .int8: i8.append(0)
        case .int16: i16.append(0)
        case .int32, .date: i32.append(0)
        case .int64, .timestamp, .time: i64.append(0)
        case .float32: f32.append(0)
        case .float64: f64.append(0)
        case .decimal: dec.append(0)
        case .string, .binary, .uuid, .json: bytes.appendEmpty()
        case .list, .map: offsets.append(offsets.last ?? 0)
        case .structure: for i in children.indices { children[i].appendNull() }
        }
    }

    /// Appends a boxed value; throws if it does not fit the type exactly.
    public mutating func append(_ v: Value) throws {
        switch (type, v) {
        case (_, .null): appendNull()
        case let (.boolean, .boolean(x)): append(x)
        case let (.int8, .int(x)) where Int8(exactly: x) != nil: append(Int8(x))
        case let (.int16, .int(x)) where Int16(exactly: x) != nil: append(Int16(x))
        case let (.int32, .int(x)) where Int32(exactly: x) != nil: append(Int32(x))
        case let (.int64, .int(x)): append(x)
        case let (.float32, .float(x)): append(Float(x))
        case let (.float64, .float(x)): append(x)
        case let (.decimal(p, _), .decimal(x)) where Decimal128.fits(x, precision: p): append(x)
        case let (.date, .date(x)): append(x)
        case let (.timestamp, .timestamp(x)): append(x)
        case let (.time, .int(x)) where (0 ..< 86_400_000_000).contains(x): append(x)
        case let (.uuid, .binary(x)) where x.count == 16: append(bytes: x)
        case let (.json, .string(x)): append(string: x)
        case let (.string, .string(x)): append(string: x)
        case let (.binary, .binary(x)): append(bytes: x)
        case let (.list, .list(items)):
            for item in items { try children[0].append(item) }
            endList()
        case let (.structure(fields), .structure(values)) where values.count == fields.count:
            for (i, value) in values.enumerated() { try children[i].append(value) }
            endStruct()
        case let (.map, .map(entries)) where !entries.contains { $0.key == .null }:
            for e in entries {
                try children[0].append(e.key)
                try children[1].append(e.value)
            }
            endMap()
        default: throw ColumnarError.valueMismatch(type, v)
        }
    }

    /// Returns the column and leaves the builder empty, keeping its capacity for reuse.
    public mutating func finish() -> Column {
        let storage: ColumnStorage
        switch type {
        case .boolean: storage = .boolean(bools); bools.removeAll(keepingCapacity: true)
        case .int8: storage = .int8(i8); i8.removeAll(keepingCapacity: true)
        case .int16: storage = .int16(i16); i16.removeAll(keepingCapacity: true)
        case .int32, .date: storage = .int32(i32); i32.removeAll(keepingCapacity: true)
        case .int64, .timestamp, .time: storage = .int64(i64); i64.removeAll(keepingCapacity: true)
        case .float32: storage = .float32(f32); f32.removeAll(keepingCapacity: true)
        case .float64: storage = .float64(f64); f64.removeAll(keepingCapacity: true)
        case .decimal: storage = .decimal(dec); dec.removeAll(keepingCapacity: true)
        case .string, .binary, .uuid, .json: storage = .bytes(bytes); bytes.removeAll(keepingCapacity: true)
        case .list:
            storage = .list(offsets: offsets, values: children[0].finish())
            offsets = [0]
        case .structure:
            storage = .structure(children: children.indices.map { children[$0].finish() }, rows: validity.count)
        case .map:
            storage = .map(offsets: offsets, keys: children[0].finish(), values: children[1].finish())
            offsets = [0]
        }
        let v = validity
        validity.removeAll()
        // The builder's arrays always match its type, so this cannot fail.
        // swiftlint:disable:next force_try
        return try! Column(type: type, storage: storage, validity: v)
    }
}
