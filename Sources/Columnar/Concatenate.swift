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
        case let .list(offsets, child): values = 4 * offsets.count + child.bufferBytes
        case let .structure(children, _): values = children.reduce(0) { $0 + $1.bufferBytes }
        case let .map(offsets, keys, items): values = 4 * offsets.count + keys.bufferBytes + items.bufferBytes
        }
        return values + 8 * (validity?.words.count ?? 0)
    }

    /// The rows `rows` of each part, end to end; all parts must have `type`. One allocation
    /// per buffer, whatever the number of parts.
    public static func concatenate(_ parts: [(column: Column, rows: Range<Int>)], type: DataType) -> Column {
        concatenate(parts.map { ($0.column, RowSelection.range($0.rows)) }, type: type)
    }

    /// The selected rows of each part, end to end: ranges are copied in bulk, row lists
    /// gathered, straight into one allocation per buffer.
    public static func concatenate(_ parts: [(column: Column, rows: RowSelection)], type: DataType) -> Column {
        guard let first = parts.first else {
            var empty = ColumnBuilder(type: type)
            return empty.finish()
        }
        if parts.count == 1, case let .range(r) = first.rows, r == 0 ..< first.column.count { return first.column }
        let total = parts.reduce(0) { $0 + $1.rows.count }
        var validity: ValidityBitmap?
        if parts.contains(where: { $0.column.validity != nil }) {
            var v = ValidityBitmap()
            v.reserveCapacity(total)
            for (c, rows) in parts {
                guard let cv = c.validity else { v.append(repeating: true, count: rows.count); continue }
                switch rows {
                case let .range(r): for i in r { v.append(cv[i]) }
                case let .indices(list): for i in list { v.append(cv[i]) }
                }
            }
            validity = v
        }
        let storage = type.isNested ? gatherNested(parts, type: type, total: total)
            : Joiner(parts: parts, total: total).assemble(like: first.column.storage)
        // Same type and one length for storage and validity, so this cannot fail.
        // swiftlint:disable:next force_try
        return try! Column(type: type, storage: storage, validity: validity)
    }
}

extension Column {
    /// The selected rows of nested columns, end to end: a list's or map's offsets are rebuilt
    /// from the rows' lengths and its children gathered by element; a struct's children are
    /// gathered row for row.
    static func gatherNested(_ parts: [(column: Column, rows: RowSelection)], type: DataType, total: Int) -> ColumnStorage {
        switch type {
        case let .structure(fields):
            let children = fields.indices.map { f in
                concatenate(parts.map { c, rows -> (Column, RowSelection) in
                    guard case let .structure(kids, _) = c.storage else { preconditionFailure("Column.concatenate: mixed storage") }
                    return (kids[f], rows)
                }, type: fields[f].type)
            }
            return .structure(children: children, rows: total)
        case .list, .map:
            var offsets: [Int32] = [0]
            offsets.reserveCapacity(total + 1)
            var elementRows: [(part: Int, rows: RowSelection)] = []
            for (p, (c, rows)) in parts.enumerated() {
                let o: [Int32]
                switch c.storage {
                case let .list(off, _), let .map(off, _, _): o = off
                default: preconditionFailure("Column.concatenate: mixed storage")
                }
                switch rows {
                case let .range(r):
                    for i in r { offsets.append(offsets.last! + o[i + 1] - o[i]) }
                    if !r.isEmpty { elementRows.append((p, .range(Int(o[r.lowerBound]) ..< Int(o[r.upperBound])))) }
                case let .indices(list):
                    var idx: [Int] = []
                    for i in list {
                        offsets.append(offsets.last! + o[i + 1] - o[i])
                        idx.append(contentsOf: Int(o[i]) ..< Int(o[i + 1]))
                    }
                    elementRows.append((p, .indices(idx[...])))
                }
            }
            func child(_ pick: (ColumnStorage) -> Column, _ t: DataType) -> Column {
                concatenate(elementRows.map { (pick(parts[$0.part].column.storage), $0.rows) }, type: t)
            }
            if case let .list(e) = type {
                return .list(offsets: offsets, values: child({ if case let .list(_, v) = $0 { v } else { preconditionFailure() } }, e.type))
            }
            guard case let .map(k, v) = type else { preconditionFailure() }
            return .map(offsets: offsets, keys: child({ if case let .map(_, keys, _) = $0 { keys } else { preconditionFailure() } }, k),
                        values: child({ if case let .map(_, _, vals) = $0 { vals } else { preconditionFailure() } }, v.type))
        default:
            preconditionFailure("Column.gatherNested: \(type.name) is not nested")
        }
    }
}

/// Each part's selected values, end to end, straight into one allocation per buffer.
private struct Joiner: StorageAssembler {
    let parts: [(column: Column, rows: RowSelection)]
    let total: Int

    func values<T>(_ array: (ColumnStorage) -> [T]?) -> [T] {
        [T](unsafeUninitializedCapacity: total) { out, n in
            var at = out.baseAddress!
            for (c, rows) in parts {
                guard let a = array(c.storage) else { preconditionFailure("Column.concatenate: mixed storage") }
                a.withUnsafeBufferPointer { src in
                    switch rows {
                    case let .range(r):
                        at.initialize(from: src.baseAddress! + r.lowerBound, count: r.count)
                        at += r.count
                    case let .indices(list):
                        for i in list { at.initialize(to: src[i]); at += 1 }
                    }
                }
            }
            n = total
        }
    }

    func bytes(_ arrays: (ColumnStorage) -> ByteArrays?) -> ByteArrays {
        ByteArrays.concatenate(parts.map { c, rows in
            guard let b = arrays(c.storage) else { preconditionFailure("Column.concatenate: mixed storage") }
            return (b, rows)
        })
    }
}

