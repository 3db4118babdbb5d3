import Columnar

/// Turns decoded physical values (non-null only) plus validity into a Columnar column of the
/// reader's chosen type, checking every conversion so no value changes silently.
enum ColumnAssembler {
    static func column(_ buf: PhysicalBuffer, validity: ValidityBitmap?, rows: Int, type: DataType,
                       element: SchemaElement) throws -> Column {
        let name = buf.column
        guard buf.count == rows - (validity?.nullCount ?? 0) else {
            throw ParquetError.corrupt("column '\(name)' decoded \(buf.count) values for \(rows - (validity?.nullCount ?? 0)) non-null rows")
        }
        /// Spreads dense values over all rows, zero in null slots.
        func scatter<T>(_ dense: [T], zero: T) -> [T] {
            guard let v = validity, v.nullCount > 0 else { return dense }
            var out = [T](repeating: zero, count: rows)
            var k = 0
            for i in 0 ..< rows where v[i] { out[i] = dense[k]; k += 1 }
            return out
        }
        func mapExact<S, T>(_ src: [S], _ f: (S) -> T?) throws -> [T] {
            var out: [T] = []
            out.reserveCapacity(src.count)
            for s in src {
                guard let t = f(s) else { throw ParquetError.valueOutOfRange(column: name, detail: "\(s) does not fit \(type.name)") }
                out.append(t)
            }
            return out
        }
        let unsignedInt: Bool = {
            if case let .integer(_, signed)? = element.logicalType { return !signed }
            if let c = element.convertedType, (11 ... 14).contains(c) { return true }
            return false
        }()
        let storage: ColumnStorage
        switch (type, buf.type) {
        case (.boolean, .boolean): storage = .boolean(scatter(buf.bools, zero: false))
        case (.int8, .int32): storage = .int8(scatter(try mapExact(buf.i32) { Int8(exactly: $0) }, zero: 0))
        case (.int16, .int32):
            storage = .int16(scatter(try mapExact(buf.i32) { unsignedInt ? Int16(exactly: UInt32(bitPattern: $0)) : Int16(exactly: $0) }, zero: 0))
        case (.int32, .int32):
            storage = .int32(scatter(unsignedInt ? try mapExact(buf.i32) { Int32(exactly: UInt32(bitPattern: $0)) } : buf.i32, zero: 0))
        case (.date, .int32): storage = .int32(scatter(buf.i32, zero: 0))
        case (.int64, .int32): storage = .int64(scatter(buf.i32.map { Int64(UInt32(bitPattern: $0)) }, zero: 0))
        case (.int64, .int64), (.time, .int64): storage = .int64(scatter(buf.i64, zero: 0))
        case (.timestamp, .int64):
            var values = buf.i64
            if case .timestamp(_, .nanos)? = element.logicalType {
                values = try mapExact(values) { $0 % 1000 == 0 ? $0 / 1000 : nil }
            }
            storage = .int64(scatter(values, zero: 0))
        case (.timestamp, .int96):
            var values: [Int64] = []
            values.reserveCapacity(buf.count)
            for i in 0 ..< buf.count {
                let b = buf.data[i * 12 ..< i * 12 + 12]
                let nanos = b.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let julian = b.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                guard nanos % 1000 == 0, nanos < 86_400_000_000_000 else {
                    throw ParquetError.valueOutOfRange(column: name, detail: "INT96 timestamp with sub-microsecond nanoseconds")
                }
                let (days, o1) = (Int64(julian) - 2_440_588).multipliedReportingOverflow(by: 86_400_000_000)
                let (us, o2) = days.addingReportingOverflow(Int64(nanos / 1000))
                guard !o1, !o2 else { throw ParquetError.valueOutOfRange(column: name, detail: "INT96 timestamp out of range") }
                values.append(us)
            }
            storage = .int64(scatter(values, zero: 0))
        case (.float32, .float): storage = .float32(scatter(buf.f32, zero: 0))
        case (.float32, .fixedLenByteArray):
            guard buf.width == 2 else { throw ParquetError.corrupt("FLOAT16 column '\(name)' is not 2 bytes wide") }
            var values: [Float] = []
            for i in 0 ..< buf.count { values.append(halfToFloat(UInt16(buf.data[2 * i]) | UInt16(buf.data[2 * i + 1]) << 8)) }
            storage = .float32(scatter(values, zero: 0))
        case (.float64, .double): storage = .float64(scatter(buf.f64, zero: 0))
        case let (.decimal(p, _), _):
            var values: [Int128] = []
            values.reserveCapacity(buf.count)
            switch buf.type {
            case .int32: values = buf.i32.map { Int128($0) }
            case .int64:
                values = unsignedInt ? buf.i64.map { Int128(UInt64(bitPattern: $0)) } : buf.i64.map { Int128($0) }
            case .fixedLenByteArray:
                for i in 0 ..< buf.count { values.append(try bigEndianInt(buf.data[i * buf.width ..< (i + 1) * buf.width], name)) }
            case .byteArray:
                for i in 0 ..< buf.count { values.append(try bigEndianInt(buf.data[buf.offsets[i] ..< buf.offsets[i + 1]], name)) }
            default: throw ParquetError.corrupt("decimal column '\(name)' stored as \(buf.type)")
            }
            for v in values where !Decimal128.fits(v, precision: p) {
                throw ParquetError.valueOutOfRange(column: name, detail: "unscaled \(v) exceeds decimal precision \(p)")
            }
            storage = .decimal(scatter(values, zero: 0))
        case (.string, .byteArray), (.binary, .byteArray), (.json, .byteArray):
            storage = .bytes(scatterBytes(buf.offsets, buf.data, validity: validity, rows: rows))
        case (.binary, .fixedLenByteArray), (.uuid, .fixedLenByteArray):
            let offsets = (0 ... buf.count).map { $0 * buf.width }
            storage = .bytes(scatterBytes(offsets, buf.data, validity: validity, rows: rows))
        default:
            throw ParquetError.unsupported(feature: "\(buf.type) as \(type.name)", column: name)
        }
        return try Column(type: type, storage: storage, validity: validity)
    }

