/// Building one batch out of rows of many: each source row is moved to a precomputed row of
/// the result, in one tight loop per column and source batch.
///
/// For regrouping many small pieces (a thousand partitions' few rows out of every source
/// batch) so that each group's rows are contiguous. Joining piece by piece pays a fixed cost
/// per piece and column (a dozen rows each), which came to more than the copying itself.

/// Where the rows of one source batch go: row `source[k]` becomes row `destination[k]`.
/// Row numbers are 32-bit (half the memory): one gathering holds a few MiB of rows.
public struct RowMoves: Sendable {
    public var source: [Int32] = []
    public var destination: [Int32] = []

    public init() {}

    public var count: Int { source.count }

    /// Moves rows `rows` (in their order) to consecutive rows from `start`.
    public mutating func append(_ rows: RowSelection, to start: Int) {
        var at = Int32(start)
        switch rows {
        case let .range(r):
            source.append(contentsOf: r.lazy.map { Int32($0) })
            destination.append(contentsOf: at ..< at + Int32(r.count))
        case let .indices(list):
            source.append(contentsOf: list.lazy.map { Int32($0) })
            for _ in list { destination.append(at); at += 1 }
        }
    }
}

extension RecordBatch {
    /// A batch of `count` rows whose every row is the destination of exactly one move of `parts`.
    public static func scatter(_ parts: [(batch: RecordBatch, moves: RowMoves)], count: Int, schema: Schema) -> RecordBatch {
        checkMoves(parts.map { ($0.batch.rowCount, $0.moves) }, count: count)
        let columns = schema.fields.indices.map { i in
            Column.scatter(parts.map { ($0.batch.columns[i], $0.moves) }, count: count, type: schema.fields[i].type)
        }
        // Every column has `count` rows of the schema's type, so this cannot fail.
        // swiftlint:disable:next force_try
        return try! RecordBatch(schema: schema, columns: columns)
    }

    /// The column loops write through raw pointers: every source row must exist and every
    /// row of the result be written exactly once (one pass over a bitmap).
    private static func checkMoves(_ parts: [(rows: Int, moves: RowMoves)], count: Int) {
        var seen = [UInt64](repeating: 0, count: (count + 63) / 64)
        var moved = 0
        for (rows, m) in parts {
            precondition(m.source.count == m.destination.count, "RecordBatch.scatter: unpaired moves")
            for k in 0 ..< m.count {
                let s = Int(m.source[k]), d = Int(m.destination[k])
                precondition(s >= 0 && s < rows && d >= 0 && d < count, "RecordBatch.scatter: move \(s) → \(d) out of range")
                let bit: UInt64 = 1 << UInt64(d & 63)
                precondition(seen[d >> 6] & bit == 0, "RecordBatch.scatter: row \(d) written twice")
                seen[d >> 6] |= bit
            }
            moved += m.count
        }
        precondition(moved == count, "RecordBatch.scatter: \(moved) moves for \(count) rows")
    }
}

extension Column {
    /// One column of `RecordBatch.scatter` (moves already checked).
    static func scatter(_ parts: [(column: Column, moves: RowMoves)], count: Int, type: DataType) -> Column {
        guard let first = parts.first, count > 0 else {
            var empty = ColumnBuilder(type: type)
            return empty.finish()
        }
        let storage = type.isNested ? scatterNested(parts, count: count, type: type)
            : Mover(parts: parts, count: count).assemble(like: first.column.storage)
        let validity = parts.contains { $0.column.validity != nil } ? scatterValidity(parts, count: count) : nil
        // Same type and one length for storage and validity, so this cannot fail.
        // swiftlint:disable:next force_try
        return try! Column(type: type, storage: storage, validity: validity)
    }

    /// Nested columns: the moves turned into runs of one part's rows in destination order,
    /// joined by `gatherNested`.
    private static func scatterNested(_ parts: [(column: Column, moves: RowMoves)], count: Int, type: DataType) -> ColumnStorage {
        var part = [Int32](repeating: 0, count: count), row = [Int](repeating: 0, count: count)
        for (p, (_, m)) in parts.enumerated() {
            for k in 0 ..< m.count {
                part[Int(m.destination[k])] = Int32(p)
                row[Int(m.destination[k])] = Int(m.source[k])
            }
        }
        var runs: [(column: Column, rows: RowSelection)] = []
        var start = 0
        while start < count {
            var end = start + 1
            while end < count, part[end] == part[start] { end += 1 }
            runs.append((parts[Int(part[start])].column, RowSelection(row[start ..< end])))
            start = end
        }
        return gatherNested(runs, type: type, total: count)
    }

