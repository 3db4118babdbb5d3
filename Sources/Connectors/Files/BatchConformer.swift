import Columnar

/// Lays one object's batches out as the dataset's: its columns matched by name and put in
/// the dataset's order, columns it lacks null, typed columns cast where the dataset's type is
/// wider, then the object's hive folder values and its key as constant columns.
struct BatchConformer {
    let schema: Schema
    let url: String
    /// For each dataset column: where it comes from.
    private let sources: [Source]

    private enum Source {
        case column(Int, cast: DataType?)
        case null
        /// A one-row column repeated for every row.
        case constant(Column)
    }

    init(plan: DatasetPlan, batchSchema: Schema, object: LandingObject, casts: Bool) throws {
        schema = plan.schema
        url = object.url
        let hive = try HiveColumns.values(object.key, url: object.url, fields: plan.hive)
        var key: Column?
        if plan.fileColumn != nil {
            var b = ColumnBuilder(type: .string, capacity: 1)
            b.append(string: object.key)
            key = b.finish()
        }
        sources = plan.schema.fields.map { f in
            if let i = batchSchema.index(of: f.name) {
                let from = batchSchema.fields[i].type
                return .column(i, cast: from == f.type ? nil : (casts ? f.type : nil))
            }
            if let v = hive[f.name] { return .constant(v) }
            if f.name == plan.fileColumn, let key { return .constant(key) }
            return .null
        }
    }

    func conform(_ batch: RecordBatch) throws -> RecordBatch {
        let n = batch.rowCount
        var columns: [Column] = []
        columns.reserveCapacity(sources.count)
        for (f, source) in zip(schema.fields, sources) {
            switch source {
            case let .column(i, cast):
                let c = batch.columns[i]
                columns.append(try cast.map { t in try TypeWidening.cast(c, to: t, where: "\(url): column '\(f.name)'") } ?? c)
            case .null:
                var b = ColumnBuilder(type: f.type, capacity: n)
                for _ in 0 ..< n { b.appendNull() }
                columns.append(b.finish())
            case let .constant(one):
                columns.append(one.take([Int](repeating: 0, count: n)))
            }
        }
        return try RecordBatch(schema: schema, columns: columns)
    }
}