/// Which rows of a column or batch to take: a contiguous range, or row numbers in the order
/// wanted (e.g. one partition's rows of a batch, shared with the batch's row order).
public enum RowSelection: Equatable, Sendable {
    case range(Range<Int>)
    case indices(ArraySlice<Int>)

    /// A range when the rows are consecutive and ascending (sorted input): bulk copies, or none.
    public init(_ rows: ArraySlice<Int>) {
        if let first = rows.first, rows.last! - first == rows.count - 1, rows.elementsEqual(first ..< first + rows.count) {
            self = .range(first ..< first + rows.count)
        } else if rows.isEmpty {
            self = .range(0 ..< 0)
        } else {
            self = .indices(rows)
        }
    }

    public var count: Int {
        switch self {
        case let .range(r): r.count
        case let .indices(list): list.count
        }
    }
}

extension ByteArrays {
    /// Values `rows` of each part, end to end: their bytes joined, their offsets shifted.
    public static func concatenate(_ parts: [(arrays: ByteArrays, rows: Range<Int>)]) -> ByteArrays {
        concatenate(parts.map { ($0.arrays, RowSelection.range($0.rows)) })
    }

    /// The selected values of each part, end to end, in one data and one offsets buffer.
    public static func concatenate(_ parts: [(arrays: ByteArrays, rows: RowSelection)]) -> ByteArrays {
        var values = 0, bytes = 0
        for (b, rows) in parts {
            values += rows.count
            switch rows {
            case let .range(r): bytes += r.isEmpty ? 0 : b.offsets[r.upperBound] - b.offsets[r.lowerBound]
            case let .indices(list): for i in list { bytes += b.offsets[i + 1] - b.offsets[i] }
            }
        }
        var at = 0, k = 0
        var offsets = [Int](unsafeUninitializedCapacity: values + 1) { off, n in off[0] = 0; n = values + 1 }
        let data = [UInt8](unsafeUninitializedCapacity: bytes) { dst, n in
            offsets.withUnsafeMutableBufferPointer { off in
                for (b, rows) in parts {
                    b.offsets.withUnsafeBufferPointer { o in
                        b.data.withUnsafeBufferPointer { src in
                            switch rows {
                            case let .range(r):
                                guard !r.isEmpty else { return }
                                let from = o[r.lowerBound], length = o[r.upperBound] - from
                                if length > 0 { (dst.baseAddress! + at).initialize(from: src.baseAddress! + from, count: length) }
                                let shift = at - from
                                for i in r { k += 1; off[k] = o[i + 1] + shift }
                                at += length
                            case let .indices(list):
                                for i in list {
                                    let from = o[i], length = o[i + 1] - from
                                    copyBytes(dst.baseAddress! + at, src.baseAddress! + from, length)
                                    at += length
                                    k += 1
                                    off[k] = at
                                }
                            }
                        }
                    }
                }
            }
            n = bytes
        }
        return ByteArrays(offsets: offsets, data: data)
    }
}

extension RecordBatch {
    /// Bytes held by all columns' buffers.
    public var bufferBytes: Int { columns.reduce(0) { $0 + $1.bufferBytes } }

    /// The rows `rows` of each part (all of `schema`), end to end.
    public static func concatenate(_ parts: [(batch: RecordBatch, rows: Range<Int>)], schema: Schema) -> RecordBatch {
        concatenate(parts.map { ($0.batch, RowSelection.range($0.rows)) }, schema: schema)
    }

    /// The selected rows of each part (all of `schema`), end to end.
    public static func concatenate(_ parts: [(batch: RecordBatch, rows: RowSelection)], schema: Schema) -> RecordBatch {
        if parts.count == 1, parts[0].rows == .range(0 ..< parts[0].batch.rowCount) { return parts[0].batch }
        let columns = schema.fields.indices.map { i in
            Column.concatenate(parts.map { ($0.batch.columns[i], $0.rows) }, type: schema.fields[i].type)
        }
        // Columns share one length and the schema's types, so this cannot fail.
        // swiftlint:disable:next force_try
        return try! RecordBatch(schema: schema, columns: columns)
    }
}

/// Copies `n` bytes between buffers that do not overlap. Values gathered one by one are
/// mostly a few bytes long, where a call to memmove costs more than the copy: up to 32
/// bytes move as (overlapping) 4- or 8-byte words, never touching a byte outside either range.
@inline(__always)
func copyBytes(_ dst: UnsafeMutablePointer<UInt8>, _ src: UnsafePointer<UInt8>, _ n: Int) {
    let d = UnsafeMutableRawPointer(dst), s = UnsafeRawPointer(src)
    if n >= 8 {
        if n <= 16 {
            let a = s.loadUnaligned(as: UInt64.self), b = s.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            d.storeBytes(of: a, as: UInt64.self)
            d.storeBytes(of: b, toByteOffset: n - 8, as: UInt64.self)
        } else if n <= 32 {
            let a = s.loadUnaligned(as: UInt64.self), b = s.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = s.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self), e = s.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            d.storeBytes(of: a, as: UInt64.self)
            d.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            d.storeBytes(of: c, toByteOffset: n - 16, as: UInt64.self)
            d.storeBytes(of: e, toByteOffset: n - 8, as: UInt64.self)
        } else {
            dst.initialize(from: src, count: n)
        }
    } else if n >= 4 {
        let a = s.loadUnaligned(as: UInt32.self), b = s.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        d.storeBytes(of: a, as: UInt32.self)
        d.storeBytes(of: b, toByteOffset: n - 4, as: UInt32.self)
    } else {
        for j in 0 ..< n { dst[j] = src[j] }
    }
}
