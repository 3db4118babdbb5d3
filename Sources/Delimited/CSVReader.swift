/// Streams a delimited text file as `FieldChunk`s of unescaped UTF-8 fields, in file order.
///
/// Opening reads the first MiB to choose the encoding, the first 64 KiB of text to choose
/// the dialect, and the header row. A pass (`pass(_:stage:)`, or `nextChunk()` for plain
/// chunks) then streams the rest with bounded memory (a few blocks of ~4 MiB in flight) while a
/// background thread reads and transcodes; each new pass reads the same chunks again.
///
/// Trailing delimiters: when every sampled row (header included) ends with a delimiter,
/// that empty last field is not a column; a later row with the extra empty field, or
/// without it, is accepted. Otherwise a trailing delimiter is an ordinary empty field.
/// `skipRows` skips physical lines before the header.
public final class CSVReader {
    public let fileName: String
    public let encoding: DetectedEncoding
    public let dialect: Dialect
    public let header: [String]
    public let headerRenames: [HeaderRename]
    public let fileSize: Int64
    /// Physical line of the first data row's earliest possible position.
    public let firstDataLine: Int

    /// Counts of the current (or last) pass.
    public internal(set) var rowsRead = 0
    public internal(set) var badRowsSkipped = 0
    public internal(set) var badRowsRejected = 0
    public var bytesRead: Int64 { currentBytes?() ?? finishedBytes }

    let plan: StreamPlan
    private let options: CSVOptions
    /// How the last complete pass cut the file, for the next pass to read the same blocks.
    var replay: PassReplay?
    /// The last pass to finish read the blocks of the one before (see `PassReplay`).
    public internal(set) var lastPassReplayed = false
    var finishedBytes: Int64 = 0
    /// The running pass's byte count and its cancel: a new pass ends the one before.
    var currentBytes: (() -> Int64)?
    private var cancelCurrent: (() -> Void)?
    /// The pass behind `nextChunk()`, started on its first call after opening or `rewind()`.
    private var plainPass: CSVPass<Void>?
    private var rejects: RejectsWriter?
    /// Rejected rows already written (a later pass must not write them again).
    private var lastRejectedLine = 0
    /// Title lines the sniffer saw above the table (`DialectSniffer.preambleLines`).
    private let preambleLines: Int?

