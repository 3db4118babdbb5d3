import Columnar
import Delimited
import Foundation
import Inference

/// Reader settings.
public struct JSONOptions: Sendable {
    /// The path of keys to the records' array in a top-level object (`data.items`); nil or `$`:
    /// NDJSON, an array, or a single object, told from the text.
    public var records: String?
    /// Accept `NaN`, `Infinity` and `-Infinity` as numbers.
    public var allowNaN = false
    /// Struct fields become columns named `parent__child` (dlt's convention).
    public var flatten = false
    /// Decimals, date order, schema overrides (nested types allowed).
    public var inference = InferenceOptions()
    /// Records with invalid JSON, or values that break a declared type: fail, skip, or reject
    /// (the record's raw text goes to the rejects file).
    public var badRows: BadRowPolicy = .fail
    /// Under `reject`: the value of an `object` column put first in every rejected row (a
    /// load of many files names each row's file). nil: no such column.
    public var rejectsObject: String? = nil
    /// Text per block handed to a parse job.
    public var blockBytes = 4 << 20
    /// Blocks read, parsed or waiting at once: memory is about this many blocks' text and
    /// parse results. Four keep both cores busy; a source with other work on its hands (a
    /// network spool) may take fewer.
    public var blocksInFlight = 4

    public init() {}
}

/// A JSON input read as typed batches in two passes, each streaming with bounded memory and
/// parsing on all cores: pass 1 checks every record and infers every field's type from all of
/// its values (`infer`); pass 2 converts under that decision (`batches`).
public final class JSONReader {
    public let path: String
    public let options: JSONOptions
    public let layout: JSONLayout
    /// Counts of the last pass.
    public private(set) var recordsRead = 0
    public private(set) var recordsSkipped = 0
    public private(set) var recordsRejected = 0
    /// Records pass 1 dropped, which pass 2 skips without reporting them again.
    private var dropped: Set<Int> = []
    private var rejects: RejectsWriter?

    public init(path: String, options: JSONOptions = .init()) throws {
        self.path = path
        self.options = options
        layout = try Self.detectLayout(path: path, options: options)
        if case let .reject(rejectsPath) = options.badRows { rejects = try RejectsWriter(path: rejectsPath, object: options.rejectsObject) }
    }

    /// Pass 1. `progress` gets the file bytes read and the records seen.
    public func infer(fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil,
                      progress: ((Int64, Int) -> Void)? = nil) throws -> JSONDecision {
        try Self.decide(try scan(fileBytes: fileBytes, progress: progress), options: options, file: path)
    }

    /// Pass 1 without the decision: every record checked and observed. The statistics of
    /// several inputs merge (`JSONStats.merge`) into one decision for all of them.
    public func scan(fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil,
                     progress: ((Int64, Int) -> Void)? = nil) throws -> JSONStats {
        let (inference, allowNaN, validate) = (options.inference, options.allowNaN, options.badRows != .fail)
        let pipeline = BlockPipeline(path: path, layout: layout, blockBytes: options.blockBytes, maxInFlight: options.blocksInFlight, fileBytes: fileBytes) { block in
            Self.observe(block, inference: inference, allowNaN: allowNaN, validate: validate)
        }
        let root = FieldStats(options: inference)
        recordsRead = 0
        recordsSkipped = 0
        recordsRejected = 0
        while let observed = try pipeline.next() {
            root.merge(observed.stats)
            recordsRead += observed.records
            for p in observed.problems {
                try drop(p)
                dropped.insert(p.record)
            }
            progress?(pipeline.bytesRead, recordsRead)
        }
        try rejects?.flush()
        return JSONStats(root: root, records: recordsRead)
    }

    /// The types and plans `stats` decide under `options` (its schema overrides win); `file`
    /// names the input in the error for an override that names no field.
    public static func decide(_ stats: JSONStats, options: JSONOptions, file: String) throws -> JSONDecision {
        let inference = options.inference
        var decider = Decider(options: inference)
        let (fields, plan) = decider.decideRecord(stats.root)
        let unknown = inference.schemaOverrides.keys.filter { name in !fields.contains { $0.name == name } }.sorted()
        if !unknown.isEmpty {
            throw JSONError(file: file, line: 0, column: 0, record: 0,
                            message: "--schema names field(s) \(unknown.map { "'\($0)'" }.joined(separator: ", ")) that no record has (fields: \(fields.map(\.name).joined(separator: ", ")))")
        }
        return JSONDecision(schema: Schema(fields), columns: decider.columns, warnings: decider.warnings, root: plan)
    }

    /// Pass 2: typed batches under `decision` (flattened when `options.flatten`).
    public func batches(_ decision: JSONDecision, fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) -> JSONBatches {
        JSONBatches(reader: self, decision: decision, fileBytes: fileBytes)
    }

