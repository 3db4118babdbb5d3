/// Physical buffers of a column. Null slots hold a zero value (empty for bytes, no elements
/// for lists and maps, nulls in every child of a struct).
public indirect enum ColumnStorage: Sendable, Hashable {
    case boolean([Bool])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])   // int32 and date (days)
    case int64([Int64])   // int64, timestamp and time
    case float32([Float])
    case float64([Double])
    case decimal([Int128]) // unscaled value; the type holds the scale
    case bytes(ByteArrays) // string (UTF-8), binary, uuid (16 bytes each) and json
    /// Row `i`'s elements are `values[offsets[i] ..< offsets[i + 1]]`; `offsets` has rows + 1 entries.
    case list(offsets: [Int32], values: Column)
    /// One child column per field, each of `rows` rows.
    case structure(children: [Column], rows: Int)
    /// As a list, with keys and values side by side.
    case map(offsets: [Int32], keys: Column, values: Column)

    public var count: Int {
        switch self {
        case let .boolean(a): return a.count
        case let .int8(a): return a.count
        case let .int16(a): return a.count
        case let .int32(a): return a.count
        case let .int64(a): return a.count
        case let .float32(a): return a.count
        case let .float64(a): return a.count
        case let .decimal(a): return a.count
        case let .bytes(b): return b.count
        case let .list(offsets, _), let .map(offsets, _, _): return max(0, offsets.count - 1)
        case let .structure(_, rows): return rows
        }
    }
}

public enum ColumnarError: Error, CustomStringConvertible {
    case storageMismatch(DataType, String)
    case lengthMismatch(expected: Int, found: Int, column: String)
    case valueMismatch(DataType, Value)

    public var description: String {
        switch self {
        case let .storageMismatch(t, s): return "column of type \(t.name) cannot hold \(s) storage"
        case let .lengthMismatch(e, f, c): return "column '\(c)' has \(f) values, expected \(e)"
        case let .valueMismatch(t, v): return "value \(v) does not fit type \(t.name)"
        }
    }
}

/// An immutable typed column: storage plus an optional validity bitmap (nil = no nulls).
public struct Column: Sendable, Hashable {
    public let type: DataType
    public let storage: ColumnStorage
    public let validity: ValidityBitmap?

    public init(type: DataType, storage: ColumnStorage, validity: ValidityBitmap? = nil) throws {
        guard Column.storageFits(type, storage) else {
            throw ColumnarError.storageMismatch(type, "\(storage)".prefix(while: { $0 != "(" }).description)
        }
        if let v = validity, v.count != storage.count {
            throw ColumnarError.lengthMismatch(expected: storage.count, found: v.count, column: "validity")
        }
        self.type = type
        self.storage = storage
        self.validity = (validity?.nullCount ?? 0) == 0 ? nil : validity
    }

    public var count: Int { storage.count }
    public var nullCount: Int { validity?.nullCount ?? 0 }

    @inline(__always)
    public func isNull(_ i: Int) -> Bool { validity.map { !$0[i] } ?? false }

    static func storageFits(_ type: DataType, _ storage: ColumnStorage) -> Bool {
        switch (type, storage) {
        case (.boolean, .boolean), (.int8, .int8), (.int16, .int16), (.int32, .int32), (.date, .int32),
             (.int64, .int64), (.timestamp, .int64), (.time, .int64), (.float32, .float32), (.float64, .float64),
             (.decimal, .decimal), (.string, .bytes), (.binary, .bytes), (.uuid, .bytes), (.json, .bytes):
            return true
        case let (.list(e), .list(offsets, values)):
            return values.type == e.type && offsets.first == 0 && Int(offsets.last ?? 0) == values.count
        case let (.structure(fields), .structure(children, rows)):
            return fields.count == children.count && zip(fields, children).allSatisfy { $0.type == $1.type && $1.count == rows }
        case let (.map(k, v), .map(offsets, keys, values)):
            return keys.type == k && values.type == v.type && keys.count == values.count
                && offsets.first == 0 && Int(offsets.last ?? 0) == keys.count
        default:
            return false
        }
    }

    /// The value at `i`, for tests, previews and reports (not for hot paths).
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch storage {
        case let .boolean(a): return .boolean(a[i])
        case let .int8(a): return .int(Int64(a[i]))
        case let .int16(a): return .int(Int64(a[i]))
        case let .int32(a): return type == .date ? .date(a[i]) : .int(Int64(a[i]))
        case let .int64(a):
            if case .timestamp = type { return .timestamp(a[i]) }
            return .int(a[i])
        case let .float32(a): return .float(Double(a[i]))
        case let .float64(a): return .float(a[i])
        case let .decimal(a): return .decimal(a[i])
        case let .bytes(b): return type == .string || type == .json ? .string(b.string(at: i)) : .binary(Array(b[i]))
        case let .list(offsets, values):
            return .list((Int(offsets[i]) ..< Int(offsets[i + 1])).map(values.value(at:)))
        case let .structure(children, _):
            return .structure(children.map { $0.value(at: i) })
        case let .map(offsets, keys, values):
            return .map((Int(offsets[i]) ..< Int(offsets[i + 1])).map { MapEntry(keys.value(at: $0), values.value(at: $0)) })
        }
    }

    public var values: [Value] { (0 ..< count).map(value(at:)) }

    /// Builds a column from values; throws when a value does not fit the type.
    public init(type: DataType, values: [Value]) throws {
        var b = ColumnBuilder(type: type, capacity: values.count)
        for v in values { try b.append(v) }
        self = b.finish()
    }

    /// The rows at `indices`, in that order (filters, rows dropped as bad): the same gather
    /// as `concatenate` of a row list.
    public func take(_ indices: [Int]) -> Column {
        Column.concatenate([(self, RowSelection.indices(indices[...]))], type: type)
    }
}
