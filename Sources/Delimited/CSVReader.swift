/// Streams a delimited text file as `FieldChunk`s of unescaped UTF-8 fields, in file order.
///
/// Opening reads the first MiB to choose the encoding, the first 64 KiB of text to choose
/// the dialect, and the header row. `nextChunk()` then streams the rest with bounded memory
/// (a few blocks of ~4 MiB in flight) while a background thread reads and transcodes.
/// `rewind()` starts another pass with the same chunks.
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

    public private(set) var rowsRead = 0
    public private(set) var badRowsSkipped = 0
    public private(set) var badRowsRejected = 0
    public var bytesRead: Int64 { pipeline?.bytesRead ?? finishedBytes }

    private let plan: StreamPlan
    private let options: CSVOptions
    private var pipeline: ChunkPipeline?
    /// How the last complete pass cut the file, for the next pass to read the same blocks.
    private var replay: PassReplay?
    /// The last pass to finish read the blocks of the one before (see `PassReplay`).
    public private(set) var lastPassReplayed = false
    /// A pass starts on the first `nextChunk` after opening or `rewind`, so a stage set in between applies to it.
    private var passPending = true
    private var finishedBytes: Int64 = 0
    private var rejects: RejectsWriter?
    /// Rejected rows already written (rewinds must not write them again).
    private var lastRejectedLine = 0
    /// An error ends the pass: later calls throw it again rather than read on.
    private var terminalError: CSVError?
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
        if let rejectPath { rejects = try RejectsWriter(path: rejectPath) }
    }

    /// Work run on every chunk on the parse threads (both cores) in the passes that start
    /// after it is set; `nextStagedChunk()` returns its result beside the chunk.
    public var stage: ChunkStage?

    /// With a stage set: the chunk's buffers are released once staged, and `nextStagedChunk`
    /// returns an empty chunk beside the stage's result (`rowsRead` still counts the rows).
    /// For passes that need only what the stage made of each chunk.
    public var releaseStagedChunks = false

    /// Sees every byte of the file (BOM and header too), in file order, on the reading thread,
    /// in passes that start after it is set: what they read anyway, e.g. for the source's
    /// digest. A pass that ends early (an error, `rewind`) shows it fewer bytes than the file has.
    public var fileBytes: ((UnsafeRawBufferPointer) -> Void)?

    deinit { pipeline?.cancel() }

    /// Writes a row that a later stage refused (a value breaking its column's type) to the
    /// rejects file, beside the rows refused here; counts it. Call from the thread that calls
    /// `nextChunk`. Without `--bad-rows reject` it only counts.
    public func reject(line: Int, reason: String, text: [UInt8]) throws {
        guard let rejects else { badRowsSkipped += 1; return }
        try rejects.write(line: line, reason: reason, row: text)
        badRowsRejected += 1
    }

    /// The next chunk of rows in file order; nil at the end. Rows dropped by the bad-rows
    /// policy are counted (and written to the rejects file) as their chunk is returned.
    public func nextChunk() throws -> FieldChunk? { try nextStagedChunk()?.chunk }

    /// `nextChunk()` with what `stage` made of the chunk (nil when no stage is set).
    public func nextStagedChunk() throws -> (chunk: FieldChunk, staged: Any?)? {
        if let terminalError { throw terminalError }
        if passPending {
            passPending = false
            pipeline = ChunkPipeline(plan: plan, stage: stage, releaseStagedChunks: releaseStagedChunks && stage != nil, replay: replay,
                                     fileBytes: fileBytes)
        }
        guard let pipeline else { return nil }
        while true {
            guard let item = pipeline.next() else {
                finishedBytes = pipeline.bytesRead
                if let cuts = pipeline.replayable { replay = cuts }
                lastPassReplayed = pipeline.didReplay
                self.pipeline = nil
                try rejects?.flush()
                return nil
            }
            var failure: CSVError? = nil
            switch item {
            case let .failure(error):
                failure = explained(error)
            case let .block(parsed):
                try account(parsed.badRows)
                if let error = parsed.error.map(explained) {
                    failure = error
                    if parsed.rows > 0 {
                        // Hand out the rows before the bad one; the error comes next call.
                        rowsRead += parsed.rows
                        endPass(with: error)
                        return (parsed.chunk, parsed.staged)
                    }
                } else if parsed.rows > 0 {
                    rowsRead += parsed.rows
                    return (parsed.chunk, parsed.staged)
                }
            }
            if let failure {
                endPass(with: failure)
                throw failure
            }
        }
    }

    /// A row wider than the header, below narrower title lines, is most likely the table's real
    /// header under a report's title: say how many lines to skip.
    private func explained(_ error: CSVError) -> CSVError {
        guard case let .fieldCount(expected, found) = error.kind, found > expected, let n = preambleLines, error.hint == nil else { return error }
        var e = error
        e.hint = (n == 1 ? "the first line looks like a title above the table; skip it"
            : "the first \(n) lines look like a title above the table; skip them") + " with --skip-rows \(n)"
        return e
    }

    private func endPass(with error: CSVError) {
        try? rejects?.flush()
        if let pipeline {
            finishedBytes = pipeline.bytesRead
            pipeline.cancel()
        }
        pipeline = nil
        terminalError = error
    }

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

    /// Starts another pass from the first data row; counters restart.
    public func rewind() throws {
        pipeline?.cancel()
        terminalError = nil
        rowsRead = 0
        badRowsSkipped = 0
        badRowsRejected = 0
        pipeline = nil
        finishedBytes = 0
        passPending = true
    }

    private func account(_ bad: [BadRow]) throws {
        guard !bad.isEmpty else { return }
        guard let rejects else { badRowsSkipped += bad.count; return }
        badRowsRejected += bad.count
        for row in bad where row.line > lastRejectedLine {
            try rejects.write(line: row.line, reason: "expected \(plan.settings.columnCount) fields, found \(row.found)", row: row.raw)
            lastRejectedLine = row.line
        }
    }
}