    /// The schema the batches have: the decision's, flattened when asked.
    public func outputSchema(_ decision: JSONDecision) -> Schema {
        options.flatten ? Flatten.schema(decision.schema) : decision.schema
    }

    /// A record that failed: the error (`.fail`), or counted and, with `.reject`, written out.
    fileprivate func drop(_ p: Problem) throws {
        let error = JSONError(file: path, line: p.line, column: p.column, record: p.record, message: p.message)
        switch options.badRows {
        case .fail: throw error
        case .skip: recordsSkipped += 1
        case .reject:
            recordsRejected += 1
            try rejects?.write(line: p.line, reason: "record \(p.record): \(p.message)", row: p.raw)
        }
    }

    fileprivate func finishPass() throws { try rejects?.flush() }

    /// Records written to the rejects file, over both passes.
    public var rejectsWritten: Int { rejects?.rowsWritten ?? 0 }

    fileprivate var droppedRecords: Set<Int> { dropped }

    // MARK: one block's work (on a parse thread)

    struct Problem: Sendable {
        let record: Int
        let line: Int
        let column: Int
        let message: String
        let raw: [UInt8]
    }

    struct Observed: @unchecked Sendable {
        let stats: FieldStats
        let records: Int
        let problems: [Problem]
    }

    static func observe(_ block: RecordBlock, inference: InferenceOptions, allowNaN: Bool, validate: Bool) -> Observed {
        let root = FieldStats(options: inference)
        var problems: [Problem] = []
        var serial = 0
        block.text.withUnsafeBufferPointer { t in
            for (k, r) in block.records.enumerated() {
                let number = block.firstRecord + k
                let p = t.baseAddress! + r.start, n = r.end - r.start
                do {
                    if validate {
                        // Checked whole first, so a bad record leaves no trace in the statistics.
                        var check = JSONCursor(p, n, allowNaN: allowNaN)
                        try check.skipValue(depth: 0)
                        if check.peek() != nil { throw check.problem("expected the end of the record") }
                    }
                    var w = StatsWalker(p, n, record: number, line: r.line, allowNaN: allowNaN, serial: serial)
                    try w.walkRecord(into: root)
                    serial = w.objectSerial
                } catch let e as RecordProblem {
                    problems.append(locate(e, t, r, record: number))
                } catch {
                    problems.append(Problem(record: number, line: r.line, column: r.column, message: "\(error)", raw: Array(t[r.start ..< r.end])))
                }
            }
        }
        return Observed(stats: root, records: block.records.count, problems: problems)
    }

    /// A problem's line and column in the file, from its offset in the record.
    static func locate(_ e: RecordProblem, _ t: UnsafeBufferPointer<UInt8>, _ r: RecordSlice, record: Int) -> Problem {
        var line = r.line, column = r.column
        for k in r.start ..< min(r.start + e.offset, r.end) {
            if t[k] == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return Problem(record: record, line: line, column: column, message: e.message, raw: Array(t[r.start ..< r.end]))
    }

    // MARK: layout

    /// `--records PATH` names an array in an object; otherwise the first byte tells: `[` an
    /// array of records, `{` NDJSON when the first line holds a whole object, else one document.
    /// The most of a file's text the layout is decided from.
    static let layoutSample = 1 << 20

    static func detectLayout(path: String, options: JSONOptions) throws -> JSONLayout {
        if let records = options.records, records != "$", !records.isEmpty {
            return .array(path: records.split(separator: ".").map(String.init))
        }
        // The first byte and, after a '{', the first line decide, from at most `layoutSample`
        // bytes: read in small pieces until they are in hand (one object could be a megabyte
        // of inflating for a first line of a few hundred bytes, and every object is opened).
        let reader = try DecodedTextReader(path: path, blockBytes: 64 << 10)
        var text: [UInt8] = []
        while text.count < layoutSample, let piece = try reader.next() {
            text += piece
            if let first = text.firstIndex(where: { !ArrayScan.isSpace($0) }), text[first] != 0x7B || text[first...].contains(0x0A) { break }
        }
        if text.count > layoutSample { text.removeLast(text.count - layoutSample) }
        guard !text.isEmpty else { throw JSONError(file: path, line: 0, column: 0, record: 0, message: "the file is empty") }
        var i = 0
        while i < text.count, ArrayScan.isSpace(text[i]) { i += 1 }
        guard i < text.count else { throw JSONError(file: path, line: 0, column: 0, record: 0, message: "the file holds only whitespace") }
        switch text[i] {
        case 0x5B: return .array(path: [])
        case 0x7B:
            // A first line longer than the sample is taken for one record of NDJSON.
            guard let lineEnd = text[i...].firstIndex(of: 0x0A) else { return .lines }
            let firstLineIsWhole = text.withUnsafeBufferPointer { t -> Bool in
                var c = JSONCursor(t.baseAddress! + i, lineEnd - i, allowNaN: options.allowNaN)
                return (try? c.skipValue(depth: 0)) != nil
            }
            return firstLineIsWhole ? .lines : .document
        default:
            return .lines   // each line's record is then checked: a non-object fails with its line
        }
    }
}

/// Pass 1's statistics of one input, or of several merged: each field's values, by name.
public final class JSONStats: @unchecked Sendable {
    let root: FieldStats
    public private(set) var records: Int

