import Columnar

/// Builds one leaf column's chunk for the current row group: definition levels, data pages of
/// about `pageMaxBytes`, the dictionary page, compression and statistics. A flat column is
/// written by `write(_:_:)`; a nested leaf, already shredded into repetition and definition
/// levels, by `write(_: ShreddedLeaf)` (NestedChunkWriting.swift).
final class ColumnChunkWriter {
    let field: Field
    let layout: PhysicalLayout
    let options: ParquetWriteOptions
    var encoder: any ValueEncoder
    private var levels = DefinitionLevelEncoder()
    /// A nested leaf's repetition and definition levels (nil for a flat column, which uses `levels`).
    var nestedLevels: NestedLevelEncoder?
    /// `nestedLevels`' encoded size, kept as a plain number for the size estimates.
    var nestedLevelBytes = 0
    /// ColumnMetaData.path_in_schema.
    let path: [String]

    // Current page. For a nested leaf `pageRows` counts level entries (the page's num_values).
    var pageRows = 0
    var pageNulls = 0
    // Current chunk: encoded data pages (header + body each), in order, each in a buffer of its
    // own size: a thousand partitions' open chunks in one growing array each held up to twice
    // their bytes, fresh memory the kernel had to fault in, and copied them at each growth.
    private var pages: [[UInt8]] = []
    private var pagesBytes = 0
    private var chunkRows = 0
    private var chunkNulls = 0
    private var uncompressedBytes = 0
    private var encodings = Set<Int32>()
    private var pageEncodingCounts: [Int32: Int32] = [:]
    // Whether the dictionary pays: judged once per chunk on its first values; chunks in a row
    // that did without it (ids, timestamps, free text are as distinct in the next row group).
    var dictionaryJudged = false
    private var plainChunks = 0
    private var skippedDictionary = false
    /// Non-null values a chunk sees before the dictionary is judged.
    static let dictionaryTrialValues = 8192
    /// A chunk that skipped the dictionary because its predecessors did without it retries every this many chunks.
    static let dictionaryRetryChunks = 8
    /// The column's position in the schema: its key in `options.dictionaryHistory`.
    let index: Int
    /// Spreads the chunks that retry a dictionary the load's history advises against over
    /// the load's files (same for the same file, so output stays deterministic).
    let trialSeed: Int
    private var chunksFinished = 0
    /// Values and dictionary entries of this chunk already added to the history.
    private var recorded = (values: 0, distinct: 0)

    /// `leaf`: the nested leaf this chunk holds, written with `write(_: ShreddedLeaf)`.
    init(field: Field, index: Int, options: ParquetWriteOptions, trialSeed: Int, leaf: ParquetLeaf? = nil) {
        self.field = field
        path = leaf?.path ?? [field.name]
        nestedLevels = leaf.map { NestedLevelEncoder(maxRepetition: $0.maxRepetition, maxDefinition: $0.maxDefinition) }
        self.index = index
        self.options = options
        self.trialSeed = trialSeed
        layout = SchemaMapping.layout(field.type)
        let dict = options.dictionaryEnabled && options.dictionaryMaxBytes > 0
        switch layout {
        case .boolean: encoder = BooleanEncoder()
        case .int32: encoder = FixedWidthEncoder<Int32>(dictionary: dict) { c in
            if case let .int32(a) = c.storage { return a }; preconditionFailure("int32 storage expected") }
        case .int64: encoder = FixedWidthEncoder<Int64>(dictionary: dict) { c in
            if case let .int64(a) = c.storage { return a }; preconditionFailure("int64 storage expected") }
        case .float: encoder = FixedWidthEncoder<Float>(dictionary: dict) { c in
            if case let .float32(a) = c.storage { return a }; preconditionFailure("float32 storage expected") }
        case .double: encoder = FixedWidthEncoder<Double>(dictionary: dict) { c in
            if case let .float64(a) = c.storage { return a }; preconditionFailure("float64 storage expected") }
        case .byteArray: encoder = ByteArrayEncoder(dictionary: dict)
        case let .fixedLenByteArray(w): encoder = field.type == .uuid ? FixedBytesEncoder(width: w) : FixedDecimalEncoder(width: w)
        }
    }

