import Columnar
import Delimited
import Foundation
import Inference
import ObjectStore

/// A CSV file as a `Source`. Most files are read once (`OnePassCSVSource`): the types of the
/// first chunk and the last rows hold over the whole file, else a second pass follows under
/// the whole file's types (`retry`). With `--bad-rows reject`, always two passes (`CSVSource`),
/// so no row is rejected twice. The file's SHA-256 is taken from the bytes a pass reads anyway.
public final class CSVFileSource: Source {
    public let path: String
    public let csv: CSVOptions
    public let inference: InferenceOptions
    /// Types computed from the header (the Cursor export's known columns); `inference`'s win.
    public let overrides: ((_ header: [String]) throws -> [String: DataType])?
    public let transforms: [any BatchTransform]

    public var name: String { (path as NSString).lastPathComponent }

    public init(path: String, csv: CSVOptions = .init(), inference: InferenceOptions = .init(),
                overrides: ((_ header: [String]) throws -> [String: DataType])? = nil, transforms: [any BatchTransform] = []) {
        self.path = path
        self.csv = csv
        self.inference = inference
        self.overrides = overrides
        self.transforms = transforms
    }

    public func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SourceError.noInput("cannot read '\(path)': no such file or not readable")
        }
        let size = fileSize(path)
        let digest = FileDigest.Streaming()
        let hash: FileHash = { [path] in
            // A pass that read every byte hashed them; otherwise (an early end) the file is read again.
            digest.bytes == size ? digest.hex : try FileDigest.sha256(path: path).hex
        }
        let (path, csv, inference, overrides) = (self.path, self.csv, self.inference, self.overrides)
        if case .reject = csv.badRows {
            // Waits on its parse jobs: off the shared pool (see `runBlocking`).
            let source = try await runBlocking {
                try CSVSource(path: path, csv: csv, inference: inference, overrides: overrides, fileBytes: { digest.update($0) }) { bytes, rows in
                    events.progress("scan", bytes, size, Int64(rows))
                }
            }
            events.phaseEnded("scan")
            describe(source.reader, events)
            return ConvertingPass(source, phase: "write", size: size, hash: hash, events: events)
        }
        let source = try await runBlocking {
            try OnePassCSVSource(path: path, csv: csv, inference: inference, overrides: overrides,
                                 fileBytes: { digest.update($0) }) { bytes, rows in events.progress("load", bytes, size, Int64(rows)) }
        }
        describe(source.reader, events)
        return OnePass(source, size: size, hash: hash, events: events)
    }

    /// The encoding and header renames.
    private func describe(_ reader: CSVReader, _ events: SourceEvents) {
        events.detail("encoding: \(reader.encoding.encoding.rawValue) (\(reader.encoding.reason))")
        for r in reader.headerRenames { events.warning("\(reader.fileName): column \(r.position) header '\(r.original)' renamed to '\(r.renamed)'") }
    }

    typealias FileHash = @Sendable () throws -> String

    /// The one pass, and its second when the whole file's types differ from the tentative ones.
    final class OnePass: SourcePass {
        let source: OnePassCSVSource
        let size: Int64
        let hash: FileHash
        let events: SourceEvents
        private var ended = false

        init(_ source: OnePassCSVSource, size: Int64, hash: @escaping FileHash, events: SourceEvents) {
            self.source = source; self.size = size; self.hash = hash; self.events = events
        }

        var schema: Schema { source.schema }

        func next() throws -> RecordBatch? {
            guard let batch = try source.next() else {
                if !ended { ended = true; events.phaseEnded("load") }
                return nil
            }
            return batch
        }

        func retry(after error: Error) async throws -> (any SourcePass)? {
            // Whether the error stands, or the types changed and pass 2 follows under the whole file's.
            let source = self.source
            guard let whole = try await runBlocking({ try source.settle(after: error) }) else { return nil }
            events.phaseEnded("load")
            let changed = source.changedColumns(whole).map { "'\($0.name)' \($0.from.name) → \($0.to.name)" }
            events.detail("the whole file's types differ from those of its first \(grouped(source.sampleRows)) rows and last rows"
                          + (changed.isEmpty ? "" : " (\(changed.joined(separator: ", ")))") + "; writing again with the whole file's types")
            return ConvertingPass(try source.secondPass(whole), phase: "write", size: size, hash: hash, events: events)
        }

        func identity() async throws -> SourceIdentity {
            SourceIdentity(name: (source.reader.fileName as NSString).lastPathComponent, size: size, sha256: try hash())
        }

        var report: SourceReport {
            SourceReport(columns: source.inference.report.columns, warnings: source.inference.report.warnings,
                         badRowsSkipped: source.reader.badRowsSkipped, badRowsRejected: source.reader.badRowsRejected)
        }
    }

    /// Pass 2 of a file whose types are known: the whole file's, or declared ones (DOMO).
    final class ConvertingPass: SourcePass {
        let source: CSVSource
        let phase: String
        let size: Int64
        let hash: FileHash
        let events: SourceEvents
        /// For the manifest, when not the file's name (`domo:…` for a spooled export).
        let name: String?
        private var ended = false

        init(_ source: CSVSource, phase: String, size: Int64, hash: @escaping FileHash, events: SourceEvents, name: String? = nil) {
            self.source = source; self.phase = phase; self.size = size; self.hash = hash; self.events = events; self.name = name
        }

        var schema: Schema { source.schema }

        func next() throws -> RecordBatch? {
            guard let batch = try source.next() else {
                if !ended { ended = true; events.phaseEnded(phase) }
                return nil
            }
            events.progress(phase, source.reader.bytesRead, size, Int64(source.rowsOut))
            return batch
        }

        func identity() async throws -> SourceIdentity {
            SourceIdentity(name: name ?? (source.reader.fileName as NSString).lastPathComponent, size: size, sha256: try hash())
        }

        var report: SourceReport {
            SourceReport(columns: source.inference.report.columns, warnings: source.inference.report.warnings,
                         badRowsSkipped: source.reader.badRowsSkipped, badRowsRejected: source.reader.badRowsRejected)
        }
    }
}

/// `65,536`: a count with thousands separators, for messages.
func grouped(_ n: Int) -> String {
    let digits = Array(String(n.magnitude))
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(d)
    }
    return (n < 0 ? "-" : "") + out
}

/// The size of the file `path` names (through symlinks), 0 when unknown: progress totals only.
public func fileSize(_ path: String) -> Int64 {
    (try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path)[.size] as? Int64) ?? 0
}
