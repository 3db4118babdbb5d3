import Dispatch
import Foundation

/// Everything a pass over the file needs, fixed when the reader opens.
struct StreamPlan: Sendable {
    let path: String
    let encoding: DetectedEncoding
    let encodingErrors: EncodingErrorPolicy
    /// Decoded bytes before the first data row (skipped lines and the header).
    let dataStartOffset: Int
    let dataStartLine: Int
    let settings: ParseSettings
    let chunkRows: Int
    let blockByteLimit: Int
    let readSize: Int
    let maxRecordBytes: Int
    let maxInFlight: Int
}

/// Where one block of a completed pass began and ended: enough to cut the same blocks again
/// without scanning for record ends or counting lines.
struct BlockCut: Sendable {
    let bytes: Int
    let startLine: Int
    let lineEnds: Int
}

/// How a completed pass over a UTF-8 file cut it, so the next pass over the unchanged file
/// can read the same blocks as they are: the bytes were validated and the records split
/// once already. Used only while the file's identity (inode, size, mtime) is unchanged.
struct PassReplay: Sendable {
    let identity: FileIdentity
    /// File offset of the first data byte (after the BOM, skipped lines and header).
    let dataOffset: Int64
    let blocks: [BlockCut]
}

/// One pass: a producer thread reads, transcodes and cuts the text into blocks of whole
/// records; blocks are parsed and staged on the global queue (both cores) and handed out
/// strictly in file order. At most `maxInFlight` blocks exist at once, so memory stays bounded.
/// `stage` is the pass's work on each parsed chunk (see `CSVPass`); its result travels with
/// the chunk, nil only for a block without rows.
final class ChunkPipeline<Staged>: @unchecked Sendable {
    enum Item { case block(ParsedBlock, Staged?), failure(CSVError) }

    private let plan: StreamPlan
    private let stage: @Sendable (FieldChunk) -> Staged
    private let replay: PassReplay?
    private let releaseStagedChunks: Bool
    /// Sees every byte of the file, in order, on the reading thread (replaying or cutting).
    private let fileBytes: ((UnsafeRawBufferPointer) -> Void)?
    /// Blocks cut so far (producer thread), and the whole pass's cuts once it ended cleanly.
    private var cuts: [BlockCut] = []
    private var completedPass: PassReplay?
    /// This pass read a previous pass's blocks instead of cutting its own.
    private var replayed = false
    private let handoff: OrderedHandoff<Item>
    /// Guards the producer's progress and the spare buffers below.
    private let cond = NSCondition()
    private var bytesConsumed: Int64 = 0
    /// Block buffers already parsed, for the producer's next blocks (under `cond`). Reusing
    /// a few buffers instead of allocating one per block keeps RSS from drifting up with the
    /// input: freed multi-MiB buffers were scattered over malloc's arenas and stayed resident.
    private var spareBlocks: [[UInt8]] = []
    /// Released chunks whose arrays the next parse jobs write into (under `cond`), for the same
    /// reason: a multi-MiB field copy per block, allocated and freed on whichever thread.
    private var spareChunks: [FieldChunk] = []

    init(plan: StreamPlan, stage: @escaping @Sendable (FieldChunk) -> Staged, releaseStagedChunks: Bool = false,
         replay: PassReplay? = nil, fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        self.plan = plan
        self.fileBytes = fileBytes
        self.stage = stage
        self.releaseStagedChunks = releaseStagedChunks
        self.replay = replay
        handoff = OrderedHandoff(maxInFlight: plan.maxInFlight)
        let thread = Thread { [self] in
            produce()
            handoff.producerFinished()
        }
        thread.name = "inlet.csv.reader"
        thread.start()
    }

    var bytesRead: Int64 { cond.lock(); defer { cond.unlock() }; return bytesConsumed }

