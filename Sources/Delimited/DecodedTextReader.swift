/// A text file as validated UTF-8 blocks, for readers other than CSV (JSON): gzip is read as
/// the text inside it, a UTF-8 BOM is dropped, and UTF-16 with a BOM is transcoded. Invalid
/// bytes are an error naming their offset in the file.
public final class DecodedTextReader {
    public let path: String
    /// The encoding the BOM named (UTF-8 without one).
    public let encoding: TextEncoding
    public let isCompressed: Bool
    private let input: FileInput
    private var transcoder: any Transcoder
    private var pending: [UInt8]
    private var ended = false
    private let blockBytes: Int
    /// Raw bytes of one read, reused (made on first use: UTF-8 is read straight onto blocks).
    private var buffer: [UInt8] = []
    /// UTF-8 input is validated in place on the block it was read onto (`nextUTF8`).
    private var validator: UTF8Validator?
    /// The most one read takes.
    static let readBytes = 1 << 20
    /// Spare room at the end of each block (see `next`).
    static let carryRoom = 64 << 10

    /// `blockBytes`: about how much text each `next()` returns. `fileBytes` sees every byte of
    /// the file as read (compressed ones for gzip), in order: for the input's digest.
    public init(path: String, blockBytes: Int = 4 << 20, fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws {
        self.path = path
        self.blockBytes = max(16, blockBytes)
        input = try FileInput(path: path)
        input.onFileBytes = fileBytes
        isCompressed = input.isCompressed
        let head = try input.readPrefix(4)
        let bom: Int
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { encoding = .utf8; bom = 3 }
        else if head.starts(with: [0xFF, 0xFE]) { encoding = .utf16le; bom = 2 }
        else if head.starts(with: [0xFE, 0xFF]) { encoding = .utf16be; bom = 2 }
        else { encoding = .utf8; bom = 0 }
        pending = Array(head.dropFirst(bom))
        transcoder = try makeTranscoder(encoding, policy: .fail, startOffset: Int64(bom))
        if encoding == .utf8 { validator = UTF8Validator(replace: false, offset: Int64(bom)) }
    }

    /// Bytes of the file read so far (compressed ones for a gzip file).
    public var fileBytesRead: Int64 { input.fileOffset }

    /// The size of the file on disk.
    public var fileSize: Int64 { input.size }

    /// The next block of UTF-8 text, about `blockBytes` of it; nil at the end of the file.
    /// Read in pieces of at most `readBytes`, each transcoded straight onto the block, whose
    /// room is made once: a block costs its own size, not a second block-sized read buffer.
    public func next() throws -> [UInt8]? {
        guard !ended else { return nil }
        if validator != nil { return try nextUTF8() }
        if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: min(blockBytes, Self.readBytes)) }
        var text: [UInt8] = []
        // UTF-8 in, UTF-8 out is at most the input (and what a cut sequence carried over);
        // UTF-16 → UTF-8 takes up to 3 bytes for every 2. `carryRoom` more lets a record
        // splitter put the text it carries in front without copying the block.
        let most = encoding == .utf8 ? blockBytes : blockBytes + blockBytes / 2
        text.reserveCapacity(pending.count + most + min(blockBytes, Self.carryRoom))
        var failure: EncodingFailure?
        if !pending.isEmpty {
            failure = pending.withUnsafeBufferPointer { transcoder.transcode($0, final: false, into: &text) }
            pending = []
        }
        var taken = 0
        while failure == nil, taken < blockBytes {
            let want = min(buffer.count, blockBytes - taken)
            let n = try buffer.withUnsafeMutableBytes { try input.read(into: $0.baseAddress!, count: want) }
            let final = n == 0
            taken += n
            failure = buffer.withUnsafeBufferPointer { transcoder.transcode(UnsafeBufferPointer(rebasing: $0[0 ..< n]), final: final, into: &text) }
            if final { ended = true; break }
        }
        if let failure { throw invalid(failure) }
        if text.isEmpty { return ended ? nil : try next() }
        return text
    }

    /// UTF-8 text: each piece is read (inflated) straight onto the block and validated where it
    /// lies, so no byte is copied a second time. A sequence cut by the block's end goes to the
    /// next block.
    private func nextUTF8() throws -> [UInt8]? {
        var failure: EncodingFailure?
        var checked = 0
        let carried = pending
        pending = []
        var text = try [UInt8](unsafeUninitializedCapacity: carried.count + blockBytes + min(blockBytes, Self.carryRoom)) { room, count in
            let base = room.baseAddress!
            if !carried.isEmpty { carried.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress!, count: $0.count) } }
            count = carried.count
            var taken = 0
            while taken < blockBytes {
                let n = try input.read(into: base + count, count: min(Self.readBytes, blockBytes - taken))
                count += n
                taken += n
                let final = n == 0
                let (valid, f) = validator!.check(UnsafeBufferPointer(start: base + checked, count: count - checked), final: final)
                checked += valid
                if let f { failure = f; return }
                if final { ended = true; return }
            }
        }
        if let failure { throw invalid(failure) }
        if checked < text.count {
            pending = Array(text[checked...])
            text.removeLast(text.count - checked)
        }
        if text.isEmpty { return ended ? nil : try nextUTF8() }
        return text
    }

    private func invalid(_ failure: EncodingFailure) -> CSVError {
        CSVError(file: path, line: 0, kind: .invalidBytes(encoding: encoding, byteOffset: failure.byteOffset, bytes: failure.bytes,
                                                          hint: "JSON text is UTF-8, or UTF-16 with a byte order mark"))
    }
}
