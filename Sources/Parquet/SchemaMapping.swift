import Columnar

/// How a Columnar type is laid out in Parquet.
enum PhysicalLayout: Equatable {
    case boolean, int32, int64, float, double, byteArray
    case fixedLenByteArray(width: Int)

    var type: PhysicalType {
        switch self {
        case .boolean: return .boolean
        case .int32: return .int32
        case .int64: return .int64
        case .float: return .float
        case .double: return .double
        case .byteArray: return .byteArray
        case .fixedLenByteArray: return .fixedLenByteArray
        }
    }
}

enum SchemaMapping {
    /// Smallest byte width whose signed range holds every decimal of `precision` digits.
    static func decimalByteWidth(precision: Int) -> Int {
        let maxUnscaled = Decimal128.powersOfTen[precision] - 1
        for n in 1 ..< 16 where maxUnscaled <= (Int128(1) << (8 * n - 1)) - 1 { return n }
        return 16
    }

    static func layout(_ t: DataType) -> PhysicalLayout {
        switch t {
        case .boolean: return .boolean
        case .int8, .int16, .int32, .date: return .int32
        case .int64, .timestamp, .time: return .int64
        case .float32: return .float
        case .float64: return .double
        case let .decimal(p, _):
            if p <= 9 { return .int32 }
            if p <= 18 { return .int64 }
            return .fixedLenByteArray(width: decimalByteWidth(precision: p))
        case .string, .binary, .json: return .byteArray
        case .uuid: return .fixedLenByteArray(width: 16)
        case .list, .structure, .map: preconditionFailure("nested column types have no single physical layout")
        }
    }

    /// The leaf schema element for a field: physical type, logical type and the legacy converted type.
    static func element(for f: Field) -> SchemaElement {
        let lay = layout(f.type)
        var e = SchemaElement(type: lay.type.rawValue, repetition: (f.nullable ? Repetition.optional : .required).rawValue, name: f.name)
        if case let .fixedLenByteArray(w) = lay { e.typeLength = Int32(w) }
        switch f.type {
        case .boolean, .float32, .float64, .binary: break
        case .int8: e.logicalType = .integer(bitWidth: 8, signed: true); e.convertedType = ConvertedType.int8.rawValue
        case .int16: e.logicalType = .integer(bitWidth: 16, signed: true); e.convertedType = ConvertedType.int16.rawValue
        case .int32: e.logicalType = .integer(bitWidth: 32, signed: true); e.convertedType = ConvertedType.int32.rawValue
        case .int64: e.logicalType = .integer(bitWidth: 64, signed: true); e.convertedType = ConvertedType.int64.rawValue
        case let .decimal(p, s):
            e.logicalType = .decimal(scale: Int32(s), precision: Int32(p))
            e.convertedType = ConvertedType.decimal.rawValue
            e.scale = Int32(s); e.precision = Int32(p)
        case .date: e.logicalType = .date; e.convertedType = ConvertedType.date.rawValue
        case let .timestamp(unit, utc):
            e.logicalType = .timestamp(utc: utc, unit: unit == .millisecond ? .millis : .micros)
            // The legacy TIMESTAMP_* types mean UTC-adjusted instants, so naive timestamps carry none.
            if utc { e.convertedType = (unit == .millisecond ? ConvertedType.timestampMillis : .timestampMicros).rawValue }
        case .string: e.logicalType = .string; e.convertedType = ConvertedType.utf8.rawValue
        // Local time of day: the legacy TIME_MICROS means UTC-adjusted, so none (as for naive timestamps).
        case .time: e.logicalType = .time(utc: false, unit: .micros)
        case .uuid: e.logicalType = .uuid
        case .json: e.logicalType = .json; e.convertedType = ConvertedType.json.rawValue
        case .list, .structure, .map: preconditionFailure("nested column types are groups, not leaves")
        }
        return e
    }