    /// The cuts of this pass when it read the whole file without error and they can be
    /// replayed (UTF-8 that had to be valid, so decoded offsets are file offsets).
    var replayable: PassReplay? { cond.lock(); defer { cond.unlock() }; return completedPass }

    var didReplay: Bool { cond.lock(); defer { cond.unlock() }; return replayed }

    /// UTF-8 failing on invalid bytes: what a pass decodes is the file's bytes as they are.
    private var decodesToItself: Bool { plan.encoding.encoding == .utf8 && plan.encodingErrors == .fail }

    /// The next item in file order, or nil at the end.
    func next() -> Item? { handoff.next() }

    /// Stops the producer and waits for it to exit.
    func cancel() { handoff.cancel() }

    private func fail(_ error: CSVError) {
        if let seq = handoff.reserveSlot() { handoff.deliver(.failure(error), at: seq) }
    }

    private func produce() {
        do {
            if let replay, try runReplay(replay) { return }
            try runProducer()
        } catch let error as CSVError {
            fail(error)
        } catch {
            fail(CSVError(file: plan.path, line: 0, kind: .io("\(error)")))
        }
    }

    /// Reads the blocks a previous pass cut, as they are: no validation, no record splitting,
    /// no line counting. False (nothing done) when the file is no longer the one cut.
    private func runReplay(_ replay: PassReplay) throws -> Bool {
        let input = try FileInput(path: plan.path)
        guard input.identity == replay.identity, !input.isCompressed else { return false }
        // The observer sees the whole file: the bytes before the first data row (BOM, header) too.
        input.onFileBytes = fileBytes
        if fileBytes != nil { _ = try input.readPrefix(Int(replay.dataOffset)) }
        try input.seek(to: replay.dataOffset)
        cond.lock(); bytesConsumed = replay.dataOffset; replayed = true; cond.unlock()
        let changed = CSVError(file: plan.path, line: 0, kind: .io("the file changed while it was being read; load it again once it is complete"))
        for cut in replay.blocks {
            var block = newBlock(reserving: cut.bytes)
            block.append(contentsOf: repeatElement(0, count: cut.bytes))
            let n = try block.withUnsafeMutableBytes { try input.read(into: $0.baseAddress!, count: cut.bytes) }
            cond.lock(); bytesConsumed = input.fileOffset; cond.unlock()
            let stop = handoff.isCancelled
            if stop { return true }
            guard n == cut.bytes else { throw changed }
            block.append(contentsOf: repeatElement(0, count: scanPadding))
            guard emit(block, startLine: cut.startLine, lineEnds: cut.lineEnds) else { return true }
        }
        if fileBytes != nil {
            // Bytes after the last cut (none while the file is unchanged): the observer sees them all.
            var tail = [UInt8](repeating: 0, count: 64 << 10)
            while try tail.withUnsafeMutableBytes({ try input.read(into: $0.baseAddress!, count: $0.count) }) > 0 {}
        }
        // Bytes read unvalidated must be the ones validated: the file may not have changed meanwhile.
        guard input.identity == replay.identity else { throw changed }
        return true
    }

