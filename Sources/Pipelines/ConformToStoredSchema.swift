import Columnar
import Foundation

/// Appending keeps the dataset's stored schema: the batch's columns in the stored order, a
/// stored column the batch lacks as nulls, a field the dataset does not have left out (the job
/// warns); a column whose type differs is an error naming it and both types.
struct ConformToStoredSchema: BatchTransform {
    let stored: Schema
    let dataset: String

    func outputSchema(_ input: Schema) throws -> Schema {
        for f in stored.fields {
            if let i = input.index(of: f.name) {
                let found = input.fields[i].type
                guard found == f.type else {
                    throw TransformError.derivedColumnMismatch("\(f.name) (dataset '\(dataset)' stores it)", expected: f.type.name, found: found.name)
                }
            } else if !f.nullable {
                throw TransformError.missingColumn(f.name, transform: "append to '\(dataset)'", available: input.fields.map(\.name))
            }
        }
        return stored
    }

    /// Fields of `input` the dataset does not store.
    func dropped(_ input: Schema) -> [String] {
        input.fields.map(\.name).filter { stored.index(of: $0) == nil }
    }

    func apply(_ batch: RecordBatch) throws -> RecordBatch {
        let columns = stored.fields.map { f -> Column in
            if let c = batch.column(named: f.name) { return c }
            var b = ColumnBuilder(type: f.type, capacity: batch.rowCount)
            for _ in 0 ..< batch.rowCount { b.appendNull() }
            return b.finish()
        }
        return try RecordBatch(schema: stored, columns: columns)
    }
}
