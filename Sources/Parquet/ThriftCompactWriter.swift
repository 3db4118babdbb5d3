/// Thrift compact-protocol type ids (the nibble stored in field and list headers).
enum ThriftType: UInt8 {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6
    case double = 7, binary = 8, list = 9, set = 10, map = 11, structure = 12
}

/// A minimal Thrift compact-protocol encoder: just what Parquet's metadata needs.
///
/// Fields are written in increasing id order by the callers; the encoder keeps the
/// last field id per nesting level so it can use the one-byte delta form of headers.
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldId: Int16 = 0
    private var fieldIdStack: [Int16] = []

    init() { bytes.reserveCapacity(256) }

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    private mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    private mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
        let delta = Int(id) - Int(lastFieldId)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta << 4) | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            zigzag(Int64(id))
        }
        lastFieldId = id
    }

    mutating func i16(_ id: Int16, _ v: Int16) { fieldHeader(id, .i16); zigzag(Int64(v)) }
    mutating func i32(_ id: Int16, _ v: Int32) { fieldHeader(id, .i32); zigzag(Int64(v)) }
    mutating func i64(_ id: Int16, _ v: Int64) { fieldHeader(id, .i64); zigzag(v) }
    mutating func byte(_ id: Int16, _ v: Int8) { fieldHeader(id, .byte); bytes.append(UInt8(bitPattern: v)) }
    mutating func bool(_ id: Int16, _ v: Bool) { fieldHeader(id, v ? .boolTrue : .boolFalse) }
    mutating func binary(_ id: Int16, _ v: [UInt8]) { fieldHeader(id, .binary); rawBinary(v) }
    mutating func string(_ id: Int16, _ v: String) { binary(id, Array(v.utf8)) }

    mutating func rawBinary(_ v: [UInt8]) { varint(UInt64(v.count)); bytes.append(contentsOf: v) }
    mutating func rawI32(_ v: Int32) { zigzag(Int64(v)) }

    /// Opens a nested struct as field `id`; close it with `endStruct()`.
    mutating func beginStruct(_ id: Int16) { fieldHeader(id, .structure); pushStruct() }
    /// Opens a struct that is a list element (no field header).
    mutating func pushStruct() { fieldIdStack.append(lastFieldId); lastFieldId = 0 }
    mutating func endStruct() { bytes.append(ThriftType.stop.rawValue); lastFieldId = fieldIdStack.popLast() ?? 0 }

    /// A list header for field `id`; the caller then writes `count` elements.
    mutating func listHeader(_ id: Int16, _ element: ThriftType, count: Int) {
        fieldHeader(id, .list)
        if count < 15 { bytes.append(UInt8(count << 4) | element.rawValue) } else {
            bytes.append(0xF0 | element.rawValue); varint(UInt64(count))
        }
    }

    /// An empty struct as field `id` (Parquet uses these as union markers, e.g. `TimeUnit.MICROS`).
    mutating func emptyStruct(_ id: Int16) { beginStruct(id); endStruct() }
    /// Terminates the top-level struct.
    mutating func stop() { bytes.append(ThriftType.stop.rawValue) }
}