    private static func scatterBytes(_ offsets: [Int], _ data: [UInt8], validity: ValidityBitmap?, rows: Int) -> ByteArrays {
        guard let v = validity, v.nullCount > 0 else { return ByteArrays(offsets: offsets, data: data) }
        var out = [Int]()
        out.reserveCapacity(rows + 1)
        out.append(0)
        var k = 0
        for i in 0 ..< rows {
            if v[i] { k += 1 }
            out.append(offsets[k])
        }
        return ByteArrays(offsets: out, data: data)
    }

    /// A big-endian two's-complement integer of up to 16 significant bytes.
    static func bigEndianInt(_ bytes: ArraySlice<UInt8>, _ column: String) throws -> Int128 {
        guard let first = bytes.first else { return 0 }
        let negative = first & 0x80 != 0
        var extra = bytes
        while extra.count > 16 {
            guard extra.first == (negative ? 0xFF : 0) else {
                throw ParquetError.valueOutOfRange(column: column, detail: "decimal wider than 128 bits")
            }
            extra = extra.dropFirst()
        }
        var v: Int128 = negative ? -1 : 0
        for b in extra { v = v << 8 | Int128(b) }
        return v
    }

    /// IEEE 754 half precision to Float (exact: every half is a float).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exp = Int((h >> 10) & 0x1F), frac = Float(h & 0x3FF)
        if exp == 0 { return sign * frac * Float(sign: .plus, exponent: -24, significand: 1) }
        if exp == 31 { return frac == 0 ? sign * .infinity : .nan }
        return sign * (1 + frac / 1024) * Float(sign: .plus, exponent: exp - 15, significand: 1)
    }
}