    /// Converts a column to the storage its physical type's encoder reads (int8/16 and small decimals widen).
    static func physicalColumn(_ c: Column, layout: PhysicalLayout) -> Column {
        let storage: ColumnStorage
        switch (c.storage, layout) {
        case let (.int8(a), _): storage = .int32(a.map { Int32($0) })
        case let (.int16(a), _): storage = .int32(a.map { Int32($0) })
        case let (.decimal(a), .int32): storage = .int32(a.map { Int32(truncatingIfNeeded: $0) })
        case let (.decimal(a), .int64): storage = .int64(a.map { Int64(truncatingIfNeeded: $0) })
        default: return c
        }
        let type: DataType = { if case .int32 = storage { return .int32 }; return .int64 }()
        // swiftlint:disable:next force_try
        return try! Column(type: type, storage: storage, validity: c.validity)
    }

    /// Reads the encoder in place. A plain read of a property of the existential copies the
    /// whole encoder first (each of its buffers retained, then released), about 3× the cost,
    /// and the budget checks of a thousand open partitions read them millions of times.
    @inline(__always) func peek<T>(_ body: (inout any ValueEncoder) -> T) -> T { body(&encoder) }

    /// Bytes this chunk will take so far (pages done + the open page + the dictionary).
    var estimatedBytes: Int { pagesBytes + peek({ $0.pageBytesEstimate }) + levels.byteCount + nestedLevelBytes + peek({ $0.dictionaryBytes }) }

    /// Memory held for the open row group (what a caller's memory budget must count).
    var memoryBytes: Int { pagesBytes + levels.byteCount + nestedLevelBytes + peek({ $0.memoryBytes }) }

    /// Encodes rows `range` of `column` (already converted by `physicalColumn`), cutting pages as they fill.
    func write(_ column: Column, _ range: Range<Int>) throws {
        precondition(!sealed, "ColumnChunkWriter.write after seal")
        if !range.isEmpty { try consultHistory() }
        var start = range.lowerBound
        // Small steps so a page closes near `pageMaxBytes` rather than far past it.
        let step = 4096
        while start < range.upperBound {
            let end = min(start + step, range.upperBound)
            if field.nullable {
                if let v = column.validity {
                    pageNulls += v.words.withUnsafeBufferPointer { appendLevels($0, start ..< end) }
                } else {
                    levels.putRepeated(true, count: end - start)
                }
            }
            encoder.append(column, start ..< end)
            pageRows += end - start
            if peek({ $0.isDictionaryEncoding }) && (peek({ $0.dictionaryBytes }) > options.dictionaryMaxBytes || dictionaryIsUseless()) {
                recordDictionary()
                try flushPage()
                encoder.fallBackToPlain()
            } else if peek({ $0.pageBytesEstimate }) + levels.byteCount >= options.pageMaxBytes {
                try flushPage()
            }
            start = end
        }
        if peek({ $0.isDictionaryEncoding }) { recordDictionary() }
    }

    /// Judged once, on a chunk's first `dictionaryTrialValues` values: when 90% of them are
    /// distinct, the dictionary repeats the values and adds an index to each (parquet-mr
    /// gives up on a dictionary that does not shrink its first page, for the same reason).
    func dictionaryIsUseless() -> Bool {
        guard !dictionaryJudged else { return false }
        let values = chunkRows + pageRows - chunkNulls - pageNulls
        guard values >= Self.dictionaryTrialValues else { return false }
        dictionaryJudged = true
        return peek({ $0.dictionaryCount }) * 10 >= values * 9
    }

    /// A chunk goes on plain (from its next page) once the load's chunks of this column found
    /// their dictionaries useless, except one chunk in `dictionaryRetryChunks`, which keeps the
    /// record current. A writer whose own chunks went plain follows its own verdict and retries
    /// (`plainChunks`): the shared record is for the short chunks that cannot judge themselves.
    func consultHistory() throws {
        guard let history = options.dictionaryHistory, plainChunks == 0, peek({ $0.isDictionaryEncoding }),
              (trialSeed &+ chunksFinished) % Self.dictionaryRetryChunks != 0,
              history.dictionaryWasUseless(column: index, minimumValues: Self.dictionaryTrialValues) else { return }
        try flushPage()
        encoder.fallBackToPlain()
    }

