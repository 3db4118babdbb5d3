/// A bounds-checked Thrift compact-protocol decoder over a byte buffer.
///
/// Every read validates lengths against the remaining bytes and throws
/// `ParquetError.corrupt` instead of trapping, so hostile footers cannot crash us.
struct ThriftCompactReader {
    private let buf: [UInt8]
    private(set) var pos: Int
    private var lastFieldId: Int16 = 0
    private var fieldIdStack: [Int16] = []
    private var depth = 0

    init(_ buf: [UInt8], offset: Int = 0) { self.buf = buf; pos = offset }

    var remaining: Int { buf.count - pos }

    mutating func u8() throws -> UInt8 {
        guard pos < buf.count else { throw ParquetError.corrupt("Thrift data ends early at byte \(pos)") }
        defer { pos += 1 }
        return buf[pos]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try u8()
            if shift < 64 { result |= UInt64(b & 0x7F) << shift }
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 70 { throw ParquetError.corrupt("Thrift varint too long at byte \(pos)") }
        }
    }

    mutating func zigzag() throws -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1)) ^ -Int64(bitPattern: u & 1)
    }

    mutating func i32() throws -> Int32 {
        let v = try zigzag()
        guard let r = Int32(exactly: v) else { throw ParquetError.corrupt("Thrift i32 out of range: \(v)") }
        return r
    }
    mutating func i64() throws -> Int64 { try zigzag() }
    mutating func i16() throws -> Int16 {
        let v = try zigzag()
        guard let r = Int16(exactly: v) else { throw ParquetError.corrupt("Thrift i16 out of range: \(v)") }
        return r
    }

    mutating func binary() throws -> [UInt8] {
        let n = try varint()
        guard n <= UInt64(remaining) else { throw ParquetError.corrupt("Thrift binary of \(n) bytes exceeds the \(remaining) remaining") }
        let start = pos
        pos += Int(n)
        return Array(buf[start ..< pos])
    }

    mutating func string() throws -> String { String(decoding: try binary(), as: UTF8.self) }

    /// The next field's (type, id), or nil at the struct's stop byte. Bool values live in the type.
    mutating func fieldHeader() throws -> (type: UInt8, id: Int16)? {
        let b = try u8()
        let type = b & 0x0F
        if type == 0 { return nil }
        let delta = Int16(b >> 4)
        let id: Int16 = delta != 0 ? lastFieldId &+ delta : try i16()
        lastFieldId = id
        return (type, id)
    }

    /// Reads a bool field's value from its header type.
    func boolValue(_ type: UInt8) -> Bool { type == ThriftType.boolTrue.rawValue }

    mutating func beginStruct() throws {
        depth += 1
        guard depth < 64 else { throw ParquetError.corrupt("Thrift structs nested too deeply") }
        fieldIdStack.append(lastFieldId); lastFieldId = 0
    }
    mutating func endStruct() { depth -= 1; lastFieldId = fieldIdStack.popLast() ?? 0 }

    /// A list or set header: (element type, count), with count checked against the bytes left.
    mutating func listHeader() throws -> (type: UInt8, count: Int) {
        let b = try u8()
        var n = UInt64(b >> 4)
        if n == 15 { n = try varint() }
        // Every element takes at least one byte (bool lists too), so this bounds allocations.
        guard n <= UInt64(remaining) else { throw ParquetError.corrupt("Thrift list of \(n) elements exceeds the data") }
        return (b & 0x0F, Int(n))
    }

    /// Skips a value of `type` (an unknown or ignored field).
    mutating func skip(_ type: UInt8) throws {
        switch type {
        case 1, 2: return // bool in a field header
        case 3: _ = try u8()
        case 4, 5, 6: _ = try varint()
        case 7: guard remaining >= 8 else { throw ParquetError.corrupt("Thrift double truncated") }; pos += 8
        case 8: _ = try binary()
        case 9, 10:
            let (t, n) = try listHeader()
            for _ in 0 ..< n {
                if t == 1 || t == 2 { _ = try u8() } else { try skip(t) }
            }
        case 11:
            let n = try varint()
            guard n <= UInt64(remaining) else { throw ParquetError.corrupt("Thrift map too large") }
            if n == 0 { return }
            let kv = try u8()
            for _ in 0 ..< n {
                let k = kv >> 4, v = kv & 0x0F
                if k == 1 || k == 2 { _ = try u8() } else { try skip(k) }
                if v == 1 || v == 2 { _ = try u8() } else { try skip(v) }
            }
        case 12:
            try beginStruct()
            while let (t, _) = try fieldHeader() { try skip(t) }
            endStruct()
        default:
            throw ParquetError.corrupt("unknown Thrift type \(type) at byte \(pos)")
        }
    }
}
