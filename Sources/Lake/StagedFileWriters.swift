import Columnar
import Dispatch
import Foundation

/// One finished file in staging.
struct StagedFile {
    var partition: String?
    /// `data` or `partitions/date=…`, relative to the dataset folder and to the run's staging folder.
    var folder: String
    var fileName: String
    var path: String
    /// Rows handed to the writer, and the count its `close` reported.
    var rows: Int64
    var writerRows: Int64
}

/// Writes batches into per-partition files under a staging folder, rolling over to the next
/// part number when a file reaches `maxFileBytes`.
///
/// When the format asks for it (`joinRows`), small pieces (a partition's few rows out of a
/// source batch) are held as columns until the partition has that many rows, then encoded as
/// one: encoding a few rows at a time costs more per row than the values themselves.
///
/// Memory stays bounded: the batches held pieces keep alive may take `pendingBudget` bytes
/// (past it, every held piece is encoded), writers' buffers `bufferBudget` together (past it,
/// the largest row groups are flushed) and `writerBudget` each; a partition idle for `idleBatches`
/// batches has its held pieces encoded and its row group flushed. At most
/// `maxOpenWriters` files are open at once; beyond that the least recently used writer is
/// closed (its file is complete) and later rows of its partition go to its next part number.
final class StagedFileWriters {
    private typealias Piece = (batch: RecordBatch, rows: Range<Int>, batchNumber: Int)
    private struct Slot {
        var writer: (any DatasetFileWriter)?
        var path = ""
        var nextPart: Int
        var lastUse = 0
        /// The source batch that last wrote here, and whether rows wait in an open row group.
        var lastBatch = 0
        var unflushed = false
        /// Rows handed to the open file's writer.
        var rows: Int64 = 0
        /// Pieces not yet handed to a writer, in arrival order, with the number of their source batch.
        var pending: [Piece] = []
        var pendingRows = 0
        var pendingBytes = 0
    }

    let format: any DatasetFileFormat
    let schema: Schema
    let stagingFolder: String
    let maxFileBytes: Int64
    let maxOpenWriters: Int
    let firstPart: (String) -> Int
    /// Bytes all open writers may buffer together; past it the largest buffer is
    /// flushed, so peak memory does not grow with partition sizes or the input.
    let bufferBudget: Int
    /// Bytes one writer may buffer: its row group ends there. This bounds a single file's
    /// memory well below `bufferBudget` (still row groups of 10^5 rows and more).
    let writerBudget: Int
    /// Bytes of source batches that held pieces may keep alive; past it, everything held is encoded.
    let pendingBudget: Int
    /// A partition's held rows are encoded once there are this many; a piece of fewer than an
    /// eighth of it is held. 0 writes everything through.
    let flushRows: Int
    private var slots: [String: Slot] = [:]
    private var openCount = 0
    private var clock = 0
    private var batchCount = 0
    /// A partition not written for this many source batches has its held pieces encoded and
    /// its row group flushed: with sorted input it is complete, and would only sit in memory.
    let idleBatches = 2
    /// Source batches some held piece keeps alive (a piece keeps its whole batch), by batch
    /// number: their bytes and how many held pieces point into them.
    private var heldBatches: [Int: (bytes: Int, pieces: Int)] = [:]
    /// The sum of `heldBatches`' bytes, compared with `pendingBudget`.
    private var heldBatchBytes = 0
    /// Some writer's buffer grew since the budget was last checked.
    private var writersGrew = false
    private(set) var finished: [StagedFile] = []
    private(set) var rowsWritten: Int64 = 0

    init(format: any DatasetFileFormat, schema: Schema, stagingFolder: String, maxFileBytes: Int64,
         maxOpenWriters: Int, bufferBudget: Int = 64 << 20, writerBudget: Int = 16 << 20,
         pendingBudget: Int = 64 << 20, flushRows: Int? = nil, firstPart: @escaping (String) -> Int) {
        self.bufferBudget = bufferBudget
        self.writerBudget = writerBudget
        self.pendingBudget = pendingBudget
        self.flushRows = max(0, flushRows ?? format.joinRows)
        self.format = format
        self.schema = schema
        self.stagingFolder = stagingFolder
        self.maxFileBytes = maxFileBytes
        self.maxOpenWriters = max(1, maxOpenWriters)
        self.firstPart = firstPart
    }

    var openWriters: Int { openCount }
    /// Bytes of the source batches held pieces keep alive.
    var heldBytes: Int { heldBatchBytes }

    /// Writes all of `batch` to the partition's file.
    func write(_ batch: RecordBatch, partition: String?) throws {
        try write(batch, pieces: [(partition, 0 ..< batch.rowCount)])
    }

