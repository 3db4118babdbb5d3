import Columnar
import Foundation
import ObjectStore

extension Lake {
    /// Step 1 of a load: every batch into the writers, split by partition; `emptyFile` writes a
    /// file even for no rows (a replaced unpartitioned dataset must still have its schema).
    func writeStaged<S: BatchSource>(_ pipeline: inout TransformedSource<S>, keyer: inout PartitionKeys?,
                                     writers: StagedFileWriters, emptyFile: Bool,
                                     progress: (_ rowsRead: Int64) -> Void) throws -> [StagedFile] {
        do {
            while let batch = try pipeline.next() {
                guard batch.rowCount > 0 else { continue }
                try writeBatch(batch, keyer: &keyer, writers: writers)
                progress(pipeline.rowsIn)
            }
            if emptyFile { try writers.ensureFile(partition: nil) }
            return try writers.finish()
        } catch {
            writers.abandon()
            throw error
        }
    }

    /// One batch into the writers, split by partition.
    func writeBatch(_ batch: RecordBatch, keyer: inout PartitionKeys?, writers: StagedFileWriters) throws {
        if keyer != nil {
            let keys = keyer!.keys(batch) // in place: a copy would duplicate the offset cache
            if let groups = BatchSplitter.group(keys) {
                // Each partition's rows are selected here; the writers gather them once
                // (sorted input: ranges of the batch, no gather at all).
                try writers.write(batch, pieces: groups.keys.indices.map {
                    (Self.partitionName(groups.keys[$0]), RowSelection(groups.order[groups.ranges[$0]]))
                })
            } else {
                try writers.write(batch, partition: Self.partitionName(keys[0]))
            }
        } else {
            try writers.write(batch, partition: nil)
        }
        try writers.enforceBufferBudget()
    }

    /// Step 2: each staged file's footer must declare the rows written and its size match the
    /// digest taken while writing. Files are independent: footers and hashes run on all cores.
    func verifyStaged(_ staged: [StagedFile], id: DatasetID) throws -> [ManifestFile] {
        let format = self.format
        return try mapConcurrently(staged) { f in
            let footer: Int64
            do { footer = try format.rowCount(ofFileAt: f.path) } catch {
                throw LakeError.fileFormat(dataset: id.rawValue, file: f.folder + "/" + f.fileName, detail: "footer cannot be read: \(error)")
            }
            guard footer == f.rows, f.writerRows == f.rows else {
                throw LakeError.rowCountMismatch(dataset: id.rawValue, file: f.folder + "/" + f.fileName, expected: f.rows,
                                                 footer: footer == f.rows ? f.writerRows : footer)
            }
            let digest = try f.digest ?? FileDigest.sha256(path: f.path)
            // A digest taken while writing must describe the file as it is on disk.
            let size: Int64?
            do { size = try FileManager.default.attributesOfItem(atPath: f.path)[.size] as? Int64 } catch {
                throw LakeError.fileFormat(dataset: id.rawValue, file: f.folder + "/" + f.fileName, detail: "cannot be read: \(error)")
            }
            guard size == digest.bytes else {
                throw LakeError.fileFormat(dataset: id.rawValue, file: f.folder + "/" + f.fileName,
                                           detail: "the file has \(size ?? -1) bytes, \(digest.bytes) were written")
            }
            return ManifestFile(key: DatasetLayout.prefix(id) + f.folder + "/" + f.fileName, partition: f.partition,
                                rows: f.rows, bytes: digest.bytes, sha256: digest.hex)
        }
    }
}
