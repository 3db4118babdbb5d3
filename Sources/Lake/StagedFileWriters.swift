import Columnar
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
/// Memory stays bounded: at most `maxOpenWriters` files are open at once. When a new partition
/// needs a writer beyond that, the least recently used writer is closed (its file is complete)
/// and, if that partition receives more rows later, they continue in its next part number.
final class StagedFileWriters {
    private struct Slot {
        var writer: (any DatasetFileWriter)?
        var path = ""
        var nextPart: Int
        var lastUse = 0
        var rows: Int64 = 0
    }

    let format: any DatasetFileFormat
    let schema: Schema
    let stagingFolder: String
    let maxFileBytes: Int64
    let maxOpenWriters: Int
    let firstPart: (String) -> Int
    /// Memory all open writers may buffer together; past it the largest buffer is flushed,
    /// so peak memory does not grow with partition sizes or the input.
    let bufferBudget: Int
    private var slots: [String: Slot] = [:]
    private var openCount = 0
    private var clock = 0
    private(set) var finished: [StagedFile] = []
    private(set) var rowsWritten: Int64 = 0

    init(format: any DatasetFileFormat, schema: Schema, stagingFolder: String, maxFileBytes: Int64,
         maxOpenWriters: Int, bufferBudget: Int = 32 << 20, firstPart: @escaping (String) -> Int) {
        self.bufferBudget = bufferBudget
        self.format = format
        self.schema = schema
        self.stagingFolder = stagingFolder
        self.maxFileBytes = maxFileBytes
        self.maxOpenWriters = max(1, maxOpenWriters)
        self.firstPart = firstPart
    }

    var openWriters: Int { openCount }

    func write(_ batch: RecordBatch, partition: String?) throws {
        let folder = DatasetLayout.folder(partition: partition)
        var slot = slots[folder] ?? Slot(nextPart: firstPart(folder))
        if slot.writer == nil {
            if openCount >= maxOpenWriters { try closeLeastRecentlyUsed() }
            let dir = stagingFolder + "/" + folder
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            slot.path = dir + "/" + DatasetLayout.fileName(part: slot.nextPart, fileExtension: format.fileExtension)
            slot.writer = try format.makeWriter(path: slot.path, schema: schema)
            openCount += 1
        }
        clock += 1
        slot.lastUse = clock
        try slot.writer!.write(batch)
        slot.rows += Int64(batch.rowCount)
        rowsWritten += Int64(batch.rowCount)
        slots[folder] = slot
        if slot.writer!.estimatedFileBytes >= maxFileBytes { try close(folder) }
    }

    /// Called once per source batch (not per partition write: that would cost open writers ×
    /// partitions per batch): flushes the largest buffers until all fit the budget.
    func enforceBufferBudget() throws {
        // Each writer's size is read once (it walks every column), largest flushed first.
        let sized = slots.values.compactMap(\.writer).map { ($0, $0.bufferedBytes) }
        var total = sized.reduce(0) { $0 + $1.1 }
        guard total > bufferBudget else { return }
        for (writer, bytes) in sized.sorted(by: { $0.1 > $1.1 }) where total > bufferBudget && bytes > 0 {
            try writer.flush()
            total -= bytes
        }
    }


    /// Makes sure a folder has at least one file (an empty `data/part-0000` keeps the schema).
    func ensureFile(partition: String?) throws {
        let folder = DatasetLayout.folder(partition: partition)
        if slots[folder] == nil { try write(RecordBatch.empty(schema), partition: partition) }
    }

    /// Closes every open file; returns all staged files in folder and part order.
    func finish() throws -> [StagedFile] {
        for folder in slots.keys.sorted() where slots[folder]?.writer != nil { try close(folder) }
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
        guard var slot = slots[folder], let writer = slot.writer else { return }
        let rows = try writer.close()
        slot.writer = nil
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