    public init(path: String, options: CSVOptions = .init()) throws {
        fileName = path
        self.options = options
        let input = try FileInput(path: path)
        fileSize = input.size
        let raw = try input.readPrefix(EncodingDetector.sampleSize)
        // A gzip file's text is larger than the file: only a short read shows its end.
        let wholeFile = raw.count < EncodingDetector.sampleSize || (!input.isCompressed && Int64(raw.count) >= fileSize)
        encoding = EncodingDetector.detect(raw, wholeFile: wholeFile, override: options.encoding)
        let utf16 = encoding.encoding == .utf16le || encoding.encoding == .utf16be
        if let (what, hint) = NotText.identify(raw, checkNUL: options.encoding == nil && !utf16) {
            throw CSVError(file: path, line: 0, kind: .notText(what: what, hint: hint))
        }

        // Decode the sample the way the stream will.
        let bomLength = encoding.hadBOM ? EncodingDetector.bom(of: encoding.encoding).count : 0
        var transcoder = try makeTranscoder(encoding.encoding, policy: options.encodingErrors, startOffset: Int64(bomLength))
        var text: [UInt8] = []
        text.reserveCapacity(raw.count * 2)
        let failure = raw.withUnsafeBufferPointer {
            transcoder.transcode(UnsafeBufferPointer(rebasing: $0[bomLength...]), final: wholeFile, into: &text)
        }
        let complete = wholeFile && failure == nil

        let start: Int
        if options.skipRows > 0 {
            guard let s = offsetAfterLines(text, options.skipRows) else {
                throw CSVError(file: path, line: 0, kind: .emptyFile)
            }
            start = s
        } else {
            start = 0
        }
        let firstLine = options.skipRows + 1
        let sniffed = DialectSniffer.sniff(text, from: start, firstLine: firstLine, complete: complete, options: options)
        dialect = sniffed.dialect
        preambleLines = sniffed.preambleLines
        guard let first = sniffed.records.first else {
            if let failure {
                let line = firstLine + text.withUnsafeBufferPointer { countLineEnds($0.baseAddress!, $0.count) } - options.skipRows
                throw CSVError(file: path, line: line, kind: .invalidBytes(encoding: encoding.encoding, byteOffset: failure.byteOffset, bytes: failure.bytes, hint: nil))
            }
            throw CSVError(file: path, line: 0, kind: .emptyFile)
        }
        let width = first.fields.count - (dialect.trailingDelimiter ? 1 : 0)
        var dataOffset = start
        var dataLine = firstLine
        if dialect.hasHeader {
            let names = first.fields.prefix(width).map { String(decoding: $0, as: UTF8.self) }
            (header, headerRenames) = finalizeHeader(names)
            dataOffset = first.endOffset
            dataLine = first.nextLine
        } else {
            header = (1...width).map { "column_\($0)" }
            headerRenames = []
        }
        firstDataLine = dataLine
        var rejectPath: String? = nil
        if case let .reject(p) = options.badRows { rejectPath = p }
        let settings = ParseSettings(delimiter: dialect.delimiter, quote: dialect.quote, columnCount: width,
                                     trailingDelimiter: dialect.trailingDelimiter, keepRawBadRows: rejectPath != nil,
                                     failOnBadRow: options.badRows == .fail, fileName: path)
        plan = StreamPlan(path: path, encoding: encoding, encodingErrors: options.encodingErrors,
                          dataStartOffset: dataOffset, dataStartLine: dataLine, settings: settings,
                          chunkRows: max(1, options.chunkRows), blockByteLimit: max(1, options.blockByteLimit),
                          readSize: max(1, options.readSize), maxRecordBytes: options.maxRecordBytes,
                          maxInFlight: max(1, options.maxInFlight))
        if let rejectPath { rejects = try RejectsWriter(path: rejectPath, object: options.rejectsObject) }
    }

    deinit { cancelCurrent?() }

    /// Starts a pass over the data rows (ending any pass before it; counters restart). `stage`
    /// runs on every chunk on the parse threads (both cores), and `CSVPass.next()` hands out
    /// its result beside the chunk, in file order.
    public func pass<Staged>(_ options: CSVPassOptions = .init(), stage: @escaping @Sendable (FieldChunk) -> Staged) -> CSVPass<Staged> {
        cancelCurrent?()
        plainPass = nil
        rowsRead = 0
        badRowsSkipped = 0
        badRowsRejected = 0
        finishedBytes = 0
        let pipeline = ChunkPipeline(plan: plan, stage: stage, releaseStagedChunks: options.releaseChunks, replay: replay,
                                     fileBytes: options.fileBytes)
        let pass = CSVPass(reader: self, pipeline: pipeline)
        currentBytes = { pipeline.bytesRead }
        cancelCurrent = { [weak pass] in pass?.cancel() }
        return pass
    }

    /// The next chunk of rows in file order; nil at the end. Rows dropped by the bad-rows
    /// policy are counted (and written to the rejects file) as their chunk is returned.
    public func nextChunk() throws -> FieldChunk? {
        if plainPass == nil { plainPass = pass { _ in () } }
        return try plainPass!.next()?.chunk
    }

    /// Makes the next `nextChunk()` start another pass from the first data row.
    public func rewind() throws {
        cancelCurrent?()
        cancelCurrent = nil
        currentBytes = nil
        plainPass = nil
        rowsRead = 0
        badRowsSkipped = 0
        badRowsRejected = 0
        finishedBytes = 0
    }