    /// Adds what this chunk's dictionary saw since the last record to the load's history (per
    /// write, not per chunk: the first chunks of a thousand partitions stay open together).
    func recordDictionary() {
        guard let history = options.dictionaryHistory else { return }
        let values = chunkRows + pageRows - chunkNulls - pageNulls, distinct = peek({ $0.dictionaryCount })
        history.record(column: index, values: values - recorded.values, distinct: distinct - recorded.distinct)
        recorded = (values, distinct)
    }

    private func appendLevels(_ words: UnsafeBufferPointer<UInt64>, _ range: Range<Int>) -> Int {
        levels.put(words: words, range)
    }

    /// Longer min/max values are left out of the statistics, as Arrow does (its default
    /// `max_statistics_size`): one 100 MB string would otherwise be copied into the page header
    /// and the footer twice each, tripling the file.
    static let maxStatisticsBytes = 4096

    private func statistics(_ minMax: (min: [UInt8], max: [UInt8])?, nulls: Int) -> Statistics {
        var s = Statistics(nullCount: Int64(nulls))
        if let mm = minMax, mm.min.count <= Self.maxStatisticsBytes, mm.max.count <= Self.maxStatisticsBytes {
            s.minValue = mm.min; s.maxValue = mm.max
            // The legacy fields are only meaningful for signed orders (not byte arrays).
            switch layout {
            case .byteArray, .fixedLenByteArray: break
            default: s.min = mm.min; s.max = mm.max
            }
        }
        return s
    }

