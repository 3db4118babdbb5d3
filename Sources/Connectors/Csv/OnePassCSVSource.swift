import Columnar
import Delimited
import Foundation
import Inference

/// A CSV file as typed batches in one pass when its types show early, with the same result
/// as the two passes of `CSVSource`.
///
/// Whole-file inference costs a pass of its own: `CSVSource` reads, splits and parses the file
/// twice. This source takes tentative types from the first chunk and the file's last rows
/// (`CSVReader.tailSample`: exports often end in a totals row), then converts every chunk
/// under them while the same parse jobs observe every value for the whole-file decision.
/// `next()` returns nil (so a lake publishes) only when that decision is the tentative one:
/// same schema, same parsers. The batches are then the ones pass 2 would have made.
///
/// Otherwise the one-pass load is abandoned and the caller runs pass 2 (`secondPass`):
/// - a decision that leaves the tentative one, or a row rejected for a column whose type was
///   inferred (its type cannot hold the value), throws `OnePassMiss` at once;
/// - any error the load meets before the end stands only if the types hold over the whole
///   file (the two passes would have met it too): `settle(after:)` finishes the inference
///   and says which.
/// Not for `--bad-rows reject`: rows rejected before a miss would be written twice.
public final class OnePassCSVSource: BatchSource {
    public let reader: CSVReader
    /// The tentative types until `settle`, then the whole file's.
    public private(set) var inference: InferenceResult
    public var schema: Schema { tentative.schema }
    public private(set) var rowsOut = 0
    /// The first chunk's rows, from which (with the tail sample) the tentative types come.
    public let sampleRows: Int

    private let tentative: InferenceResult
    private let converter: BatchConverter
    private let stageSwitch = StageSwitch()
    private let declared: Set<String>
    private let badRows: BadRowPolicy
    private let progress: (@Sendable (_ bytes: Int64, _ rows: Int) -> Void)?
    /// Every chunk's observations so far, merged in file order.
    private var state: InferenceState
    /// What the tail sample showed (nil without one): part of the tentative types, so each
    /// chunk's running decision is checked with it.
    private let tail: InferenceState?
    /// The one pass: each chunk observed, and converted once the tentative types are known.
    private let pass: CSVPass<StagedChunk>
    /// The first chunk, read to decide the tentative types and converted on the first `next()`.
    private var firstChunk: FieldChunk?
    private var phase = Phase.converting

    private enum Phase { case converting, held, abandoned }

    /// Opens the file and reads its first chunk and its last `tailBytes` bytes. `fileBytes`
    /// sees every byte of the one pass.
    public init(path: String, csv: CSVOptions, inference options: InferenceOptions,
                overrides: ((_ header: [String]) throws -> [String: DataType])? = nil,
                tailBytes: Int = 256 << 10,
                fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil,
                progress: (@Sendable (_ bytes: Int64, _ rows: Int) -> Void)? = nil) throws {
        let (reader, options) = try CSVSource.open(path: path, csv: csv, inference: options, overrides: overrides)
        self.reader = reader
        declared = Set(options.schemaOverrides.keys)
        badRows = csv.badRows
        self.progress = progress
        let blank = InferenceState(columnNames: reader.header, options: options)
        state = blank
        // Each chunk is observed on its parse thread, and converted there too once the
        // tentative types are known; until then the chunk itself comes back.
        let stageSwitch = self.stageSwitch
        pass = reader.pass(CSVPassOptions(releaseChunks: true, fileBytes: fileBytes)) { chunk in
            var observed = blank
            observed.observe(chunk)
            switch stageSwitch.mode {
            case let .convert(converter):
                return StagedChunk(observed: observed, converted: Result { try converter.convert(chunk) }, chunk: nil)
            case .keep:
                return StagedChunk(observed: observed, converted: nil, chunk: chunk)
            case .observe:
                return StagedChunk(observed: observed, converted: nil, chunk: nil)
            }
        }
        if let (_, first) = try pass.next() {
            state.merge(first.observed)
            firstChunk = first.chunk
        }
        sampleRows = state.rowCount
        tail = reader.tailSample(bytes: tailBytes).map { rows in
            var t = blank
            t.observe(rows)
            return t
        }
        tentative = Self.withTail(state, tail).finish()
        inference = tentative
        converter = BatchConverter(result: tentative, fileName: reader.fileName, rowErrors: csv.badRows.rowErrors)
        stageSwitch.mode = .convert(converter)
    }

