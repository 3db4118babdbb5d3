import Testing
@testable import Columnar

/// Moving rows of many batches straight to their places must give the rows a per-row copy
/// would, for every type, whatever the bit offsets of the validity bitmaps.
@Suite struct ScatterTests {
    let fixture = ConcatenateTests()

    /// Groups of rows out of three batches (ranges and scattered lists), each group's rows
    /// placed together in the order given, groups in reverse order of arrival.
    @Test func movedRowsLandWhereTheyWereSentForEveryType() throws {
        let a = try fixture.batch(0 ..< 200), b = try fixture.batch(1000 ..< 1130), c = try fixture.batch(5000 ..< 5001)
        let batches = [a, b, c]
        // (batch number, rows) of each group.
        let groups: [[(Int, RowSelection)]] = [
            [(0, .indices([199, 3, 64, 63, 0][...])), (1, .range(3 ..< 66)), (2, .range(0 ..< 1))],
            [(1, .indices(Array(stride(from: 129, to: 66, by: -2))[...])), (0, .range(100 ..< 164)), (0, .range(7 ..< 7))],
            [(2, .range(0 ..< 0)), (0, .indices(Array(stride(from: 1, to: 63, by: 5))[...]))],
        ]
        var expected: [[[Value]]] = []
        var moves: [Int: RowMoves] = [:]
        var at = 0
        for group in groups.reversed() {
            var rows: [[Value]] = []
            for (k, selection) in group {
                let batch = batches[k]
                moves[k, default: RowMoves()].append(selection, to: at)
                at += selection.count
                switch selection {
                case let .range(r): for i in r { rows.append(batch.row(i)) }
                case let .indices(list): for i in list { rows.append(batch.row(i)) }
                }
            }
            expected.append(rows)
        }
        let parts = moves.keys.sorted().map { (batch: batches[$0], moves: moves[$0]!) }
        let scattered = RecordBatch.scatter(parts, count: at, schema: a.schema)
        let flat = expected.flatMap { $0 }
        #expect(scattered.rowCount == flat.count)
        #expect((0 ..< scattered.rowCount).map { scattered.row($0) } == flat)
        for (col, type) in zip(scattered.columns, ConcatenateTests.types) {
            #expect(col.type == type)
            #expect(col.nullCount == flat.filter { $0[0] == .null }.count)
        }
    }

    /// Strings that are all empty (a source with no bytes at all) and no rows at all.
    @Test func emptyValuesAndEmptyResults() throws {
        let schema = Schema([Field("s", .string), Field("n", .int64)])
        let empty = try RecordBatch(schema: schema, columns: [Column(type: .string, values: [.string(""), .string("")]),
                                                             Column(type: .int64, values: [.int(1), .int(2)])])
        var moves = RowMoves()
        moves.append(.indices([1, 0][...]), to: 0)
        let out = RecordBatch.scatter([(empty, moves)], count: 2, schema: schema)
        #expect(out.row(0) == [.string(""), .int(2)] && out.row(1) == [.string(""), .int(1)])
        #expect(RecordBatch.scatter([(empty, RowMoves())], count: 0, schema: schema).rowCount == 0)
    }
}

/// Appending runs of equal bits word by word must match appending them one at a time.
@Suite struct ValidityBitmapRunTests {
    @Test func runsMatchBitByBitAppends() {
        var runs = ValidityBitmap(), single = ValidityBitmap()
        for (k, n) in [0, 1, 62, 1, 64, 65, 3, 127, 128, 5, 0, 200].enumerated() {
            let valid = k % 3 != 1
            runs.append(repeating: valid, count: n)
            for _ in 0 ..< n { single.append(valid) }
            #expect(runs == single, "after run \(k) of \(n) \(valid ? "valid" : "null") bits")
        }
        #expect(runs.nullCount == single.nullCount && runs.count == single.count)
        #expect(ValidityBitmap(words: single.words, count: single.count) == single)
    }
}
