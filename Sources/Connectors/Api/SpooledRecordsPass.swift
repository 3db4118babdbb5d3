import Columnar
import Foundation
import JSON

/// The rows of an API run: the spooled records read by the JSON reader (types inferred over
/// the whole run, nested or flattened as `flatten` says). Errors the reader finds in a record
/// name the page's request and the record's number in it, not the spool.
final class SpooledRecordsPass: SourcePass {
    private let inner: JSONFileSource.Pass
    private let spool: RecordSpool
    private let name: String
    let state: JSONValue?
    private let notes: [String]
    private let decay: AllocatorDecay

    /// Pass 1 over `spool` (which `finish` closed): the whole run's types.
    init(spool: RecordSpool, options: JSONOptions, name: String, state: JSONValue?, notes: [String], events: SourceEvents) async throws {
        self.spool = spool
        self.name = name
        self.state = state
        self.notes = notes
        let path = spool.path
        // Memory (scripts/bench api, 1M records): 136 MB peak as a file's load; 99 MB with two
        // blocks in flight and freed pages returned at once; 74 MB with one block, 2 MiB row
        // groups (PipelineRunner) and blocks that are never copied whole (RecordSplitter).
        // The typing pass runs after the download; with one block, parsing and encoding still
        // share the two cores.
        var options = options
        options.blocksInFlight = 1
        decay = AllocatorDecay(returnFreedPagesAfter: 0)
        do {
            let (reader, decision) = try await runBlocking { () -> (JSONReader, JSONDecision) in
                let reader = try JSONReader(path: path, options: options)
                return (reader, try reader.infer())
            }
            events.phaseEnded("scan")
            inner = JSONFileSource.Pass(reader: reader, decision: decision, size: spool.bytes, sha256: "", events: events)
        } catch let e as JSONError {
            throw Self.locate(e, spool)
        }
    }

    var schema: Schema { inner.schema }

    func next() throws -> RecordBatch? {
        do { return try inner.next() } catch let e as JSONError { throw Self.locate(e, spool) }
    }

    func identity() async throws -> SourceIdentity { SourceIdentity(name: name, size: spool.bytes, sha256: "") }

    var report: SourceReport {
        var r = inner.report
        r.warnings = notes + r.warnings
        return r
    }

    /// The reader's error, placed at the page and record it came from.
    static func locate(_ e: JSONError, _ spool: RecordSpool) -> JSONError {
        guard e.line > 0, let place = spool.place(ofLine: e.line) else {
            return JSONError(file: "the API's records", line: 0, column: 0, record: e.record, message: e.message)
        }
        return JSONError(file: place.request, line: 0, column: 0, record: place.record, message: e.message)
    }
}
