#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Source encoding → UTF-8 through the C library's iconv (glibc: CP932 with the NEC/IBM
/// extensions at ~200 MB/s, EUC-JP, UTF-16). Output is staged in a reused buffer.
final class IconvTranscoder: Transcoder {
    private let cd: iconv_t
    private let encoding: TextEncoding
    private let replace: Bool
    /// File offset of the next unconsumed input byte (the first pending byte if any).
    private var offset: Int64
    /// An incomplete multibyte sequence carried from the previous piece.
    private var pending: [UInt8] = []
    private var stage = [UInt8](repeating: 0, count: 1 << 16)

    init(encoding: TextEncoding, replace: Bool, offset: Int64) throws {
        let handle = iconv_open("UTF-8", encoding.iconvName)
        if handle == iconv_t(bitPattern: -1) {
            throw CSVError(file: "", line: 0, kind: .io("iconv cannot convert from \(encoding.iconvName) on this system"))
        }
        cd = handle!
        self.encoding = encoding
        self.replace = replace
        self.offset = offset
    }

    deinit { iconv_close(cd) }

    func transcode(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into out: inout [UInt8]) -> EncodingFailure? {
        var start = 0
        if !pending.isEmpty {
            // Convert the carried bytes plus enough of this piece to finish their character.
            var joined = pending
            let carried = pending.count
            joined.append(contentsOf: input.prefix(8))
            pending.removeAll()
            let (used, failure) = convert(joined, final: final && input.count <= 8, into: &out)
            if let failure { return failure }
            if used < carried {
                // Still incomplete (a tiny piece): keep carrying.
                pending = Array(joined[used...])
                return nil
            }
            // `offset` now points at input[start]; bytes of `joined` past `used` (a character
            // cut at the end of `joined`) are converted again from `input`.
            start = min(used - carried, input.count)
        }
        let rest = UnsafeBufferPointer(rebasing: input[start...])
        let (used, failure) = convertBuffer(rest, final: final, into: &out)
        if let failure { return failure }
        if used < rest.count { pending = Array(rest[used...]) }
        return nil
    }

    private func convert(_ bytes: [UInt8], final: Bool, into out: inout [UInt8]) -> (Int, EncodingFailure?) {
        bytes.withUnsafeBufferPointer { convertBuffer($0, final: final, into: &out) }
    }

    /// Converts as much of `input` as possible; returns the bytes consumed (the rest is an
    /// incomplete trailing sequence) or a failure.
    private func convertBuffer(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into out: inout [UInt8]) -> (Int, EncodingFailure?) {
        guard let base = input.baseAddress, input.count > 0 else { return (0, nil) }
        var consumed = 0
        let total = input.count
        return stage.withUnsafeMutableBufferPointer { stageBuf -> (Int, EncodingFailure?) in
            while consumed < total {
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base + consumed).assumingMemoryBound(to: CChar.self)
                var inLeft = total - consumed
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(stageBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = stageBuf.count
                let rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                let err = rc == -1 ? errno : 0
                let produced = stageBuf.count - outLeft
                out.append(contentsOf: UnsafeBufferPointer(start: stageBuf.baseAddress!, count: produced))
                let used = (total - consumed) - inLeft
                consumed += used
                offset += Int64(used)
                if rc != -1 || err == E2BIG { continue }
                let unit = encoding.unitSize
                if err == EINVAL && !final { return (consumed, nil) }   // incomplete sequence at the end
                // EILSEQ, or an incomplete sequence at the end of the file.
                if !replace {
                    let bad = Array(UnsafeBufferPointer(start: base + consumed, count: min(4, total - consumed)))
                    return (consumed, EncodingFailure(byteOffset: offset, bytes: bad))
                }
                out.append(contentsOf: replacementUTF8)
                let skip = min(unit, total - consumed)
                consumed += skip
                offset += Int64(skip)
                iconv(cd, nil, nil, nil, nil)   // reset shift state after the bad unit
            }
            return (consumed, nil)
        }
    }
}
