import Columnar
import Delimited
import Foundation
import Inference
import Lake
import Connectors

/// Pass 1 over a CSV file (whole-file inference) behind a "scan" progress bar, for `upload`,
/// `cursor-usage` and `preview`; also returns the file's size (the next pass's progress total).
/// The pass waits on its parse jobs, so it runs off the shared pool (see `runBlocking`).
func scanCSV(_ file: String, csv: CSVOptions, inference: InferenceOptions,
             overrides: ((_ header: [String]) throws -> [String: DataType])? = nil,
             fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil,
             console: Console) async throws -> (source: CSVSource, size: Int64) {
    let size = fileSize(file)
    let scan = Progress(label: "scan", totalBytes: size, console: console)
    let source = try await runBlocking {
        try CSVSource(path: file, csv: csv, inference: inference, overrides: overrides, fileBytes: fileBytes) { bytes, rows in
            scan.update(bytes: bytes, rows: Int64(rows))
        }
    }
    scan.finish()
    return (source, size)
}

/// The size of the file `path` names (through symlinks), 0 when unknown: progress totals only.
func fileSize(_ path: String) -> Int64 {
    (try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path)[.size] as? Int64) ?? 0
}
