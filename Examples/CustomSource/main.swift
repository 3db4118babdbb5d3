// A source of our own, run through the load job into a lake: the lines of a JSON-lines HTTP
// endpoint, each an object {"id": 1, "city": "Oslo", "temp_c": 3.5, "day": "2025-01-02"}.
// Usage: custom-source-example URL DATASET_ID STORE   (see the README's "Writing a source")
import Columnar
import Connectors
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Lake
import ObjectStore
import Pipelines

final class JSONLinesEndpoint: Source {
    let url: URL
    init(url: URL) { self.url = url }
    var name: String { url.absoluteString }

    func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass {
        let (body, response) = try await URLSession.shared.data(from: url)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw SourceError.noInput("\(url): HTTP \(status)") }
        let lines = body.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }
        let rows = try lines.enumerated().map { i, line in
            guard let row = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw SourceError.noInput("\(url): line \(i + 1) is not a JSON object")
            }
            return row
        }
        return Lines(rows: rows, identity: SourceIdentity(name: name, size: Int64(body.count), sha256: ""))
    }

    /// All the lines as one batch; the schema is declared, not inferred.
    final class Lines: SourcePass {
        let schema = Schema([Field("id", .int64), Field("city", .string), Field("temp_c", .float64), Field("day", .date)])
        var rows: [[String: Any]]?
        let id: SourceIdentity
        init(rows: [[String: Any]], identity: SourceIdentity) { self.rows = rows; id = identity }

        func next() throws -> RecordBatch? {
            guard let rows else { return nil }
            self.rows = nil
            func day(_ v: Any?) -> Value {
                let p = (v as? String)?.split(separator: "-").compactMap { Int($0) } ?? []
                return p.count == 3 ? .date(Int32(CivilDate(year: Int64(p[0]), month: p[1], day: p[2]).daysSinceEpoch)) : .null
            }
            return try RecordBatch(schema: schema, columns: [
                Column(type: .int64, values: rows.map { ($0["id"] as? Int).map { .int(Int64($0)) } ?? .null }),
                Column(type: .string, values: rows.map { ($0["city"] as? String).map(Value.string) ?? .null }),
                Column(type: .float64, values: rows.map { ($0["temp_c"] as? Double).map(Value.float) ?? .null }),
                Column(type: .date, values: rows.map { day($0["day"]) }),
            ])
        }

        func identity() async throws -> SourceIdentity { id }
        var report: SourceReport { SourceReport() }
    }
}

let args = CommandLine.arguments
guard args.count == 4, let url = URL(string: args[1]) else {
    FileHandle.standardError.write(Data("usage: custom-source-example URL DATASET_ID STORE\n".utf8))
    exit(2)
}
do {
    let job = LoadJob(dataset: try DatasetID(args[2]), source: JSONLinesEndpoint(url: url), options: LoadOptions(partitionColumn: "day"))
    let outcome = try await job.run(store: LocalStore(root: args[3]))
    print("loaded \(outcome.result?.rowsWritten ?? 0) rows into \(args[2]) (\(outcome.result?.partitionsWritten.count ?? 0) partitions)")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