    private static func scatterValidity(_ parts: [(column: Column, moves: RowMoves)], count: Int) -> ValidityBitmap {
        var words = [UInt64](repeating: 0, count: (count + 63) / 64)
        words.withUnsafeMutableBufferPointer { w in
            for (c, m) in parts {
                m.destination.withUnsafeBufferPointer { to in
                    guard let v = c.validity else {
                        for d in to { w[Int(d) >> 6] |= 1 << UInt64(d & 63) }
                        return
                    }
                    v.words.withUnsafeBufferPointer { bits in
                        m.source.withUnsafeBufferPointer { from in
                            for k in 0 ..< from.count {
                                let s = Int(from[k]), d = Int(to[k])
                                w[d >> 6] |= ((bits[s >> 6] >> UInt64(s & 63)) & 1) << UInt64(d & 63)
                            }
                        }
                    }
                }
            }
        }
        return ValidityBitmap(words: words, count: count)
    }
}

/// Every part's rows moved to their places in one new buffer.
private struct Mover: StorageAssembler {
    let parts: [(column: Column, moves: RowMoves)]
    let count: Int

    func values<T>(_ array: (ColumnStorage) -> [T]?) -> [T] {
        [T](unsafeUninitializedCapacity: count) { out, n in
            for (c, m) in parts {
                guard let a = array(c.storage) else { preconditionFailure("Column.scatter: mixed storage") }
                a.withUnsafeBufferPointer { src in
                    m.source.withUnsafeBufferPointer { from in
                        m.destination.withUnsafeBufferPointer { to in
                            for k in 0 ..< from.count { (out.baseAddress! + Int(to[k])).initialize(to: src[Int(from[k])]) }
                        }
                    }
                }
            }
            n = count
        }
    }

    func bytes(_ arrays: (ColumnStorage) -> ByteArrays?) -> ByteArrays {
        ByteArrays.scatter(parts.map { c, m in
            guard let b = arrays(c.storage) else { preconditionFailure("Column.scatter: mixed storage") }
            return (b, m)
        }, count: count)
    }
}

extension ByteArrays {
    /// The values column of `Column.scatter`: lengths first (their running sum is the result's
    /// offsets), then each value's bytes to where its row starts.
    static func scatter(_ parts: [(arrays: ByteArrays, moves: RowMoves)], count: Int) -> ByteArrays {
        let offsets = [Int](unsafeUninitializedCapacity: count + 1) { off, n in
            off[0] = 0
            for (b, m) in parts {
                b.offsets.withUnsafeBufferPointer { o in
                    m.source.withUnsafeBufferPointer { from in
                        m.destination.withUnsafeBufferPointer { to in
                            for k in 0 ..< from.count { let s = Int(from[k]); off[Int(to[k]) + 1] = o[s + 1] - o[s] }
                        }
                    }
                }
            }
            for i in 0 ..< count { off[i + 1] += off[i] }
            n = count + 1
        }
        let bytes = offsets[count]
        let data = [UInt8](unsafeUninitializedCapacity: bytes) { dst, n in
            n = bytes
            guard bytes > 0 else { return }
            offsets.withUnsafeBufferPointer { off in
                for (b, m) in parts {
                    b.offsets.withUnsafeBufferPointer { o in
                        b.data.withUnsafeBufferPointer { src in
                            // No bytes at all: every value it moves is empty.
                            guard src.baseAddress != nil else { return }
                            m.source.withUnsafeBufferPointer { from in
                                m.destination.withUnsafeBufferPointer { to in
                                    for k in 0 ..< from.count {
                                        let s = Int(from[k]), d = Int(to[k])
                                        copyBytes(dst.baseAddress! + off[d], src.baseAddress! + o[s], off[d + 1] - off[d])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return ByteArrays(offsets: offsets, data: data)
    }
}
