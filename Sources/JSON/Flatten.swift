import Columnar

/// `--flatten`: struct fields become columns named `parent__child`, recursively (dlt's
/// convention); lists and maps stay as they are. A null struct's fields are null already.
enum Flatten {
    static func schema(_ schema: Schema) -> Schema {
        Schema(schema.fields.flatMap { fields($0, prefix: "") }, metadata: schema.metadata)
    }

    static func batch(_ batch: RecordBatch) -> RecordBatch {
        var fields: [Field] = []
        var columns: [Column] = []
        for (f, c) in zip(batch.schema.fields, batch.columns) { add(f, c, prefix: "", &fields, &columns) }
        // Children of the batch's own columns, renamed: same lengths and types.
        // swiftlint:disable:next force_try
        return try! RecordBatch(schema: Schema(fields, metadata: batch.schema.metadata), columns: columns)
    }

    private static func fields(_ f: Field, prefix: String) -> [Field] {
        guard case let .structure(children) = f.type else { return [Field(prefix + f.name, f.type, nullable: f.nullable)] }
        return children.flatMap { fields($0, prefix: prefix + f.name + "__") }
    }

    private static func add(_ f: Field, _ c: Column, prefix: String, _ fields: inout [Field], _ columns: inout [Column]) {
        guard case let .structure(children) = f.type, case let .structure(kids, _) = c.storage else {
            fields.append(Field(prefix + f.name, f.type, nullable: f.nullable))
            columns.append(c)
            return
        }
        for (child, column) in zip(children, kids) { add(child, column, prefix: prefix + f.name + "__", &fields, &columns) }
    }
}