    /// The Columnar type a reader produces for a leaf column, or an error naming what is unsupported.
    static func dataType(for e: SchemaElement) throws -> DataType {
        let col = e.name
        guard let raw = e.type, let physical = PhysicalType(rawValue: raw) else {
            throw ParquetError.corrupt("column '\(col)' has no valid physical type")
        }
        let converted = e.convertedType.flatMap(ConvertedType.init(rawValue:))
        // Prefer the logical type; fall back to the converted type for older writers.
        var logical = e.logicalType
        if logical == nil, let c = converted {
            switch c {
            case .utf8, .enumType: logical = .string
            case .json: logical = .json
            case .decimal: logical = .decimal(scale: e.scale ?? 0, precision: e.precision ?? 0)
            case .date: logical = .date
            case .timestampMillis: logical = .timestamp(utc: true, unit: .millis)
            case .timestampMicros: logical = .timestamp(utc: true, unit: .micros)
            case .timeMillis: logical = .time(utc: true, unit: .millis)
            case .timeMicros: logical = .time(utc: true, unit: .micros)
            case .int8: logical = .integer(bitWidth: 8, signed: true)
            case .int16: logical = .integer(bitWidth: 16, signed: true)
            case .int32: logical = .integer(bitWidth: 32, signed: true)
            case .int64: logical = .integer(bitWidth: 64, signed: true)
            case .uint8: logical = .integer(bitWidth: 8, signed: false)
            case .uint16: logical = .integer(bitWidth: 16, signed: false)
            case .uint32: logical = .integer(bitWidth: 32, signed: false)
            case .uint64: logical = .integer(bitWidth: 64, signed: false)
            case .bson: logical = .bson
            case .interval: throw ParquetError.unsupported(feature: "INTERVAL type", column: col)
            case .map, .mapKeyValue, .list: throw ParquetError.unsupported(feature: "nested type (\(c))", column: col)
            }
        }
        switch (physical, logical) {
        case (_, .decimal(let s, let p)?):
            guard (1 ... 38).contains(p), (0 ... p).contains(s) else {
                throw ParquetError.unsupported(feature: "decimal(\(p),\(s)) beyond 38 digits", column: col)
            }
            guard [.int32, .int64, .fixedLenByteArray, .byteArray].contains(physical) else {
                throw ParquetError.corrupt("decimal column '\(col)' stored as \(physical)")
            }
            return .decimal(precision: Int(p), scale: Int(s))
        case (.boolean, _): return .boolean
        case (.int32, .date?): return .date
        case (.int32, .integer(let bits, let signed)?):
            switch (bits, signed) {
            case (8, true): return .int8
            case (16, true), (8, false): return .int16
            case (32, true), (16, false): return .int32
            case (32, false): return .int64
            default: throw ParquetError.corrupt("INT(\(bits)) annotation on INT32 column '\(col)'")
            }
        case (.int32, .time?): throw ParquetError.unsupported(feature: "TIME type", column: col)
        case (.int32, _): return .int32
        case (.int64, .timestamp(let utc, let unit)?):
            // Nanoseconds are read as microseconds and rejected value by value if not exact.
            return .timestamp(unit: unit == .millis ? .millisecond : .microsecond, utc: utc)
        case (.int64, .integer(let bits, let signed)?):
            if bits == 64 && !signed { return .decimal(precision: 20, scale: 0) }
            return .int64
        case (.int64, .time(_, .micros)?): return .time
        case (.int64, .time?): throw ParquetError.unsupported(feature: "TIME type in nanoseconds", column: col)
        case (.int64, _): return .int64
        case (.int96, _): return .timestamp(unit: .microsecond, utc: false)
        case (.float, _): return .float32
        case (.double, _): return .float64
        case (.byteArray, .string?): return .string
        case (.byteArray, .json?): return .json
        case (.byteArray, _): return .binary
        case (.fixedLenByteArray, .float16?): return .float32
        case (.fixedLenByteArray, .uuid?):
            guard e.typeLength == 16 else { throw ParquetError.corrupt("UUID column '\(col)' is not 16 bytes wide") }
            return .uuid
        case (.fixedLenByteArray, _): return .binary
        }
    }
}
