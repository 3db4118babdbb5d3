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
    /// Size and SHA-256 taken as the file was written, when the format's writer takes them.
    var digest: (bytes: Int64, hex: String)?
}

/// Writes batches into per-partition files under a staging folder, rolling over to the next
/// part number when a file reaches `maxFileBytes`.
///
/// When the format asks for it (`joinRows`), small pieces (a partition's few rows out of a
/// source batch) are held, as row selections of their batch, until the partition has that many
/// rows, then gathered and encoded as one: encoding a few rows at a time costs more per row
/// than the values themselves. When the held batches reach their budget, all partitions' rows
/// are gathered, a few MiB of partitions at a time, by moving each held row straight to its
/// place (`RecordBatch.scatter`).
///
/// Memory stays bounded: the batches held pieces keep alive may take `pendingBudget` bytes
/// (past it, every held piece is encoded), writers' buffers `bufferBudget` together (past it,
/// the largest row groups are flushed; a single file's row groups end at the format's own size);
/// a partition idle for `idleBatches` batches has its held pieces encoded and its row group
/// flushed. At most
/// `maxOpenWriters` files are open at once; beyond that the least recently used writer is
/// closed (its file is complete) and later rows of its partition go to its next part number.
final class StagedFileWriters {
    private typealias Piece = (batch: RecordBatch, rows: RowSelection, batchNumber: Int)

    /// One partition folder's state. A class: the per-batch scans and in-place appends to
    /// `pending` must not copy it (a struct in the dictionary was copied on every change).
    private final class Slot {
        let folder: String
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

        init(folder: String, nextPart: Int) {
            self.folder = folder
            self.nextPart = nextPart
        }

        /// Takes the held pieces out.
        func takePending() -> [Piece] {
            defer { pending = []; pendingRows = 0; pendingBytes = 0 }
            return pending
        }
    }

    let format: any DatasetFileFormat
    let schema: Schema
    let stagingFolder: String
    let maxFileBytes: Int64
    let maxOpenWriters: Int
    let firstPart: (String) -> Int
    /// Makes file names unique (`part-0000-{tag}.parquet`): Delta tables' files are never replaced.
    var fileTag: String?
    /// Bytes all open writers may buffer together; past it the largest buffer is
    /// flushed, so peak memory does not grow with partition sizes or the input.
    let bufferBudget: Int
    /// Bytes of source batches that held pieces may keep alive; past it, everything held is encoded.
    let pendingBudget: Int
    /// A partition's held rows are encoded once there are this many; a piece of fewer than an
    /// eighth of it is held. 0 writes everything through.
    let flushRows: Int
    /// Held bytes gathered at once by `drainAll`: a few MiB, so the gathered buffers come from
    /// malloc's heap, already mapped, and the groups spread evenly over the cores; gathering
    /// every partition at once would make buffers of tens of MiB, fresh mappings whose every
    /// page faults in, all held together.
    let gatherBytes: Int
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
    /// Kicked after every `writebackEvery` bytes of source batches, so what row groups reached
    /// the files meanwhile starts going to disk while the load goes on.
    var writeback: BackgroundWriteback?
    var writebackEvery = 64 << 20
    private var bytesSinceKick = 0
    private(set) var rowsWritten: Int64 = 0

    init(format: any DatasetFileFormat, schema: Schema, stagingFolder: String, maxFileBytes: Int64,
         maxOpenWriters: Int, bufferBudget: Int = 64 << 20, pendingBudget: Int = 64 << 20,
         flushRows: Int? = nil, gatherBytes: Int = 2 << 20, firstPart: @escaping (String) -> Int) {
        self.gatherBytes = gatherBytes
        self.bufferBudget = bufferBudget
        self.pendingBudget = pendingBudget
        self.flushRows = max(0, flushRows ?? format.joinRows)
        self.format = format.forOneLoad()
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
        try write(batch, pieces: [(partition, RowSelection.range(0 ..< batch.rowCount))])
    }

