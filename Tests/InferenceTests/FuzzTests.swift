import TestSupport
import Columnar
import Delimited
import Testing
@testable import Inference

/// Random and truncated bytes never crash the scanners, and an inferred plan always converts
/// the values it was inferred from.
@Suite struct FuzzTests {
    static let alphabet = Array("0123456789+-.,:/ TZeE-aAmMpPnNfiI$%\u{00}\u{FF}".utf8)
    static let seeds = ["2025-03-14T09:00:00.123456+09:00", "3/14/2025 2:05:07 PM", "-1,234,567.890e-12",
                        "99999999999999999999999999999999999999", "Infinity", "20250314", "true"]

    func randomValue(_ rng: inout SeededRandom) -> [UInt8] {
        if Bool.random(using: &rng) {
            let s = Array(Self.seeds.randomElement(using: &rng)!.utf8)
            var v = Array(s.prefix(Int.random(in: 0 ... s.count, using: &rng)))   // truncated
            if !v.isEmpty, Bool.random(using: &rng) { v[Int.random(in: 0 ..< v.count, using: &rng)] = Self.alphabet.randomElement(using: &rng)! }
            return v
        }
        return (0 ..< Int.random(in: 0 ... 40, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! }
    }

    @Test func scannersSurviveRandomBytes() {
        var rng = SeededRandom(seed: 4242)
        for _ in 0 ..< 50_000 {
            let v = randomValue(&rng)
            v.withUnsafeBytes { b in
                _ = NumberParsers.int64(b)
                _ = NumberParsers.double(b)
                _ = NumberParsers.decimal(b, precision: 38, scale: 5)
                if let p = b.baseAddress?.assumingMemoryBound(to: UInt8.self) {
                    _ = TemporalParts.scan(p, b.count).map { ($0.accepts, $0.micros(order: .dmy)) }
                }
            }
        }
    }

    @Test func inferredPlansAcceptTheirOwnValues() throws {
        var rng = SeededRandom(seed: 777)
        for _ in 0 ..< 300 {
            let seed = Self.seeds.randomElement(using: &rng)!
            var c = FieldChunk(columnCount: 1)
            for i in 0 ..< Int.random(in: 1 ... 30, using: &rng) {
                // Mostly well-formed variations of one seed, sometimes noise.
                let v: [UInt8] = Double.random(in: 0 ..< 1, using: &rng) < 0.8 ? Array(seed.utf8) : randomValue(&rng)
                c.appendRow([(v, Bool.random(using: &rng))], line: i + 2)
            }
            var s = InferenceState(columnNames: ["f"], options: options { $0.allowCompactDates = true; $0.decimals = .exact })
            s.observe(c)
            let out = try BatchConverter(result: s.finish(), fileName: "fuzz.csv").convert(c)
            #expect(out.batch.rowCount == c.rowCount)
        }
    }
}
