import Columnar
import Delimited
import Foundation
import Inference
import JSON
import Parquet

/// How one object's bytes are read.
enum ObjectFormat: String, Sendable {
    case csv, json, parquet

    /// `format:` when set; else the key's extension (compression suffixes aside); else the
    /// content: Parquet's magic bytes, then JSON's first character, else CSV.
    static func of(key: String, path: String, setting: FilesFormat) -> ObjectFormat {
        switch setting {
        case .csv: return .csv
        case .json: return .json
        case .parquet: return .parquet
        case .auto: break
        }
        var name = (key as NSString).lastPathComponent.lowercased()
        for suffix in [".gz", ".gzip", ".zst", ".zstd"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        if [".parquet", ".parq", ".pq"].contains(where: name.hasSuffix) { return .parquet }
        if [".jsonl", ".ndjson", ".json"].contains(where: name.hasSuffix) { return .json }
        if [".csv", ".tsv", ".txt", ".tab"].contains(where: name.hasSuffix) { return .csv }
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            if let magic = try? handle.read(upToCount: 4), Array(magic) == Array("PAR1".utf8) { return .parquet }
        }
        return InputFormat.detect(path: path) == .json ? .json : .csv
    }
}

/// What pass 1 found in one object: kept until pass 2 reads it again under the dataset's types.
final class ObjectReading: @unchecked Sendable {
    /// The object's number in the load (its place in key order among those loaded).
    let index: Int
    let object: LandingObject
    let format: ObjectFormat
    /// The local file: the object itself, or its download in the spool.
    let path: String
    let csvReader: CSVReader?
    let jsonReader: JSONReader?
    /// The object's columns in its own order.
    let columns: [String]
    let rows: Int64

    init(index: Int, object: LandingObject, format: ObjectFormat, path: String, csvReader: CSVReader? = nil, jsonReader: JSONReader? = nil,
         columns: [String], rows: Int64) {
        self.index = index; self.object = object; self.format = format; self.path = path; self.csvReader = csvReader; self.jsonReader = jsonReader
        self.columns = columns; self.rows = rows
    }
}

/// Pass 1's statistics of one object, merged by name into the dataset's (`FilesUnion`).
enum ObjectStats: @unchecked Sendable {
    case csv(InferenceState)
    case json(JSONStats)
    case parquet(Schema)
}

/// The readers' options for a files source, as its settings give them.
struct ReadOptions: Sendable {
    let format: FilesFormat
    let csv: CSVOptions
    let csvInference: InferenceOptions
    let json: JSONOptions
    /// Decode every Parquet row group in pass 1, so a corrupt page is a bad file to skip.
    let verifyParquet: Bool
    /// Under `bad_rows: reject`: where each object's reader writes its rejected rows.
    var rejects: FilesRejects?

    init(_ settings: FilesSettings) throws {
        format = settings.format
        csv = try settings.csv.csvOptions(inputPath: "")
        csvInference = try settings.csv.inferenceOptions()
        json = settings.json
        verifyParquet = settings.badFiles == .skip
    }

    /// Pass 1 over `object`, read from the local file `path`; `progress` hears bytes and rows.
    func scan(_ object: LandingObject, index: Int, path: String, progress: @escaping @Sendable (Int64, Int64) -> Void) throws -> (ObjectReading, ObjectStats) {
        switch ObjectFormat.of(key: object.key, path: path, setting: format) {
        case .csv:
            var options = csv
            if let rejects, case .reject = options.badRows {
                options.badRows = .reject(path: rejects.path(index: index))
                options.rejectsObject = object.url
            }
            // The header decision uses the value rules the columns' types come from.
            if options.headerRule == nil { options.headerRule = InferredHeaderRule(options: csvInference) }
            let reader = try CSVReader(path: path, options: options)
            var inference = csvInference
            // Types given for columns another object has are no error here (the union checks them).
            inference.schemaOverrides = inference.schemaOverrides.filter { reader.header.contains($0.key) }
            if let (column, type) = inference.schemaOverrides.first(where: { $0.value.isNested }) {
                throw SourceError.noInput("\(object.url): schema gives column '\(column)' the nested type \(type.name); CSV columns are flat")
            }
            let state = try CSVSource.observe(reader, options: inference) { progress($0, Int64($1)) }
            return (ObjectReading(index: index, object: object, format: .csv, path: path, csvReader: reader, columns: reader.header, rows: Int64(state.rowCount)),
                    .csv(state))
        case .json:
            var options = json
            if let rejects, case .reject = options.badRows {
                options.badRows = .reject(path: rejects.path(index: index))
                options.rejectsObject = object.url
            }
            let reader = try JSONReader(path: path, options: options)
            let stats = try reader.scan(progress: { bytes, records in progress(bytes, Int64(records)) })
            return (ObjectReading(index: index, object: object, format: .json, path: path, jsonReader: reader, columns: stats.fieldNames, rows: Int64(stats.records)),
                    .json(stats))
        case .parquet:
            let reader = try ParquetFileReader(path: path)
            if verifyParquet {
                for g in 0 ..< reader.rowGroupCount { _ = try reader.readRowGroup(g) }
            }
            progress(object.size, reader.rowCount)
            return (ObjectReading(index: index, object: object, format: .parquet, path: path, columns: reader.schema.fields.map(\.name), rows: reader.rowCount),
                    .parquet(Schema(reader.schema.fields)))
        }
    }
}
