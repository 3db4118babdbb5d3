/// Bytes that are invalid in the source encoding, found while transcoding.
struct EncodingFailure: Error, Equatable {
    /// 0-based offset of the first bad byte in the file.
    let byteOffset: Int64
    let bytes: [UInt8]
}

/// Streams source bytes to UTF-8. Input arrives in arbitrary pieces: a multibyte sequence
/// cut by a piece boundary is carried to the next call.
protocol Transcoder {
    /// Appends the UTF-8 for `input` to `out`. On invalid bytes (with the `.fail` policy) it
    /// appends everything valid before them and returns the failure; the stream is then over.
    /// `final` marks the last piece: an incomplete sequence left at the end is invalid.
    mutating func transcode(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into out: inout [UInt8]) -> EncodingFailure?
}

func makeTranscoder(_ encoding: TextEncoding, policy: EncodingErrorPolicy, startOffset: Int64) throws -> any Transcoder {
    switch encoding {
    case .utf8: return UTF8Validator(replace: policy == .replace, offset: startOffset)
    case .latin1, .windows1252: return SingleByteTranscoder(encoding: encoding, replace: policy == .replace, offset: startOffset)
    default: return try IconvTranscoder(encoding: encoding, replace: policy == .replace, offset: startOffset)
    }
}

let replacementUTF8: [UInt8] = [0xEF, 0xBF, 0xBD]

/// UTF-8 → UTF-8: validates (RFC 3629 / Unicode table 3-7) and copies. ASCII runs are
/// checked 32 bytes at a time.
struct UTF8Validator: Transcoder {
    let replace: Bool
    /// File offset of the next input byte.
    var offset: Int64
    var pending: [UInt8] = []

    init(replace: Bool, offset: Int64) {
        self.replace = replace
        self.offset = offset
    }

    /// Length of the valid sequence at p[i] (1...4), 0 if invalid, -1 if it may be valid
    /// but is cut by the end of the buffer.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let b0 = p[i]
        if b0 < 0x80 { return 1 }
        let len: Int, lo: UInt8, hi: UInt8
        switch b0 {
        case 0xC2...0xDF: len = 2; lo = 0x80; hi = 0xBF
        case 0xE0: len = 3; lo = 0xA0; hi = 0xBF
        case 0xE1...0xEC, 0xEE...0xEF: len = 3; lo = 0x80; hi = 0xBF
        case 0xED: len = 3; lo = 0x80; hi = 0x9F
        case 0xF0: len = 4; lo = 0x90; hi = 0xBF
        case 0xF1...0xF3: len = 4; lo = 0x80; hi = 0xBF
        case 0xF4: len = 4; lo = 0x80; hi = 0x8F
        default: return 0
        }
        for k in 1..<len {
            if i + k >= n { return -1 }
            let b = p[i + k]
            if k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF) { return 0 }
        }
        return len
    }

    mutating func transcode(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into out: inout [UInt8]) -> EncodingFailure? {
        var start = 0
        if !pending.isEmpty {
            // Finish the sequence cut by the previous piece from this piece's first bytes.
            var joined = pending
            joined.append(contentsOf: input.prefix(4))
            let carried = pending.count
            pending.removeAll()
            let len = joined.withUnsafeBufferPointer { Self.sequenceLength($0.baseAddress!, 0, $0.count) }
            if len > 0 {
                out.append(contentsOf: joined[0..<len])
                start = len - carried
                offset += Int64(len)
            } else if len < 0 && !final {
                pending = joined
                return nil
            } else {
                if let f = invalid(at: offset, joined, into: &out) { return f }
                offset += 1
                // Re-examine the carried bytes after the first one together with the input.
                let rest = Array(joined[1..<carried])
                if !rest.isEmpty {
                    pending = rest
                    return transcode(input, final: final, into: &out)
                }
            }
        }
        guard let base = input.baseAddress else { return nil }
        let n = input.count
        var runStart = start
        var i = start
        while i < n {
            let len: Int
            (i, len) = Self.validRun(base, from: i, n)
            if i == n { break }
            out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
            offset += Int64(i - runStart)
            if len < 0 && !final {
                pending = Array(UnsafeBufferPointer(start: base + i, count: n - i))
                return nil
            }
            if let f = invalid(at: offset, Array(UnsafeBufferPointer(start: base + i, count: min(4, n - i))), into: &out) { return f }
            offset += 1
            i += 1
            runStart = i
        }
        out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: n - runStart))
        offset += Int64(n - runStart)
        return nil
    }

    /// Validates `input` where it lies, copying nothing: the bytes before the returned count
    /// are whole valid sequences. Short of the end when a sequence is cut by it (not `final`;
    /// the caller keeps those bytes for the next piece), or at the first invalid byte, with
    /// its failure. For the fail policy only (no replacement).
    mutating func check(_ input: UnsafeBufferPointer<UInt8>, final: Bool) -> (valid: Int, failure: EncodingFailure?) {
        guard let base = input.baseAddress else { return (0, nil) }
        let n = input.count
        let (i, len) = Self.validRun(base, from: 0, n)
        offset += Int64(i)
        if i == n || (len < 0 && !final) { return (i, nil) }
        return (i, EncodingFailure(byteOffset: offset, bytes: Array(UnsafeBufferPointer(start: base + i, count: min(4, n - i)))))
    }

    /// The end of the valid sequences from p[i] (32 ASCII bytes at a time), and the
    /// `sequenceLength` there: 0 (invalid) or -1 (cut by the end); `n` and 0 when all are valid.
    @inline(__always)
    static func validRun(_ p: UnsafePointer<UInt8>, from start: Int, _ n: Int) -> (end: Int, length: Int) {
        var i = start
        while i < n {
            if i + 32 <= n, highBits32(p + i) == 0 { i += 32; continue }
            let len = sequenceLength(p, i, n)
            if len <= 0 { return (i, len) }
            i += len
        }
        return (n, 0)
    }

    private func invalid(at offset: Int64, _ bytes: [UInt8], into out: inout [UInt8]) -> EncodingFailure? {
        if replace { out.append(contentsOf: replacementUTF8); return nil }
        return EncodingFailure(byteOffset: offset, bytes: Array(bytes.prefix(4)))
    }
}

