/// The streaming pipeline's shape: a source yields typed batches (extract), transforms
/// reshape them one batch at a time (transform), and the lake writes them (load).

/// Yields batches under one schema until it returns nil.
public protocol BatchSource {
    var schema: Schema { get }
    mutating func next() throws -> RecordBatch?
}

/// A per-batch, stateless step. `outputSchema` is checked once before any data flows,
/// so a bad column name fails before work starts.
public protocol BatchTransform: Sendable {
    func outputSchema(_ input: Schema) throws -> Schema
    func apply(_ batch: RecordBatch) throws -> RecordBatch
}

public enum TransformError: Error, CustomStringConvertible, Equatable {
    case missingColumn(String, transform: String, available: [String])
    case duplicateColumn(String, transform: String)
    case derivedColumnMismatch(String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .missingColumn(c, t, a):
            return "\(t): no column named '\(c)' (columns: \(a.map { "'\($0)'" }.joined(separator: ", ")))"
        case let .duplicateColumn(c, t):
            return "\(t): column '\(c)' would appear twice"
        case let .derivedColumnMismatch(c, e, f):
            return "derived column '\(c)': expected \(e), computed \(f)"
        }
    }
}

/// Keeps the rows whose value in `column`, written as text, equals `value`; nulls never match.
/// Text form: strings as they are, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.f]`
/// (UTC ones with a trailing `Z`), decimals with their scale, other values as Swift prints them.
public struct KeepRowsWhereEquals: BatchTransform {
    public let column: String
    public let value: String

    public init(column: String, value: String) { self.column = column; self.value = value }

    public func outputSchema(_ input: Schema) throws -> Schema {
        guard input.index(of: column) != nil else {
            throw TransformError.missingColumn(column, transform: "keep rows where '\(column)' = '\(value)'",
                                               available: input.fields.map(\.name))
        }
        return input
    }

    public func apply(_ batch: RecordBatch) throws -> RecordBatch {
        guard let ci = batch.schema.index(of: column) else { _ = try outputSchema(batch.schema); return batch }
        let col = batch.columns[ci]
        var keep: [Int] = []
        keep.reserveCapacity(batch.rowCount)
        if case let .bytes(b) = col.storage {
            // Compare bytes in place: no String per row.
            let target = Array(value.utf8)
            for i in 0 ..< batch.rowCount where !col.isNull(i) && b.length(at: i) == target.count && b[i].elementsEqual(target) {
                keep.append(i)
            }
        } else {
            for i in 0 ..< batch.rowCount where !col.isNull(i) && Self.text(col, i) == value { keep.append(i) }
        }
        return keep.count == batch.rowCount ? batch : batch.take(keep)
    }

    static func text(_ col: Column, _ i: Int) -> String {
        let v = col.value(at: i)
        switch (col.type, v) {
        case let (.timestamp(unit, utc), .timestamp(t)): return Timestamps.format(t, unit: unit, utc: utc)
        case let (.decimal(_, scale), .decimal(d)): return Decimal128.format(d, scale: scale)
        default: return v.description
        }
    }
}

/// Renames columns (`old → new`); types, values and order stay.
public struct RenameColumns: BatchTransform {
    public let renames: [String: String]

    public init(_ renames: [String: String]) { self.renames = renames }

    public func outputSchema(_ input: Schema) throws -> Schema {
        let names = input.fields.map(\.name)
        for old in renames.keys.sorted() where !names.contains(old) {
            throw TransformError.missingColumn(old, transform: "rename '\(old)' → '\(renames[old]!)'", available: names)
        }
        var out = input
        var seen = Set<String>()
        for i in out.fields.indices {
            out.fields[i].name = renames[out.fields[i].name] ?? out.fields[i].name
            guard seen.insert(out.fields[i].name).inserted else {
                throw TransformError.duplicateColumn(out.fields[i].name, transform: "rename columns")
            }
        }
        return out
    }

    public func apply(_ batch: RecordBatch) throws -> RecordBatch {
        try RecordBatch(schema: outputSchema(batch.schema), columns: batch.columns)
    }
}

/// Appends a column computed from each batch (e.g. `cost_usd` parsed from `Cost`).
public struct DeriveColumn: BatchTransform {
    public let name: String
    public let type: DataType
    public let nullable: Bool
    public let compute: @Sendable (RecordBatch) throws -> Column

    public init(name: String, type: DataType, nullable: Bool = true,
                compute: @escaping @Sendable (RecordBatch) throws -> Column) {
        self.name = name; self.type = type; self.nullable = nullable; self.compute = compute
    }

    public func outputSchema(_ input: Schema) throws -> Schema {
        guard input.index(of: name) == nil else { throw TransformError.duplicateColumn(name, transform: "derive '\(name)'") }
        var out = input
        out.fields.append(Field(name, type, nullable: nullable))
        return out
    }

    public func apply(_ batch: RecordBatch) throws -> RecordBatch {
        let col = try compute(batch)
        guard col.type == type else { throw TransformError.derivedColumnMismatch(name, expected: type.name, found: col.type.name) }
        guard col.count == batch.rowCount else {
            throw TransformError.derivedColumnMismatch(name, expected: "\(batch.rowCount) values", found: "\(col.count)")
        }
        return try RecordBatch(schema: outputSchema(batch.schema), columns: batch.columns + [col])
    }
}

/// A source with transforms applied in order. Batches that filtering empties are skipped.
public struct TransformedSource<Base: BatchSource>: BatchSource {
    public private(set) var base: Base
    public let transforms: [any BatchTransform]
    public let schema: Schema
    /// Rows read from `base` and rows handed on, for reports ("kept 812 of 1000 rows").
    public private(set) var rowsIn: Int64 = 0
    public private(set) var rowsOut: Int64 = 0

    /// Throws when a transform does not fit the schema (e.g. a missing column), before any data flows.
    public init(_ base: Base, transforms: [any BatchTransform]) throws {
        var s = base.schema
        for t in transforms { s = try t.outputSchema(s) }
        self.base = base
        self.transforms = transforms
        schema = s
    }

    public mutating func next() throws -> RecordBatch? {
        while let input = try base.next() {
            rowsIn += Int64(input.rowCount)
            var b = input
            for t in transforms { b = try t.apply(b) }
            if b.rowCount == 0, input.rowCount > 0 { continue }
            rowsOut += Int64(b.rowCount)
            return b
        }
        return nil
    }
}

/// Batches held in memory: for tests and small inputs.
public struct ArrayBatchSource: BatchSource {
    public let schema: Schema
    var batches: [RecordBatch]
    var position = 0

    public init(schema: Schema, batches: [RecordBatch]) { self.schema = schema; self.batches = batches }

    public mutating func next() throws -> RecordBatch? {
        guard position < batches.count else { return nil }
        defer { position += 1 }
        return batches[position]
    }
}
