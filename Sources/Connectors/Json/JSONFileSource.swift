import Columnar
import Foundation
import JSON
import ObjectStore

/// A JSON file (NDJSON, an array of records, or an object holding the array at `records`),
/// gzipped or not, as a `Source`: pass 1 checks every record and infers every field's type from
/// all of its values, pass 2 converts; both stream, on all cores. The file's SHA-256 comes from
/// pass 1's reading.
public final class JSONFileSource: Source {
    public let path: String
    public let options: JSONOptions
    public let transforms: [any BatchTransform]

    public var name: String { (path as NSString).lastPathComponent }

    public init(path: String, options: JSONOptions = .init(), transforms: [any BatchTransform] = []) {
        self.path = path
        self.options = options
        self.transforms = transforms
    }

    public func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SourceError.noInput("cannot read '\(path)': no such file or not readable")
        }
        let (path, options) = (self.path, self.options)
        let size = fileSize(path)
        let digest = FileDigest.Streaming()
        // Pass 1 waits on its parse jobs: off the shared pool (see `runBlocking`).
        let (reader, decision) = try await runBlocking { () -> (JSONReader, JSONDecision) in
            let reader = try JSONReader(path: path, options: options)
            let decision = try reader.infer(fileBytes: { digest.update($0) }) { bytes, records in
                events.progress("scan", bytes, size, Int64(records))
            }
            return (reader, decision)
        }
        events.phaseEnded("scan")
        events.detail("\(name): \(reader.layout) of \(reader.recordsRead) records")
        // `-v` names the value and record that widened a field (as `preview` does).
        for c in decision.columns where c.fallbackValue != nil { events.detail("field '\(c.name)' is \(c.type): \(c.reason)") }
        let hash = digest.bytes == size ? digest.hex : try FileDigest.sha256(path: path).hex
        return Pass(reader: reader, decision: decision, size: size, sha256: hash, events: events)
    }

    final class Pass: SourcePass {
        let reader: JSONReader
        let decision: JSONDecision
        let batches: JSONBatches
        let size: Int64
        let sha256: String
        let events: SourceEvents
        private var ended = false

        init(reader: JSONReader, decision: JSONDecision, size: Int64, sha256: String, events: SourceEvents) {
            self.reader = reader
            self.decision = decision
            batches = reader.batches(decision)
            self.size = size
            self.sha256 = sha256
            self.events = events
        }

        var schema: Schema { batches.schema }

        func next() throws -> RecordBatch? {
            guard let b = try batches.next() else {
                if !ended { ended = true; events.phaseEnded("write") }
                return nil
            }
            events.progress("write", batches.bytesRead, size, Int64(batches.rowsOut))
            return b
        }

        func identity() async throws -> SourceIdentity {
            SourceIdentity(name: (reader.path as NSString).lastPathComponent, size: size, sha256: sha256)
        }

        var report: SourceReport {
            SourceReport(columns: decision.columns, warnings: decision.warnings,
                         badRowsSkipped: reader.recordsSkipped, badRowsRejected: reader.recordsRejected)
        }
    }
}
