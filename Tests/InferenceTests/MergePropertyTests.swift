import TestSupport
import Columnar
import Delimited
import Testing
@testable import Inference

/// Splitting a file into chunks, observing them in any order on separate states and merging
/// in any order gives exactly the single-pass result (types, counts, forcing value and line).
@Suite struct MergePropertyTests {
    static let pools: [[String?]] = [
        ["true", "False", "TRUE"],
        ["1", "-42", "0", "9223372036854775807", "123"],
        ["1,234", "12", "-9,999,999", "1,000"],
        ["1.5", "-0.25", "3e4", "NaN", "7"],
        ["99999999999999999999", "-123456789012345678901234567890"],
        ["2025-03-14", "1969-07-20", "9999-12-31", "2024-02-29"],
        ["1/2/2025", "3/4/2025", "5/6/1999"],
        ["3/14/2025", "12/31/2025"],
        ["14/3/2025", "31/12/2025"],
        ["2025-03-14T09:00:00", "2017-01-18T22:21:04", "2025-03-14 10:00:00.123"],
        ["2025-03-14T09:00:00+09:00", "2025-03-14T00:00:00Z"],
        ["3/14/2025 2:05:07 PM", "1/1/2025 12:00 AM"],
        ["abc", "007", "$5", "12%", "2023-02-29", "1,2345"],
        ["NA", "NULL"],
        [nil],
    ]

    func randomColumn(_ rows: Int, _ rng: inout SeededRandom) -> [String?] {
        let main = Int.random(in: 0 ..< Self.pools.count, using: &rng)
        let noise = Double.random(in: 0 ..< 0.05, using: &rng)
        return (0 ..< rows).map { _ in
            let pool = Double.random(in: 0 ..< 1, using: &rng) < noise
                ? Self.pools[Int.random(in: 0 ..< Self.pools.count, using: &rng)] : Self.pools[main]
            return pool.randomElement(using: &rng)!
        }
    }

    @Test func mergeEqualsSinglePass() {
        var rng = SeededRandom(seed: 20_251_126)
        for round in 0 ..< 200 {
            let width = Int.random(in: 1 ... 5, using: &rng)
            let rows = Int.random(in: 1 ... 300, using: &rng)
            let cols = (0 ..< width).map { _ in randomColumn(rows, &rng) }
            var opts = InferenceOptions()
            opts.nullValues = ["NA", "NULL"]
            if Bool.random(using: &rng) { opts.decimals = .exact }
            if Bool.random(using: &rng) { opts.dateOrder = .dmy }
            let names = (0 ..< width).map { "c\($0)" }

            func makeChunk(_ range: Range<Int>) -> FieldChunk {
                var c = FieldChunk(columnCount: width)
                for r in range { c.appendRow(cols.map { $0[r] }, line: 2 + r) }
                return c
            }
            var single = InferenceState(columnNames: names, options: opts)
            single.observe(makeChunk(0 ..< rows))
            let expected = single.finish()

            // Random split, chunks dealt to random states in shuffled order, merged shuffled.
            var cuts = Set<Int>()
            for _ in 0 ..< Int.random(in: 0 ... 6, using: &rng) { cuts.insert(Int.random(in: 1 ... rows, using: &rng)) }
            let bounds = [0] + cuts.sorted().filter { $0 < rows } + [rows]
            var chunks = zip(bounds, bounds.dropFirst()).map { makeChunk($0 ..< $1) }
            chunks.shuffle(using: &rng)
            var states = (0 ..< Int.random(in: 1 ... 3, using: &rng)).map { _ in InferenceState(columnNames: names, options: opts) }
            for c in chunks { states[Int.random(in: 0 ..< states.count, using: &rng)].observe(c) }
            states.shuffle(using: &rng)
            var merged = states[0]
            for s in states.dropFirst() { merged.merge(s) }
            let got = merged.finish()

            #expect(got.schema == expected.schema, "round \(round)")
            #expect(got.report.columns == expected.report.columns, "round \(round)")
            #expect(got.report.warnings == expected.report.warnings, "round \(round)")
            #expect(merged.rowCount == rows)
        }
    }

    /// Whatever inference decides, converting the same values never fails.
    @Test func inferredPlansConvertEveryValue() throws {
        var rng = SeededRandom(seed: 99)
        for _ in 0 ..< 200 {
            let rows = Int.random(in: 1 ... 100, using: &rng)
            let col = randomColumn(rows, &rng)
            var opts = InferenceOptions()
            opts.nullValues = ["NA", "NULL"]
            if Bool.random(using: &rng) { opts.decimals = .exact }
            let r = infer(col, opts)
            let out = try BatchConverter(result: r, fileName: "p.csv").convert(chunk(col))
            #expect(out.batch.rowCount == rows)
            #expect(out.batch.columns[0].nullCount == r.report.columns[0].nullCount)
        }
    }
}

@Suite struct ParallelInferenceTests {
    @Test func parallelObserveEqualsSequential() {
        var rng = SeededRandom(seed: 5)
        let pools = MergePropertyTests.pools
        var chunks: [FieldChunk] = []
        var line = 2
        let cols = (0 ..< 4).map { _ in pools.randomElement(using: &rng)! }
        for _ in 0 ..< 9 {
            var c = FieldChunk(columnCount: 4)
            for _ in 0 ..< 50 {
                c.appendRow(cols.map { p in Double.random(in: 0 ..< 1, using: &rng) < 0.02 ? "x" : p.randomElement(using: &rng)! }, line: line)
                line += 1
            }
            chunks.append(c)
        }
        let names = ["a", "b", "c", "d"]
        var seq = InferenceState(columnNames: names, options: InferenceOptions())
        for c in chunks { seq.observe(c) }
        let par = InferenceState.observe(chunks, columnNames: names, options: InferenceOptions(), threads: 3)
        #expect(par.finish().report.columns == seq.finish().report.columns)
        #expect(par.rowCount == 450)
    }
}