    /// A pass's pipeline ended cleanly: keep its cuts for the next pass to replay.
    func passEnded(bytes: Int64, replayable: PassReplay?, replayed: Bool) {
        finishedBytes = bytes
        if let replayable { replay = replayable }
        lastPassReplayed = replayed
        currentBytes = nil
    }

    /// A pass stopped on an error (or was cancelled) after reading `bytes`.
    func passStopped(bytes: Int64) {
        finishedBytes = bytes
        currentBytes = nil
    }

    /// Writes a row that a later stage refused (a value breaking its column's type) to the
    /// rejects file, beside the rows refused here; counts it. Call from the thread that calls
    /// `nextChunk`. Without `--bad-rows reject` it only counts.
    public func reject(line: Int, reason: String, text: [UInt8]) throws {
        guard let rejects else { badRowsSkipped += 1; return }
        try rejects.write(line: line, reason: reason, row: text)
        badRowsRejected += 1
    }

    /// A row wider than the header, below narrower title lines, is most likely the table's real
    /// header under a report's title: say how many lines to skip.
    func explained(_ error: CSVError) -> CSVError {
        guard case let .fieldCount(expected, found) = error.kind, found > expected, let n = preambleLines, error.hint == nil else { return error }
        var e = error
        e.hint = (n == 1 ? "the first line looks like a title above the table; skip it"
            : "the first \(n) lines look like a title above the table; skip them") + " with --skip-rows \(n)"
        return e
    }

    func flushRejects() throws { try rejects?.flush() }

    /// Rows written to the rejects file, over all passes.
    public var rejectsWritten: Int { rejects?.rowsWritten ?? 0 }

    /// The rows of the file's last `bytes` bytes, from just after the first line end there: a
    /// guess at what the end of the file holds (a totals row, say) before a pass gets there.
    /// Only a guess, since that line end may sit inside a quoted field. nil unless the file is
    /// UTF-8 (its bytes are its text) and longer than `bytes` past its header, and every row
    /// parses with the header's field count.
    public func tailSample(bytes: Int) -> FieldChunk? {
        guard encoding.encoding == .utf8, plan.encodingErrors == .fail, bytes > 0 else { return nil }
        let bomLength = encoding.hadBOM ? EncodingDetector.bom(of: .utf8).count : 0
        let start = fileSize - Int64(bytes)
        guard start > Int64(bomLength + plan.dataStartOffset), let input = try? FileInput(path: plan.path), !input.isCompressed else { return nil }
        let tail = input.bytes(at: start, count: bytes)
        guard let lf = tail.firstIndex(of: byteLF) else { return nil }
        let n = tail.count - lf - 1
        var text = [UInt8](tail[(lf + 1)...])
        text.append(contentsOf: repeatElement(0, count: scanPadding))
        let s = plan.settings
        let lenient = ParseSettings(delimiter: s.delimiter, quote: s.quote, columnCount: s.columnCount, trailingDelimiter: s.trailingDelimiter,
                                    keepRawBadRows: false, failOnBadRow: false, fileName: s.fileName)
        let parsed = text.withUnsafeBufferPointer {
            parseBlock(UnsafeBufferPointer(rebasing: $0[0 ..< n]), startLine: 0, lineEnds: countLineEnds($0.baseAddress!, n), settings: lenient)
        }
        guard parsed.error == nil, parsed.badRows.isEmpty, parsed.rows > 0 else { return nil }
        return parsed.chunk
    }

    func account(_ bad: [BadRow]) throws {
        guard !bad.isEmpty else { return }
        guard let rejects else { badRowsSkipped += bad.count; return }
        badRowsRejected += bad.count
        for row in bad where row.line > lastRejectedLine {
            try rejects.write(line: row.line, reason: "expected \(plan.settings.columnCount) fields, found \(row.found)", row: row.raw)
            lastRejectedLine = row.line
        }
    }
}