    /// Writes each piece's rows of `batch` to its partition's file (a batch ordered by
    /// partition, one contiguous range per partition).
    func write(_ batch: RecordBatch, pieces: [(partition: String?, rows: Range<Int>)]) throws {
        batchCount += 1
        // A piece's share of the batch's memory: what holding it costs, roughly.
        let bytesPerRow = batch.rowCount > 0 ? Double(batch.bufferBytes) / Double(batch.rowCount) : 0
        for (partition, rows) in pieces {
            let folder = DatasetLayout.folder(partition: partition)
            var slot = slots[folder] ?? Slot(nextPart: firstPart(folder))
            clock += 1
            slot.lastUse = clock
            slot.lastBatch = batchCount
            if flushRows == 0 || rows.count >= flushRows / 8 {
                // Large enough to encode well on its own; what is held goes first, keeping row order.
                slots[folder] = slot
                try drain(folder)
                try hand(batch, rows: rows, to: folder)
                continue
            }
            slot.pending.append((batch, rows, batchCount))
            slot.pendingRows += rows.count
            slot.pendingBytes += Int(bytesPerRow * Double(rows.count))
            slots[folder] = slot
            heldBatches[batchCount, default: (batch.bufferBytes, 0)].pieces += 1
            if heldBatches[batchCount]!.pieces == 1 { heldBatchBytes += batch.bufferBytes }
            if slot.pendingRows >= flushRows { try drain(folder) }
        }
    }

    /// Pieces leave the hold (they are being encoded): a batch no piece points into is released.
    private func release(_ pieces: [Piece]) {
        for p in pieces {
            heldBatches[p.batchNumber]!.pieces -= 1
            if heldBatches[p.batchNumber]!.pieces == 0 {
                heldBatchBytes -= heldBatches.removeValue(forKey: p.batchNumber)!.bytes
            }
        }
    }

    /// Called once per source batch (not per partition write: that would cost open writers ×
    /// partitions per batch): encodes every held piece when their batches pass `pendingBudget`,
    /// drains and flushes idle partitions, then flushes writers past `writerBudget` and the
    /// largest buffers until they fit `bufferBudget`.
    func enforceBufferBudget() throws {
        // Only encoding every held piece surely releases the batches they keep alive.
        if heldBatchBytes > pendingBudget { try drainAll() }
        let idle = slots.filter { ($0.value.unflushed || !$0.value.pending.isEmpty) && $0.value.lastBatch + idleBatches <= batchCount }
            .keys.sorted()
        for f in idle { try drain(f) }
        try flush(idle.filter { slots[$0]!.unflushed })
        guard writersGrew else { return }
        writersGrew = false
        // Each writer's size is read once (it walks every column), largest flushed first.
        let sized = slots.filter { $0.value.unflushed }.map { ($0.key, $0.value.writer!.bufferedBytes) }
            .sorted { $0.1 > $1.1 }
        var total = sized.reduce(0) { $0 + $1.1 }
        var chosen: [String] = []
        for (folder, bytes) in sized where bytes > writerBudget || total > bufferBudget {
            chosen.append(folder)
            total -= bytes
        }
        try flush(chosen)
    }

    /// Ends the open row group of each folder's writer. Flushing compresses and writes each
    /// file's row group: independent, so on all cores.
    private func flush(_ folders: [String]) throws {
        guard !folders.isEmpty else { return }
        try forEachConcurrently(folders.map { slots[$0]!.writer! }) { try $0.flush() }
        for f in folders { slots[f]!.unflushed = false }
    }

    /// Encodes a partition's held pieces as one batch, or piece by piece when together they
    /// could carry its file past `maxFileBytes` (so the file rolls over between pieces, as it
    /// would have unheld). Held bytes overestimate encoded ones, so "fits" is safe.
    private func drain(_ folder: String) throws {
        guard var slot = slots[folder], !slot.pending.isEmpty else { return }
        let pieces = slot.pending
        let fits = joinedFits(slot)
        slot.pending = []
        slot.pendingRows = 0
        slot.pendingBytes = 0
        slots[folder] = slot
        release(pieces)
        if fits {
            let batch = RecordBatch.concatenate(pieces.map { ($0.batch, $0.rows) }, schema: schema)
            try hand(batch, rows: 0 ..< batch.rowCount, to: folder)
        } else {
            for p in pieces { try hand(p.batch, rows: p.rows, to: folder) }
        }
    }

    private func joinedFits(_ slot: Slot) -> Bool {
        Int64(slot.pendingBytes) + (slot.writer?.estimatedFileBytes ?? 0) < maxFileBytes
    }