/// Windows-1252 and ISO-8859-1 → UTF-8 by table (faster than iconv, no state).
struct SingleByteTranscoder: Transcoder {
    let replace: Bool
    var offset: Int64
    /// UTF-8 bytes for 0x80...0xFF; empty where the code page leaves a byte undefined.
    let table: [[UInt8]]

    init(encoding: TextEncoding, replace: Bool, offset: Int64) {
        self.replace = replace
        self.offset = offset
        // Windows-1252 differs from Latin-1 only in 0x80...0x9F.
        let cp1252: [UInt32] = [0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
                                0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178]
        table = (0x80...0xFF).map { b -> [UInt8] in
            let scalar: UInt32 = (encoding == .windows1252 && b < 0xA0) ? cp1252[b - 0x80] : UInt32(b)
            guard scalar != 0, let u = Unicode.Scalar(scalar) else { return [] }
            return Array(String(Character(u)).utf8)
        }
    }

    mutating func transcode(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into out: inout [UInt8]) -> EncodingFailure? {
        guard let base = input.baseAddress else { return nil }
        let n = input.count
        var runStart = 0
        var i = 0
        while i < n {
            if i + 32 <= n, highBits32(base + i) == 0 { i += 32; continue }
            let b = base[i]
            if b < 0x80 { i += 1; continue }
            out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
            let utf8 = table[Int(b) - 0x80]
            if utf8.isEmpty {
                if !replace {
                    offset += Int64(i - runStart)
                    return EncodingFailure(byteOffset: offset, bytes: [b])
                }
                out.append(contentsOf: replacementUTF8)
            } else {
                out.append(contentsOf: utf8)
            }
            offset += Int64(i - runStart + 1)
            i += 1
            runStart = i
        }
        out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: n - runStart))
        offset += Int64(n - runStart)
        return nil
    }
}
