/// Joining batches end to end, and what a column costs in memory: for buffering small
/// pieces (e.g. one partition's rows from many source batches) and encoding them as one.
extension Column {
    /// Bytes held by the buffers (values, offsets, validity); what buffering it costs.
    public var bufferBytes: Int {
        let values: Int
        switch storage {
        case let .boolean(a): values = a.count
        case let .int8(a): values = a.count
        case let .int16(a): values = 2 * a.count
        case let .int32(a): values = 4 * a.count
        case let .int64(a): values = 8 * a.count
        case let .float32(a): values = 4 * a.count
        case let .float64(a): values = 8 * a.count
        case let .decimal(a): values = 16 * a.count
        case let .bytes(b): values = b.data.count + 8 * b.offsets.count
        }
        return values + 8 * (validity?.words.count ?? 0)
    }

    /// The rows `rows` of each part, end to end; all parts must have `type`. One allocation
    /// per buffer, whatever the number of parts.
    public static func concatenate(_ parts: [(column: Column, rows: Range<Int>)], type: DataType) -> Column {
        guard let first = parts.first else {
            var empty = ColumnBuilder(type: type)
            return empty.finish()
        }
        if parts.count == 1, first.rows == 0 ..< first.column.count { return first.column }
        let total = parts.reduce(0) { $0 + $1.rows.count }
        var validity: ValidityBitmap?
        if parts.contains(where: { $0.column.validity != nil }) {
            var v = ValidityBitmap()
            v.reserveCapacity(total)
            for (c, rows) in parts {
                if let cv = c.validity { for i in rows { v.append(cv[i]) } } else { v.append(repeating: true, count: rows.count) }
            }
            validity = v
        }
        func join<T>(_ extract: (ColumnStorage) -> [T]?) -> [T] {
            var out: [T] = []
            out.reserveCapacity(total)
            for (c, rows) in parts {
                guard let a = extract(c.storage) else { preconditionFailure("Column.concatenate: mixed storage") }
                out.append(contentsOf: a[rows])
            }
            return out
        }
        let storage: ColumnStorage
        switch first.column.storage {
        case .boolean: storage = .boolean(join { if case let .boolean(a) = $0 { a } else { nil } })
        case .int8: storage = .int8(join { if case let .int8(a) = $0 { a } else { nil } })
        case .int16: storage = .int16(join { if case let .int16(a) = $0 { a } else { nil } })
        case .int32: storage = .int32(join { if case let .int32(a) = $0 { a } else { nil } })
        case .int64: storage = .int64(join { if case let .int64(a) = $0 { a } else { nil } })
        case .float32: storage = .float32(join { if case let .float32(a) = $0 { a } else { nil } })
        case .float64: storage = .float64(join { if case let .float64(a) = $0 { a } else { nil } })
        case .decimal: storage = .decimal(join { if case let .decimal(a) = $0 { a } else { nil } })
        case .bytes:
            storage = .bytes(ByteArrays.concatenate(parts.map { c, rows in
                guard case let .bytes(b) = c.storage else { preconditionFailure("Column.concatenate: mixed storage") }
                return (b, rows)
            }))
        }
        // Same type and one length for storage and validity, so this cannot fail.
        // swiftlint:disable:next force_try
        return try! Column(type: type, storage: storage, validity: validity)
    }
}

extension ByteArrays {
    /// Values `rows` of each part, end to end: their bytes joined, their offsets shifted.
    public static func concatenate(_ parts: [(arrays: ByteArrays, rows: Range<Int>)]) -> ByteArrays {
        var offsets: [Int] = [0]
        var data: [UInt8] = []
        offsets.reserveCapacity(parts.reduce(1) { $0 + $1.rows.count })
        data.reserveCapacity(parts.reduce(0) { $0 + $1.arrays.offsets[$1.rows.upperBound] - $1.arrays.offsets[$1.rows.lowerBound] })
        for (b, rows) in parts where !rows.isEmpty {
            let from = b.offsets[rows.lowerBound]
            let shift = data.count - from
            data.append(contentsOf: b.data[from ..< b.offsets[rows.upperBound]])
            offsets.append(contentsOf: b.offsets[rows.lowerBound + 1 ... rows.upperBound].lazy.map { $0 + shift })
        }
        return ByteArrays(offsets: offsets, data: data)
    }
}

extension RecordBatch {
    /// Bytes held by all columns' buffers.
    public var bufferBytes: Int { columns.reduce(0) { $0 + $1.bufferBytes } }

    /// The rows `rows` of each part (all of `schema`), end to end.
    public static func concatenate(_ parts: [(batch: RecordBatch, rows: Range<Int>)], schema: Schema) -> RecordBatch {
        if parts.count == 1, parts[0].rows == 0 ..< parts[0].batch.rowCount { return parts[0].batch }
        let columns = schema.fields.indices.map { i in
            Column.concatenate(parts.map { ($0.batch.columns[i], $0.rows) }, type: schema.fields[i].type)
        }
        // Columns share one length and the schema's types, so this cannot fail.
        // swiftlint:disable:next force_try
        return try! RecordBatch(schema: schema, columns: columns)
    }
}