    /// Writes each piece's rows of `batch` to its partition's file, straight through when
    /// the piece is large, or held and joined with the partition's other held pieces.
    /// Each partition has at most one piece per batch (`BatchSplitter` groups by partition).
    func write(_ batch: RecordBatch, pieces: [(partition: String?, rows: RowSelection)]) throws {
        let isDirect = { (rows: RowSelection) in self.flushRows == 0 || rows.count >= self.flushRows / 8 }
        let (ordered, direct) = Self.inPieceOrder(batch, pieces.filter { isDirect($0.rows) })
        var next = direct.makeIterator()
        batchCount += 1
        // What holding a piece costs, roughly: its share of the batch's memory (read once: it walks every column).
        let holdCost = batch.bufferBytes
        let bytesPerRow = batch.rowCount > 0 ? Double(holdCost) / Double(batch.rowCount) : 0
        bytesSinceKick += holdCost
        if bytesSinceKick >= writebackEvery, let writeback {
            writeback.kick()
            bytesSinceKick = 0
        }
        for (partition, rows) in pieces {
            let slot = slot(DatasetLayout.folder(partition: partition))
            clock += 1
            slot.lastUse = clock
            slot.lastBatch = batchCount
            if isDirect(rows) {
                // Large enough to encode well on its own; what is held goes first, keeping row order.
                try drain(slot)
                try hand(ordered, rows: next.next()!.rows, to: slot)
                continue
            }
            slot.pending.append((batch, rows, batchCount))
            slot.pendingRows += rows.count
            slot.pendingBytes += Int(bytesPerRow * Double(rows.count))
            heldBatches[batchCount, default: (holdCost, 0)].pieces += 1
            if heldBatches[batchCount]!.pieces == 1 { heldBatchBytes += holdCost }
            if slot.pendingRows >= flushRows { try drain(slot) }
        }
    }

    /// Large pieces listed by row number (a partition's rows scattered through the batch) are
    /// gathered, one piece after the other, in one pass per column: each is then a range.
    private static func inPieceOrder(_ batch: RecordBatch, _ pieces: [(partition: String?, rows: RowSelection)])
        -> (RecordBatch, [(partition: String?, rows: Range<Int>)]) {
        let direct = pieces.compactMap { p -> (partition: String?, rows: Range<Int>)? in
            if case let .range(r) = p.rows { (p.partition, r) } else { nil }
        }
        if direct.count == pieces.count { return (batch, direct) }
        // One gather of all pieces' rows (one pass per column, not one per piece and column).
        var order: [Int] = []
        order.reserveCapacity(pieces.reduce(0) { $0 + $1.rows.count })
        var ranges: [(partition: String?, rows: Range<Int>)] = []
        for p in pieces {
            let start = order.count
            switch p.rows {
            case let .range(r): order.append(contentsOf: r)
            case let .indices(list): order.append(contentsOf: list)
            }
            ranges.append((p.partition, start ..< order.count))
        }
        return (RecordBatch.concatenate([(batch, RowSelection(order[...]))], schema: batch.schema), ranges)
    }

    private func slot(_ folder: String) -> Slot {
        if let s = slots[folder] { return s }
        let s = Slot(folder: folder, nextPart: firstPart(folder))
        slots[folder] = s
        return s
    }

