/// Decoded non-null values of one column chunk in their physical type, before they become a Column.
struct PhysicalBuffer {
    let type: PhysicalType
    /// Bytes per value for FIXED_LEN_BYTE_ARRAY (12 for INT96).
    let width: Int
    let column: String
    var bools: [Bool] = []
    var i32: [Int32] = []
    var i64: [Int64] = []
    var f32: [Float] = []
    var f64: [Double] = []
    /// BYTE_ARRAY: value i is data[offsets[i]..<offsets[i+1]]; FIXED: value i is data[i*width..<(i+1)*width].
    var offsets: [Int] = [0]
    var data: [UInt8] = []

    init(type: PhysicalType, width: Int, column: String) {
        self.type = type; self.width = width; self.column = column
    }

    var count: Int {
        switch type {
        case .boolean: return bools.count
        case .int32: return i32.count
        case .int64: return i64.count
        case .float: return f32.count
        case .double: return f64.count
        case .byteArray: return offsets.count - 1
        case .fixedLenByteArray, .int96: return width == 0 ? 0 : data.count / width
        }
    }

    /// Appends `n` PLAIN-encoded values.
    mutating func appendPlain(_ cur: inout ByteCursor, count n: Int) throws {
        switch type {
        case .boolean:
            try cur.need((n + 7) / 8)
            let base = cur.pos
            bools.reserveCapacity(bools.count + min(n, 1 << 22))
            for i in 0 ..< n { bools.append(cur.bytes[base + i >> 3] & (1 << UInt8(i & 7)) != 0) }
            cur.pos += (n + 7) / 8
        case .int32: try appendFixed(&cur, n, &i32)
        case .int64: try appendFixed(&cur, n, &i64)
        case .float: try appendFixed(&cur, n, &f32)
        case .double: try appendFixed(&cur, n, &f64)
        case .fixedLenByteArray, .int96:
            let r = try cur.take(n * width)
            data.append(contentsOf: cur.bytes[r])
        case .byteArray:
            offsets.reserveCapacity(offsets.count + min(n, cur.remaining / 4))
            for _ in 0 ..< n {
                let len = Int(try cur.le(UInt32.self))
                let r = try cur.take(len)
                data.append(contentsOf: cur.bytes[r])
                offsets.append(data.count)
            }
        }
    }

    private func appendFixed<T>(_ cur: inout ByteCursor, _ n: Int, _ out: inout [T]) throws {
        let size = MemoryLayout<T>.size
        let r = try cur.take(n * size)
        cur.bytes.withUnsafeBytes { raw in
            let src = UnsafeRawBufferPointer(rebasing: raw[r])
            out.reserveCapacity(out.count + n)
            for i in 0 ..< n { out.append(src.loadUnaligned(fromByteOffset: i * size, as: T.self)) }
        }
    }

    /// Appends dictionary entries by index.
    mutating func appendIndices(_ indices: [UInt32], from dict: PhysicalBuffer) throws {
        let n = dict.count
        for i in indices where Int(i) >= n {
            throw ParquetError.corrupt("dictionary index \(i) out of range (\(n) entries) in column '\(column)'")
        }
        switch type {
        case .boolean: for i in indices { bools.append(dict.bools[Int(i)]) }
        case .int32: for i in indices { i32.append(dict.i32[Int(i)]) }
        case .int64: for i in indices { i64.append(dict.i64[Int(i)]) }
        case .float: for i in indices { f32.append(dict.f32[Int(i)]) }
        case .double: for i in indices { f64.append(dict.f64[Int(i)]) }
        case .fixedLenByteArray, .int96:
            for i in indices { data.append(contentsOf: dict.data[Int(i) * width ..< (Int(i) + 1) * width]) }
        case .byteArray:
            for i in indices {
                data.append(contentsOf: dict.data[dict.offsets[Int(i)] ..< dict.offsets[Int(i) + 1]])
                offsets.append(data.count)
            }
        }
    }

    /// Appends one variable-length value (DELTA byte-array encodings).
    mutating func appendBytes(_ bytes: ArraySlice<UInt8>) {
        data.append(contentsOf: bytes)
        if type == .byteArray { offsets.append(data.count) }
    }
}