    private func runProducer() throws {
        let input = try FileInput(path: plan.path)
        input.onFileBytes = fileBytes
        // A pass over a gzip file cannot be replayed: its text offsets are not file offsets.
        let identity = decodesToItself && !input.isCompressed ? input.identity : nil
        let bomLength = plan.encoding.hadBOM ? EncodingDetector.bom(of: plan.encoding.encoding).count : 0
        var transcoder = try makeTranscoder(plan.encoding.encoding, policy: plan.encodingErrors, startOffset: Int64(bomLength))
        var splitter = RecordSplitter(delimiter: plan.settings.delimiter, quote: plan.settings.quote)
        let readBuffer = UnsafeMutableRawPointer.allocate(byteCount: plan.readSize, alignment: 64)
        defer { readBuffer.deallocate() }
        var toSkip = plan.dataStartOffset
        var bomLeft = bomLength
        var line = plan.dataStartLine
        var block = newBlock(reserving: 0)

        while true {
            var n = try input.read(into: readBuffer, count: plan.readSize)
            cond.lock(); bytesConsumed = input.fileOffset; cond.unlock()
            let stop = handoff.isCancelled
            if stop { return }
            let final = n == 0
            var start = 0
            if bomLeft > 0 { start = min(bomLeft, n); bomLeft -= start; n -= start }
            let raw = UnsafeBufferPointer(start: readBuffer.assumingMemoryBound(to: UInt8.self) + start, count: n)
            let failure = transcoder.transcode(raw, final: final, into: &block)
            if toSkip > 0 {
                let k = min(toSkip, block.count)
                block.removeFirst(k)
                toSkip -= k
            }
            ensurePadding(&block)
            let last = final && failure == nil
            while true {
                let cut = block.withUnsafeBufferPointer { b in
                    splitter.nextCut(b.baseAddress!, b.count, final: last, rowLimit: plan.chunkRows, byteLimit: plan.blockByteLimit)
                }
                guard let cut else { break }
                var rest = newBlock(reserving: block.count - cut)
                rest.append(contentsOf: block[cut...])
                block.removeLast(block.count - cut)
                guard emit(&block, line: &line, lineEnds: splitter.cutLineEnds) else { return }
                block = rest
                ensurePadding(&block)
            }
            if let failure {
                let errorLine = line + block.withUnsafeBufferPointer { countLineEnds($0.baseAddress!, $0.count) }
                let hint = plan.encoding.assumedFromASCII
                    ? "the first \(EncodingDetector.sampleSize >> 20) MiB was plain ASCII, so UTF-8 was assumed; set the encoding, e.g. --encoding cp932 or windows-1252"
                    : nil
                fail(CSVError(file: plan.path, line: errorLine,
                              kind: .invalidBytes(encoding: plan.encoding.encoding, byteOffset: failure.byteOffset,
                                                    bytes: input.bytes(at: failure.byteOffset, count: 4), hint: hint)))
                return
            }
            if final {
                // The last call scanned the whole rest (`final`), so its count is the block's.
                if !block.isEmpty { guard emit(&block, line: &line, lineEnds: splitter.lineEnds) else { return } }
                if let identity, input.identity == identity {
                    let pass = PassReplay(identity: identity, dataOffset: Int64(bomLength + plan.dataStartOffset), blocks: cuts)
                    cond.lock(); completedPass = pass; cond.unlock()
                }
                return
            }
            if block.count > plan.maxRecordBytes {
                // One record has grown past the limit: parse what we have as the final block.
                // An open quote then reports where it started; anything else is too long.
                let startLine = line
                let lineEnds = padForParse(&block)
                let parsed = block.withUnsafeBufferPointer {
                    parseBlock(UnsafeBufferPointer(rebasing: $0[0..<($0.count - scanPadding)]), startLine: startLine, lineEnds: lineEnds, settings: plan.settings)
                }
                if let error = parsed.error, error.kind == .unterminatedQuote {
                    fail(CSVError(file: plan.path, line: error.line, kind: .recordTooLong(limit: plan.maxRecordBytes, quoteOpen: true)))
                } else {
                    // The unfinished record was parsed last: as a row, a bad row or the error.
                    let recordLine = parsed.error?.line ?? max(parsed.chunk.lines.last ?? startLine, parsed.badRows.last?.line ?? startLine)
                    fail(CSVError(file: plan.path, line: recordLine, kind: .recordTooLong(limit: plan.maxRecordBytes, quoteOpen: false)))
                }
                return
            }
        }
    }

    private func newBlock(reserving extra: Int) -> [UInt8] {
        let capacity = max(plan.blockByteLimit, extra) + 4 * plan.readSize + 2 * scanPadding
        cond.lock()
        var b = spareBlocks.popLast() ?? []
        cond.unlock()
        b.removeAll(keepingCapacity: true)
        b.reserveCapacity(capacity)
        return b
    }

