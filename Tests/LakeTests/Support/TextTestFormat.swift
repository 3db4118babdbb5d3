import Columnar
import Foundation
@testable import Lake

/// A real, tiny file format for lake tests: a header line with the schema, one line per row
/// (values tab-separated, `\N` for null) and a footer `#rows N` that `rowCount` re-reads,
/// like a Parquet footer.
struct TextTestFormat: DatasetFileFormat {
    var fileExtension: String { "txt" }
    /// Added to the footer's count, to simulate a writer that lost rows.
    var footerSkew: Int64 = 0

    func makeWriter(path: String, schema: Schema) throws -> any DatasetFileWriter {
        try TextTestWriter(path: path, schema: schema, footerSkew: footerSkew)
    }

    func rowCount(ofFileAt path: String) throws -> Int64 {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let last = text.split(separator: "\n").last, last.hasPrefix("#rows "), let n = Int64(last.dropFirst(6)) else {
            throw TextFormatError(message: "no footer in \(path)")
        }
        return n
    }

    /// Rows of a file as text, for assertions.
    static func rows(ofFileAt path: String) throws -> [[String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.hasPrefix("schema ") == true else { throw TextFormatError(message: "no header in \(path)") }
        return lines.dropFirst().filter { !$0.isEmpty && !$0.hasPrefix("#rows ") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}

struct TextFormatError: Error, CustomStringConvertible { let message: String; var description: String { message } }

final class TextTestWriter: DatasetFileWriter {
    let handle: FileHandle
    let footerSkew: Int64
    var rows: Int64 = 0
    var bytes: Int64 = 0

    init(path: String, schema: Schema, footerSkew: Int64) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw TextFormatError(message: "cannot create \(path)") }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        self.footerSkew = footerSkew
        try emit("schema " + schema.fields.map { "\($0.name):\($0.type.name)" }.joined(separator: "\t") + "\n")
    }

    private func emit(_ s: String) throws {
        let d = Data(s.utf8)
        try handle.write(contentsOf: d)
        bytes += Int64(d.count)
    }

    func write(_ batch: RecordBatch, rows: Range<Int>) throws {
        var text = ""
        for i in rows {
            text += batch.row(i).map { $0 == .null ? "\\N" : $0.description }.joined(separator: "\t") + "\n"
        }
        try emit(text)
        self.rows += Int64(rows.count)
    }

    var estimatedFileBytes: Int64 { bytes }
    /// Rows go straight to the file, so nothing is ever buffered.
    var bufferedBytes: Int { 0 }
    func flush() throws {}

    func close() throws -> Int64 {
        try emit("#rows \(rows + footerSkew)\n")
        try handle.close()
        return rows
    }
}