    /// Encodes every partition's held pieces. Partitions are independent: their files are
    /// opened here, then each is joined and encoded on whichever core is free.
    private func drainAll() throws {
        // Partitions whose pieces could overflow their file drain one by one (see `drain`).
        let folders = slots.filter { !$0.value.pending.isEmpty && joinedFits($0.value) }.keys.sorted()
        // Opening them all must not close one just opened (an empty file) to stay under the cap.
        let toOpen = folders.filter { slots[$0]!.writer == nil }.count
        guard folders.count > 1, openCount + toOpen <= maxOpenWriters else { return try slots.keys.sorted().forEach(drain) }
        for f in folders { try openWriter(f) }
        let jobs = folders.map { f in (folder: f, writer: slots[f]!.writer!, pieces: slots[f]!.pending) }
        for j in jobs {
            slots[j.folder]!.pending = []; slots[j.folder]!.pendingRows = 0; slots[j.folder]!.pendingBytes = 0
            release(j.pieces)
        }
        let schema = self.schema
        try forEachConcurrently(jobs) { job in
            let batch = RecordBatch.concatenate(job.pieces.map { ($0.batch, $0.rows) }, schema: schema)
            try job.writer.write(batch, rows: 0 ..< batch.rowCount)
        }
        for j in jobs { try wrote(j.pieces.reduce(0) { $0 + $1.rows.count }, to: j.folder) }
        for f in slots.keys.sorted() { try drain(f) }
    }

    /// Writes to the folder's open file (opening one when needed).
    private func hand(_ batch: RecordBatch, rows: Range<Int>, to folder: String) throws {
        try openWriter(folder)
        try slots[folder]!.writer!.write(batch, rows: rows)
        try wrote(rows.count, to: folder)
    }

    /// Opens the folder's next part file unless one is open, closing the least recently
    /// used writer first when at the cap.
    private func openWriter(_ folder: String) throws {
        guard slots[folder]!.writer == nil else { return }
        if openCount >= maxOpenWriters { try closeLeastRecentlyUsed() }
        var slot = slots[folder]!
        let dir = stagingFolder + "/" + folder
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        slot.path = dir + "/" + DatasetLayout.fileName(part: slot.nextPart, fileExtension: format.fileExtension)
        slot.writer = try format.makeWriter(path: slot.path, schema: schema)
        openCount += 1
        slots[folder] = slot
    }

    /// Counts rows a writer took; rolls over when its file reaches `maxFileBytes`.
    private func wrote(_ rows: Int, to folder: String) throws {
        writersGrew = true
        slots[folder]!.unflushed = true
        slots[folder]!.rows += Int64(rows)
        rowsWritten += Int64(rows)
        if slots[folder]!.writer!.estimatedFileBytes >= maxFileBytes { try close(folder) }
    }

    /// Makes sure a folder has at least one file (an empty `data/part-0000` keeps the schema).
    func ensureFile(partition: String?) throws {
        let folder = DatasetLayout.folder(partition: partition)
        if slots[folder] == nil { try write(RecordBatch.empty(schema), partition: partition) }
    }

    /// Encodes what is held and closes every open file; returns all staged files in folder and part order.
    func finish() throws -> [StagedFile] {
        try drainAll()
        // Closing writes each file's last row group and footer: independent, so on all cores.
        let open = slots.filter { $0.value.writer != nil }.keys.sorted()
        let rows = try mapConcurrently(open.map { slots[$0]!.writer! }) { try $0.close() }
        for (folder, n) in zip(open, rows) { record(folder, writerRows: n) }
        return finished.sorted { ($0.folder, $0.fileName) < ($1.folder, $1.fileName) }
    }

    /// Best-effort close after a failure (the staging folder is deleted next).
    func abandon() {
        for folder in slots.keys { _ = try? slots[folder]?.writer?.close(); slots[folder]?.writer = nil }
        openCount = 0
    }

    private func closeLeastRecentlyUsed() throws {
        guard let victim = slots.filter({ $0.value.writer != nil }).min(by: { $0.value.lastUse < $1.value.lastUse })?.key else { return }
        try close(victim)
    }

    private func close(_ folder: String) throws {
        guard let writer = slots[folder]?.writer else { return }
        try record(folder, writerRows: writer.close())
    }

    /// A closed file joins `finished`; the partition's next file takes the next part number.
    private func record(_ folder: String, writerRows rows: Int64) {
        guard var slot = slots[folder], slot.writer != nil else { return }
        slot.writer = nil
        slot.unflushed = false
        openCount -= 1
        let partition = folder == DatasetLayout.unpartitionedFolder ? nil : String(folder.dropFirst(DatasetLayout.partitionsFolder.count + 1))
        finished.append(StagedFile(partition: partition, folder: folder,
                                   fileName: (slot.path as NSString).lastPathComponent, path: slot.path,
                                   rows: slot.rows, writerRows: rows))
        slot.nextPart += 1
        slot.rows = 0
        slots[folder] = slot
    }
}

/// `body` over `items` on all cores (each call touches only its own item); the first error
/// in item order is rethrown after all calls finish.
func mapConcurrently<T, R>(_ items: [T], _ body: (T) throws -> R) throws -> [R] {
    let results = UnsafeMutableBufferPointer<Result<R, Error>?>.allocate(capacity: items.count)
    results.initialize(repeating: nil)
    defer { results.deinitialize(); results.deallocate() }
    DispatchQueue.concurrentPerform(iterations: items.count) { i in results[i] = Result { try body(items[i]) } }
    return try results.map { try $0!.get() }
}

func forEachConcurrently<T>(_ items: [T], _ body: (T) throws -> Void) throws {
    _ = try mapConcurrently(items, body)
}