    public func next() throws -> RecordBatch? {
        switch phase {
        case .held: return nil
        case .abandoned: throw OnePassMiss(file: reader.fileName, reason: "the one-pass load was abandoned")
        case .converting: break
        }
        let converted: Result<ConvertedChunk, Error>
        if let chunk = firstChunk {
            firstChunk = nil
            converted = Result { try converter.convert(chunk) }
        } else {
            guard let (_, s) = try pass.next() else {
                let final = state.finish()
                guard holds(final) else { throw abandon(final) }
                inference = final
                phase = .held
                return nil
            }
            state.merge(s.observed)
            // Decisions only widen as values come, so a running decision that left the
            // tentative one almost never comes back to it: stop converting now.
            let running = Self.withTail(state, tail).finish()
            guard holds(running) else { throw abandon(running) }
            // Chunks parsed before the tentative types were known come back unconverted.
            converted = s.converted ?? Result { try converter.convert(s.chunk!) }
        }
        let chunk: ConvertedChunk
        do { chunk = try converted.get() } catch {
            // Settled by `settle(after:)`: a bad value in an inferred column is a miss there.
            stopConverting()
            throw error
        }
        if let r = chunk.rejected.first(where: { !declared.contains($0.column) }) {
            throw abandon(nil, reason: "line \(r.line): column '\(r.column)' value '\(r.value)' does not fit its tentative type")
        }
        try reader.reject(chunk.rejected)
        rowsOut += chunk.batch.rowCount
        progress?(reader.bytesRead, rowsOut)
        return chunk.batch
    }

    /// After the load stopped on `error`: reads what is left for inference only and returns
    /// the whole file's inference when pass 2 must follow under it, or nil when `error` is
    /// the outcome the two passes would have had (the types held, or the load had ended).
    /// A CSV error met while reading on is thrown: pass 1 would have stopped on it.
    public func settle(after error: Error) throws -> InferenceResult? {
        if phase == .held { return nil }
        stopConverting()
        while let (_, staged) = try pass.next() {
            state.merge(staged.observed)
            progress?(reader.bytesRead, reader.rowsRead)
        }
        let final = state.finish()
        inference = final
        if error is OnePassMiss || !holds(final) { return final }
        return nil
    }

    /// Pass 2 under the whole file's inference, after `settle` asked for it.
    public func secondPass(_ result: InferenceResult) throws -> CSVSource {
        CSVSource(reader: reader, result: result, badRows: badRows, fileBytes: nil)
    }

    /// The columns whose whole-file type differs from the tentative one, for the log.
    public func changedColumns(_ result: InferenceResult) -> [(name: String, from: DataType, to: DataType)] {
        zip(tentative.schema.fields, result.schema.fields).compactMap { a, b in
            a.type == b.type ? nil : (a.name, a.type, b.type)
        }
    }

    private static func withTail(_ state: InferenceState, _ tail: InferenceState?) -> InferenceState {
        guard let tail else { return state }
        var s = state
        s.merge(tail)
        return s
    }

    private func holds(_ result: InferenceResult) -> Bool {
        result.schema == tentative.schema && result.plan.parsers == tentative.plan.parsers
    }

    /// From here on the parse jobs only observe, and `next()` throws.
    private func stopConverting() {
        phase = .abandoned
        stageSwitch.mode = .observe
    }

    private func abandon(_ running: InferenceResult?, reason: String? = nil) -> OnePassMiss {
        stopConverting()
        let changed = running.map(changedColumns) ?? []
        let why = reason ?? (changed.isEmpty ? "a column's parser changed"
            : changed.map { "column '\($0.name)' \($0.from.name) → \($0.to.name)" }.joined(separator: ", "))
        return OnePassMiss(file: reader.fileName, reason: why)
    }
}

/// The one-pass load cannot stand: the tentative types did not hold.
public struct OnePassMiss: Error, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "\(file): the tentative types did not hold (\(reason)); pass 2 follows" }
}

/// What a parse job made of one chunk.
private struct StagedChunk {
    var observed: InferenceState
    var converted: Result<ConvertedChunk, Error>?
    var chunk: FieldChunk?
}

/// What the parse jobs do with each chunk; the consumer switches it.
private final class StageSwitch: @unchecked Sendable {
    enum Mode { case keep, convert(BatchConverter), observe }
    private let lock = NSLock()
    private var current = Mode.keep
    var mode: Mode {
        get { lock.lock(); defer { lock.unlock() }; return current }
        set { lock.lock(); current = newValue; lock.unlock() }
    }
}
