/// Chooses the source encoding from the first `sampleSize` bytes, and says why.
///
/// Order: a BOM; the UTF-16 NUL pattern; valid UTF-8 (plain ASCII is read as UTF-8 and a
/// later non-UTF-8 byte is then an error with a hint, never a silent mis-decode); a clean
/// CP932 or EUC-JP decode; otherwise Windows-1252 (ISO-8859-1 when bytes undefined in 1252
/// occur).
enum EncodingDetector {
    static let sampleSize = 1 << 20

    static func bom(of encoding: TextEncoding) -> [UInt8] {
        switch encoding {
        case .utf8: return [0xEF, 0xBB, 0xBF]
        case .utf16le: return [0xFF, 0xFE]
        case .utf16be: return [0xFE, 0xFF]
        default: return []
        }
    }

    /// `wholeFile`: the sample is the entire file (so a cut sequence at its end is invalid).
    static func detect(_ sample: [UInt8], wholeFile: Bool, override: TextEncoding?) -> DetectedEncoding {
        if let override {
            let bom = bom(of: override)
            let hasBOM = !bom.isEmpty && sample.starts(with: bom)
            return DetectedEncoding(encoding: override, hadBOM: hasBOM, reason: "set by --encoding \(override.rawValue)")
        }
        for enc in [TextEncoding.utf8, .utf16le, .utf16be] where sample.starts(with: bom(of: enc)) {
            let hex = bom(of: enc).map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            return DetectedEncoding(encoding: enc, hadBOM: true, reason: "BOM \(hex)")
        }
        if let utf16 = utf16FromNULs(sample) { return utf16 }
        let scope = wholeFile ? "the whole file" : "first \(sampleSize >> 20) MiB"
        let ascii = sample.withUnsafeBufferPointer { $0.isEmpty || isASCII($0.baseAddress!, $0.count) }
        if ascii {
            return DetectedEncoding(encoding: .utf8, hadBOM: false,
                                    reason: wholeFile ? "plain ASCII (read as UTF-8)" : "only ASCII in \(scope); read as UTF-8",
                                    assumedFromASCII: !wholeFile)
        }
        if let multibyte = utf8MultibyteCount(sample, wholeFile: wholeFile) {
            return DetectedEncoding(encoding: .utf8, hadBOM: false, reason: "valid UTF-8 in \(scope) (\(multibyte) multibyte characters)")
        }
        let sjis = japaneseDoubleBytes(sample, .shiftJIS, wholeFile: wholeFile)
        let euc = japaneseDoubleBytes(sample, .eucJP, wholeFile: wholeFile)
        if let s = sjis, s.count > 0, euc == nil || s.halfwidth * 2 < s.count {
            return DetectedEncoding(encoding: .shiftJIS, hadBOM: false,
                                    reason: "Shift_JIS lead/trail byte pattern: \(s.count) double-byte characters, all valid CP932 in \(scope)")
        }
        if let e = euc, e.count > 0 {
            return DetectedEncoding(encoding: .eucJP, hadBOM: false,
                                    reason: "EUC-JP byte pattern: \(e.count) double-byte characters, all valid EUC-JP in \(scope)")
        }
        let undefinedIn1252: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]
        if sample.contains(where: { undefinedIn1252.contains($0) }) {
            return DetectedEncoding(encoding: .latin1, hadBOM: false,
                                    reason: "not UTF-8, CP932 or EUC-JP; bytes undefined in Windows-1252 present, read as ISO-8859-1")
        }
        return DetectedEncoding(encoding: .windows1252, hadBOM: false,
                                reason: "not valid UTF-8, CP932 or EUC-JP in \(scope); single-byte Windows-1252")
    }

    /// UTF-16 without a BOM: most ASCII characters have a NUL high byte.
    private static func utf16FromNULs(_ s: [UInt8]) -> DetectedEncoding? {
        let pairs = min(s.count, 4096) / 2
        guard pairs >= 2 else { return nil }
        var le = 0, be = 0
        for i in 0..<pairs {
            let a = s[2 * i], b = s[2 * i + 1]
            if a != 0 && b == 0 { le += 1 }
            if a == 0 && b != 0 { be += 1 }
        }
        if le * 10 >= pairs * 4 && be * 10 < pairs {
            return DetectedEncoding(encoding: .utf16le, hadBOM: false, reason: "no BOM; NUL in every odd byte of \(le) of \(pairs) leading pairs (UTF-16LE)")
        }
        if be * 10 >= pairs * 4 && le * 10 < pairs {
            return DetectedEncoding(encoding: .utf16be, hadBOM: false, reason: "no BOM; NUL in every even byte of \(be) of \(pairs) leading pairs (UTF-16BE)")
        }
        return nil
    }

    /// Multibyte characters in a valid UTF-8 sample, or nil when it is not UTF-8.
    private static func utf8MultibyteCount(_ s: [UInt8], wholeFile: Bool) -> Int? {
        s.withUnsafeBufferPointer { buf -> Int? in
            let p = buf.baseAddress!, n = buf.count
            var i = 0, multi = 0
            while i < n {
                let len = UTF8Validator.sequenceLength(p, i, n)
                if len == 0 { return nil }
                if len < 0 { return wholeFile ? nil : multi }
                if len > 1 { multi += 1 }
                i += len
            }
            return multi
        }
    }

    /// Decodes the sample strictly; nil when invalid, else the count of non-ASCII
    /// characters and how many of them are half-width katakana (rare in real CP932 text,
    /// typical when EUC-JP is misread as CP932).
    private static func japaneseDoubleBytes(_ s: [UInt8], _ enc: TextEncoding, wholeFile: Bool) -> (count: Int, halfwidth: Int)? {
        guard var t = try? makeTranscoder(enc, policy: .fail, startOffset: 0) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(s.count * 2)
        let failure = s.withUnsafeBufferPointer { t.transcode($0, final: wholeFile, into: &out) }
        if failure != nil { return nil }
        var count = 0, halfwidth = 0
        var i = 0
        while i < out.count {
            let b = out[i]
            if b >= 0xC0 {
                count += 1
                // U+FF61...U+FF9F is EF BD A1...EF BE 9F.
                if b == 0xEF, i + 2 < out.count, (out[i + 1] == 0xBD && out[i + 2] >= 0xA1) || (out[i + 1] == 0xBE && out[i + 2] <= 0x9F) {
                    halfwidth += 1
                }
            }
            i += 1
        }
        return (count, halfwidth)
    }
}