    init(root: FieldStats, records: Int) {
        self.root = root
        self.records = records
    }

    /// The record fields seen so far, in order of first appearance.
    public var fieldNames: [String] { root.keys.map { String(decoding: $0, as: UTF8.self) } }

    /// Adds `other`'s statistics (a later input's); its fields new to this one go last.
    /// `other` must not be used afterwards: its fields' statistics become this one's.
    public func merge(_ other: JSONStats) {
        root.merge(other.root)
        records += other.records
    }
}

/// Pass 2's batches, one per block of records, in input order.
public final class JSONBatches {
    private let reader: JSONReader
    private let decision: JSONDecision
    private let pipeline: BlockPipeline<Converted>
    public let schema: Schema
    public private(set) var rowsOut = 0

    fileprivate init(reader: JSONReader, decision: JSONDecision, fileBytes: ((UnsafeRawBufferPointer) -> Void)?) {
        self.reader = reader
        self.decision = decision
        schema = reader.outputSchema(decision)
        let (table, type, allowNaN, policy, dropped, flatten) = (ConvertTable(decision.root), DataType.structure(decision.schema.fields),
                                                                reader.options.allowNaN, reader.options.badRows,
                                                                reader.droppedRecords, reader.options.flatten)
        let outSchema = schema
        pipeline = BlockPipeline(path: reader.path, layout: reader.layout, blockBytes: reader.options.blockBytes,
                                 maxInFlight: reader.options.blocksInFlight, fileBytes: fileBytes) { block in
            Self.convert(block, table: table, type: type, schema: outSchema, flatten: flatten, allowNaN: allowNaN,
                         failFast: policy == .fail, dropped: dropped)
        }
    }

    public var bytesRead: Int64 { pipeline.bytesRead }

    public func next() throws -> RecordBatch? {
        guard let converted = try pipeline.next() else {
            try reader.finishPass()
            return nil
        }
        for p in converted.problems { try reader.drop(p) }
        rowsOut += converted.batch.rowCount
        return converted.batch
    }

    struct Converted: @unchecked Sendable {
        let batch: RecordBatch
        let problems: [JSONReader.Problem]
    }

    /// Converts a block's records; a record that fails is dropped and the block converted again
    /// without it (builders cannot take back half a record). `failFast`: the first failure ends it.
    static func convert(_ block: RecordBlock, table: ConvertTable, type: DataType, schema: Schema, flatten: Bool,
                        allowNaN: Bool, failFast: Bool, dropped: Set<Int>) -> Converted {
        var skip = Set<Int>()
        var problems: [JSONReader.Problem] = []
        let hints = ConvertWalker.makeHints(table)
        defer { hints.deallocate() }
        while true {
            var builder = ColumnBuilder(type: type, capacity: block.records.count)
            var failed: JSONReader.Problem?
            let leaveOut = !dropped.isEmpty || !skip.isEmpty
            block.text.withUnsafeBufferPointer { t in
                var w = ConvertWalker(table: table, hints: hints, allowNaN: allowNaN)
                for (k, r) in block.records.enumerated() {
                    let number = block.firstRecord + k
                    if leaveOut && (dropped.contains(number) || skip.contains(number)) { continue }
                    do {
                        try w.walkRecord(t.baseAddress! + r.start, r.end - r.start, into: &builder)
                    } catch let e as RecordProblem {
                        failed = JSONReader.locate(e, t, r, record: number)
                        return
                    } catch {
                        failed = JSONReader.Problem(record: number, line: r.line, column: r.column, message: "\(error)", raw: [])
                        return
                    }
                }
            }
            if let failed {
                problems.append(failed)
                if failFast { return Converted(batch: RecordBatch.empty(schema), problems: problems) }
                skip.insert(failed.record)
                continue
            }
            guard case let .structure(children, _) = builder.finish().storage else { preconditionFailure("the root is a struct") }
            // The children have the schema's types, so this cannot fail.
            // swiftlint:disable:next force_try
            var batch = try! RecordBatch(schema: Schema(type.structFields), columns: children)
            if flatten { batch = Flatten.batch(batch) }
            return Converted(batch: batch, problems: problems)
        }
    }
}

extension DataType {
    /// A struct's fields (none for other types).
    var structFields: [Field] {
        if case let .structure(f) = self { return f }
        return []
    }
}