    func flushPage() throws {
        guard pageRows > 0 else { return }
        let encoding = try PageScratch.shared.with { scratch in
            if nestedLevels != nil {
                nestedLevels!.finish(into: &scratch.body)
                nestedLevelBytes = 0
            } else if field.nullable {
                scratch.body.append(contentsOf: [0, 0, 0, 0]) // length of the levels, patched below
                levels.finish(into: &scratch.body)
                let n = UInt32(scratch.body.count - 4)
                for k in 0 ..< 4 { scratch.body[k] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(k))) }
            }
            let encoding = encoder.takePage(into: &scratch.body)
            try scratch.body.withUnsafeBytes { try PageCodec.compress(options.compression, $0, into: &scratch.compressed) }
            let stats = statistics(encoder.takePageMinMax(), nulls: pageNulls)
            let header = PageHeader(type: PageType.dataPage.rawValue, uncompressedPageSize: Int32(scratch.body.count),
                                    compressedPageSize: Int32(scratch.compressed.count),
                                    dataPage: DataPageHeader(numValues: Int32(pageRows), encoding: encoding.rawValue,
                                                             definitionLevelEncoding: Encoding.rle.rawValue,
                                                             repetitionLevelEncoding: Encoding.rle.rawValue,
                                                             statistics: stats))
            var w = ThriftCompactWriter()
            header.encode(&w)
            var page = [UInt8]()
            page.reserveCapacity(w.bytes.count + scratch.compressed.count)
            page.append(contentsOf: w.bytes)
            page.append(contentsOf: scratch.compressed)
            pagesBytes += page.count
            pages.append(page)
            uncompressedBytes += w.bytes.count + scratch.body.count
            return encoding
        }
        encodings.insert(encoding.rawValue)
        pageEncodingCounts[encoding.rawValue, default: 0] += 1
        chunkRows += pageRows
        chunkNulls += pageNulls
        pageRows = 0
        pageNulls = 0
    }

    /// The chunk's dictionary page (header + compressed body) and its uncompressed size, made
    /// by `seal`.
    private var sealedDictionary: (page: [UInt8], uncompressed: Int)?
    private(set) var sealed = false

    /// Does the CPU work of finishing the chunk, the open page's encoding and compression and the
    /// dictionary page's, so that a file's columns can do it on all cores before `finishChunk`
    /// writes them out in order.
    func seal() throws {
        guard !sealed else { return }
        try flushPage()
        if let (count, dict) = peek({ $0.dictionaryPage() }) {
            try PageScratch.shared.with { scratch in
                try dict.withUnsafeBytes { try PageCodec.compress(options.compression, $0, into: &scratch.compressed) }
                let header = PageHeader(type: PageType.dictionaryPage.rawValue, uncompressedPageSize: Int32(dict.count),
                                        compressedPageSize: Int32(scratch.compressed.count),
                                        dictionaryPage: DictionaryPageHeader(numValues: Int32(count), encoding: Encoding.plain.rawValue))
                var w = ThriftCompactWriter()
                header.encode(&w)
                var page = w.bytes
                scratch.compressed.withUnsafeBytes { page.append(contentsOf: $0) }
                sealedDictionary = (page, w.bytes.count + dict.count)
            }
        }
        sealed = true
    }

    /// Writes the chunk (dictionary page, then data pages) to `sink` and returns its metadata; resets for the next row group.
    func finishChunk(to sink: FileSink) throws -> ColumnChunk {
        try seal()
        let start = sink.offset
        var dictOffset: Int64?
        var encodingStats: [PageEncodingStats] = []
        var totalUncompressed = uncompressedBytes
        var allEncodings = encodings
        if nestedLevels?.hasLevels ?? field.nullable { allEncodings.insert(Encoding.rle.rawValue) }
        if let dictionary = sealedDictionary {
            dictOffset = start
            try sink.write(dictionary.page)
            totalUncompressed += dictionary.uncompressed
            allEncodings.insert(Encoding.plain.rawValue)
            encodingStats.append(PageEncodingStats(pageType: PageType.dictionaryPage.rawValue, encoding: Encoding.plain.rawValue, count: 1))
        }
        let dataOffset = sink.offset
        for page in pages { try sink.write(page) }
        for (e, n) in pageEncodingCounts.sorted(by: { $0.key < $1.key }) {
            encodingStats.append(PageEncodingStats(pageType: PageType.dataPage.rawValue, encoding: e, count: n))
        }
        let meta = ColumnMetaData(type: layout.type.rawValue, encodings: allEncodings.sorted(), pathInSchema: path,
                                  codec: PageCodec.codecID(options.compression).rawValue, numValues: Int64(chunkRows),
                                  totalUncompressedSize: Int64(totalUncompressed), totalCompressedSize: sink.offset - start,
                                  dataPageOffset: dataOffset, dictionaryPageOffset: dictOffset,
                                  statistics: statistics(peek({ $0.chunkMinMax }), nulls: chunkNulls), encodingStats: encodingStats)
        // A chunk too short to be judged still tells whether its successors need a dictionary.
        let values = chunkRows - chunkNulls
        let wasUseless = peek({ $0.isDictionaryEncoding }) && values >= Self.dictionaryTrialValues / 8 && peek({ $0.dictionaryCount }) * 10 >= values * 9
        let withoutDictionary = wasUseless || !peek({ $0.isDictionaryEncoding }) && (peek({ $0.dictionaryUsed }) || skippedDictionary)
        // Reset for the next row group, releasing memory: a lake load keeps many writers open,
        // and a flushed writer must not go on holding its largest row group's buffers.
        pages = []
        pagesBytes = 0
        sealedDictionary = nil
        sealed = false
        chunkRows = 0; chunkNulls = 0; uncompressedBytes = 0
        encodings.removeAll(); pageEncodingCounts.removeAll()
        plainChunks = withoutDictionary ? plainChunks + 1 : 0
        chunksFinished += 1
        recorded = (0, 0)
        encoder.resetChunk()
        dictionaryJudged = false
        // Building ~1 MiB of dictionary only to drop it costs time on every row group.
        skippedDictionary = plainChunks > 0 && plainChunks % Self.dictionaryRetryChunks != 0
        if skippedDictionary { encoder.fallBackToPlain() }
        return ColumnChunk(fileOffset: start, metaData: meta)
    }
}