    /// Takes back a block buffer its parse job is done with.
    private func recycle(_ block: inout [UInt8]) {
        var spare: [UInt8] = []
        swap(&spare, &block)
        cond.lock()
        if spareBlocks.count <= plan.maxInFlight { spareBlocks.append(spare) }
        cond.unlock()
    }

    private func takeSpareChunk() -> FieldChunk {
        cond.lock(); defer { cond.unlock() }
        return spareChunks.popLast() ?? FieldChunk(columnCount: 0)
    }

    /// Takes back a staged chunk's arrays for later parse jobs.
    private func recycle(_ chunk: consuming FieldChunk) {
        cond.lock()
        if spareChunks.count <= plan.maxInFlight { spareChunks.append(chunk) }
        cond.unlock()
    }

    /// Scans read up to 32 bytes past the end: keep that much capacity.
    private func ensurePadding(_ block: inout [UInt8]) {
        if block.capacity < block.count + scanPadding {
            block.reserveCapacity(block.count * 2 + scanPadding)
        }
    }

    /// Appends the zero padding the parser needs and returns the block's line ends.
    private func padForParse(_ block: inout [UInt8]) -> Int {
        let n = block.count
        pad(&block)
        return block.withUnsafeBufferPointer { countLineEnds($0.baseAddress!, n) }
    }

    private func pad(_ block: inout [UInt8]) {
        block.append(contentsOf: repeatElement(0, count: scanPadding))
    }

    /// Hands a block of whole records, holding `lineEnds` line ends (the splitter counted
    /// them), to a parse job; false when cancelled.
    private func emit(_ block: inout [UInt8], line: inout Int, lineEnds: Int) -> Bool {
        let count = block.count
        pad(&block)
        // Debug builds (the tests) check the splitter's count against a pass of its own.
        assert(lineEnds == block.withUnsafeBufferPointer { countLineEnds($0.baseAddress!, count) },
               "RecordSplitter counted \(lineEnds) line ends in a block that has others")
        if decodesToItself { cuts.append(BlockCut(bytes: count, startLine: line, lineEnds: lineEnds)) }
        let startLine = line
        line += lineEnds
        var padded: [UInt8] = []
        swap(&padded, &block)
        return emit(padded, startLine: startLine, lineEnds: lineEnds)
    }

    /// Hands a padded block starting at `startLine` and holding `lineEnds` line ends to a
    /// parse job; false when cancelled.
    private func emit(_ block: consuming [UInt8], startLine: Int, lineEnds: Int) -> Bool {
        guard let seq = handoff.reserveSlot() else { return false }
        // Handed over in a box so the job holds the only reference and can recycle it.
        let box = BlockBox()
        box.bytes = block
        let settings = plan.settings
        DispatchQueue.global().async { [self] in
            var bytes: [UInt8] = []
            swap(&bytes, &box.bytes)
            let spare = takeSpareChunk()
            var parsed = bytes.withUnsafeBufferPointer {
                parseBlock(UnsafeBufferPointer(rebasing: $0[0..<($0.count - scanPadding)]), startLine: startLine, lineEnds: lineEnds,
                           settings: settings, reusing: spare)
            }
            recycle(&bytes)
            var staged: Staged?
            if parsed.rows > 0 {
                staged = stage(parsed.chunk)
                // Released here, on the parse thread, instead of after delivery; its arrays
                // go to the next parse job.
                if releaseStagedChunks {
                    var used = FieldChunk(columnCount: settings.columnCount)
                    swap(&used, &parsed.chunk)
                    recycle(used)
                }
            }
            handoff.deliver(.block(parsed, staged), at: seq)
        }
        return true
    }
}

/// Moves a block to its parse job without a second reference (see `ChunkPipeline.recycle`).
private final class BlockBox: @unchecked Sendable {
    var bytes: [UInt8] = []
}
