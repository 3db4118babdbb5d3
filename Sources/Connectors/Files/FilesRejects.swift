import Delimited
import Foundation
import JSON

/// `bad_rows: reject` over many objects. Pass 1 reads objects in parallel, so each object's
/// reader writes its rejected rows, already naming the object (`rejectsObject`), to a file of
/// its own in a private folder under TMPDIR; as pass 2 finishes an object (in key order), that
/// file's rows are appended to the rejects file the settings name (`rejects`), as
/// `object,line,reason,row`. Pass 1's workers only ask `path(index:)`; `collect` runs on pass
/// 2's one thread.
final class FilesRejects: @unchecked Sendable {
    private let folder: SpoolFolder
    /// Where CSV and JSON objects' rows go (one file when both name the same path).
    private let csvTarget: String?
    private let jsonTarget: String?
    private var outputs: [String: RejectsWriter] = [:]
    /// Rows appended to the rejects files.
    private(set) var count = 0

    /// nil when neither reader rejects.
    init?(_ settings: FilesSettings) throws {
        if case let .reject(path) = try settings.csv.csvOptions(inputPath: "").badRows { csvTarget = path } else { csvTarget = nil }
        if case let .reject(path) = settings.json.badRows { jsonTarget = path } else { jsonTarget = nil }
        guard csvTarget != nil || jsonTarget != nil else { return nil }
        folder = try SpoolFolder(label: "inlet-rejects")
        // Created (empty but for the header) up front, as a single file's load does.
        for path in Set([csvTarget, jsonTarget].compactMap { $0 }) { outputs[path] = try RejectsWriter(path: path, objectColumn: true) }
    }

    /// Where object number `index`'s reader writes its rejected rows.
    func path(index: Int) -> String { folder.path + "/\(index).csv" }

    /// After pass 2 read `reading` whole: its rejected rows, appended to the rejects file.
    func collect(_ reading: ObjectReading) throws {
        let target = reading.format == .csv ? csvTarget : reading.format == .json ? jsonTarget : nil
        let own = path(index: reading.index)
        defer { unlink(own) }
        guard let target, let out = outputs[target] else { return }
        try out.appendRecords(of: own)
        count += reading.csvReader?.rejectsWritten ?? reading.jsonReader?.rejectsWritten ?? 0
    }

    func remove() {
        for out in outputs.values { try? out.flush() }
        folder.remove()
    }
}