    /// Slots in folder order (deterministic file order for drains and closes).
    private func sortedSlots(where keep: (Slot) -> Bool) -> [Slot] {
        slots.values.filter(keep).sorted { $0.folder < $1.folder }
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
    /// drains and flushes idle partitions, then flushes the largest buffers until they fit
    /// `bufferBudget`.
    func enforceBufferBudget() throws {
        format.settle()
        // Only encoding every held piece surely releases the batches they keep alive.
        if heldBatchBytes > pendingBudget { try drainAll() }
        let idle = sortedSlots { ($0.unflushed || !$0.pending.isEmpty) && $0.lastBatch + idleBatches <= batchCount }
        for s in idle { try drain(s) }
        try flush(idle.filter(\.unflushed))
        guard writersGrew else { return }
        writersGrew = false
        // Each writer's size is read once (it walks every column), largest flushed first; ties
        // by folder, since dictionary order changes from run to run and the output must not.
        let sized = slots.values.filter(\.unflushed).map { ($0, $0.writer!.bufferedBytes) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.folder < $1.0.folder }
        var total = sized.reduce(0) { $0 + $1.1 }
        var chosen: [Slot] = []
        for (slot, bytes) in sized where total > bufferBudget {
            chosen.append(slot)
            total -= bytes
        }
        try flush(chosen)
    }

    /// Ends the open row group of each slot's writer. Flushing compresses and writes each
    /// file's row group: independent, so on all cores.
    private func flush(_ chosen: [Slot]) throws {
        guard !chosen.isEmpty else { return }
        try forEachConcurrently(chosen.map { $0.writer! }) { try $0.flush() }
        for s in chosen { s.unflushed = false }
    }

    /// Encodes a partition's held pieces as one batch, or piece by piece when together they
    /// could carry its file past `maxFileBytes` (so the file rolls over between pieces, as it
    /// would have unheld). Held bytes overestimate encoded ones, so "fits" is safe.
    private func drain(_ slot: Slot) throws {
        guard !slot.pending.isEmpty else { return }
        let fits = joinedFits(slot)
        let pieces = slot.takePending()
        release(pieces)
        if fits {
            let batch = RecordBatch.concatenate(pieces.map { ($0.batch, $0.rows) }, schema: schema)
            try hand(batch, rows: 0 ..< batch.rowCount, to: slot)
        } else {
            for p in pieces {
                let batch = RecordBatch.concatenate([(p.batch, p.rows)], schema: schema)
                try hand(batch, rows: 0 ..< batch.rowCount, to: slot)
            }
        }
    }

    private func joinedFits(_ slot: Slot) -> Bool {
        Int64(slot.pendingBytes) + (slot.writer?.estimatedFileBytes ?? 0) < maxFileBytes
    }

    /// Encodes every partition's held pieces. The partitions go in groups of about
    /// `gatherBytes` held bytes, each on whichever core is free: the group's rows are gathered
    /// into one batch, each partition's contiguous, by moving every held row straight to its
    /// place (`RecordBatch.scatter`, one loop per column and held batch); then each partition
    /// is opened (a new file and folder cost the file system real time) and encoded.
    private func drainAll() throws {
        // Partitions whose pieces could overflow their file drain one by one (see `drain`).
        let jobs = sortedSlots { !$0.pending.isEmpty && joinedFits($0) }
        // Opening them all must not close one just opened (an empty file) to stay under the cap.
        let toOpen = jobs.filter { $0.writer == nil }
        guard jobs.count > 1, openCount + toOpen.count <= maxOpenWriters else {
            return try sortedSlots { !$0.pending.isEmpty }.forEach(drain)
        }
        for s in toOpen { s.path = nextPath(s) }
        typealias Job = (slot: Slot, writer: (any DatasetFileWriter)?, path: String, pieces: [Piece])
        var groups: [[Job]] = [[]]
        var groupBytes = 0
        for s in jobs {
            if groupBytes >= gatherBytes { groups.append([]); groupBytes = 0 }
            groupBytes += s.pendingBytes
            let pieces = s.takePending()
            release(pieces)
            groups[groups.count - 1].append((s, s.writer, s.path, pieces))
        }
        let (schema, format) = (self.schema, self.format)
        // Each job returns the writer it opened even when writing failed, so `abandon` closes it.
        let results = try mapConcurrently(groups) { group -> [(writer: (any DatasetFileWriter)?, error: Error?)] in
            var moves: [Int: (batch: RecordBatch, moves: RowMoves)] = [:]
            var ranges: [Range<Int>] = []
            var total = 0
            for job in group {
                let start = total
                for p in job.pieces {
                    moves[p.batchNumber, default: (p.batch, RowMoves())].moves.append(p.rows, to: total)
                    total += p.rows.count
                }
                ranges.append(start ..< total)
            }
            // Batch order only fixes which source is read first; every row's place is set above.
            let gathered = RecordBatch.scatter(moves.keys.sorted().map { moves[$0]! }, count: total, schema: schema)
            return zip(group, ranges).map { job, rows in
                var writer = job.writer
                do {
                    if writer == nil { writer = try Self.makeWriter(format: format, path: job.path, schema: schema) }
                    try writer!.write(gathered, rows: rows)
                    return (writer, nil)
                } catch { return (writer, error) }
            }
        }.flatMap { $0 }
        let work = groups.flatMap { $0 }
        for (w, r) in zip(work, results) where w.writer == nil && r.writer != nil {
            w.slot.writer = r.writer
            openCount += 1
        }
        if let error = results.lazy.compactMap(\.error).first { throw error }
        for w in work { try wrote(w.pieces.reduce(0) { $0 + $1.rows.count }, to: w.slot) }
        for s in sortedSlots(where: { !$0.pending.isEmpty }) { try drain(s) }
    }

    /// Writes to the slot's open file (opening one when needed).
    private func hand(_ batch: RecordBatch, rows: Range<Int>, to slot: Slot) throws {
        try openWriter(slot)
        try slot.writer!.write(batch, rows: rows)
        try wrote(rows.count, to: slot)
    }

    /// The path of the slot's next part file.
    private func nextPath(_ slot: Slot) -> String {
        stagingFolder + "/" + slot.folder + "/" + DatasetLayout.fileName(part: slot.nextPart, fileExtension: format.fileExtension, tag: fileTag)
    }

    /// Opens the slot's next part file unless one is open, closing the least recently
    /// used writer first when at the cap.
    private func openWriter(_ slot: Slot) throws {
        guard slot.writer == nil else { return }
        if openCount >= maxOpenWriters { try closeLeastRecentlyUsed() }
        slot.path = nextPath(slot)
        slot.writer = try Self.makeWriter(format: format, path: slot.path, schema: schema)
        openCount += 1
    }

    /// Creates the file's folder (one mkdir; its parents only when missing) and a writer.
    /// Safe to call from several threads at once. The `partitions` folder, made with the first
    /// partition's, spreads its subfolders over the disk (`FolderPlacement`).
    private static func makeWriter(format: any DatasetFileFormat, path: String, schema: Schema) throws -> any DatasetFileWriter {
        let dir = (path as NSString).deletingLastPathComponent
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            let parent = (dir as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if (parent as NSString).lastPathComponent == DatasetLayout.partitionsFolder { FolderPlacement.spreadSubfolders(of: parent) }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        return try format.makeWriter(path: path, schema: schema)
    }

    /// Counts rows a writer took; rolls over when its file reaches `maxFileBytes`.
    private func wrote(_ rows: Int, to slot: Slot) throws {
        writersGrew = true
        slot.unflushed = true
        slot.rows += Int64(rows)
        rowsWritten += Int64(rows)
        if slot.writer!.estimatedFileBytes >= maxFileBytes { try close(slot) }
    }

    /// Makes sure a folder has at least one file (an empty `data/part-0000` keeps the schema).
    func ensureFile(partition: String?) throws {
        let folder = DatasetLayout.folder(partition: partition)
        if slots[folder] == nil { try write(RecordBatch.empty(schema), partition: partition) }
    }

    /// Encodes what is held and closes every open file; returns all staged files in folder and part order.
    func finish() throws -> [StagedFile] {
        format.settle()
        try drainAll()
        // Closing writes each file's last row group and footer: independent, so on all cores.
        let open = sortedSlots { $0.writer != nil }
        let rows = try mapConcurrently(open.map { $0.writer! }) { try $0.close() }
        for (slot, n) in zip(open, rows) { record(slot, writerRows: n) }
        return finished.sorted { ($0.folder, $0.fileName) < ($1.folder, $1.fileName) }
    }

    /// Best-effort close after a failure (the staging folder is deleted next).
    func abandon() {
        for s in slots.values { _ = try? s.writer?.close(); s.writer = nil }
        openCount = 0
    }

    private func closeLeastRecentlyUsed() throws {
        guard let victim = slots.values.filter({ $0.writer != nil }).min(by: { $0.lastUse < $1.lastUse }) else { return }
        try close(victim)
    }

    private func close(_ slot: Slot) throws {
        guard let writer = slot.writer else { return }
        try record(slot, writerRows: writer.close())
    }

    /// A closed file joins `finished`; the partition's next file takes the next part number.
    private func record(_ slot: Slot, writerRows rows: Int64) {
        guard let writer = slot.writer else { return }
        slot.writer = nil
        slot.unflushed = false
        openCount -= 1
        let folder = slot.folder
        let partition = folder == DatasetLayout.unpartitionedFolder ? nil : String(folder.dropFirst(DatasetLayout.partitionsFolder.count + 1))
        finished.append(StagedFile(partition: partition, folder: folder,
                                   fileName: (slot.path as NSString).lastPathComponent, path: slot.path,
                                   rows: slot.rows, writerRows: rows, digest: writer.writtenDigest))
        slot.nextPart += 1
        slot.rows = 0
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
