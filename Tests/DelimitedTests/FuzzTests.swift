import TestSupport
import Testing
@testable import Delimited

/// Random and truncated bytes never crash or hang the reader, and tiny buffers always give
/// the same outcome (rows or the same error) as the default ones.
@Suite struct FuzzTests {
    static let alphabet: [[UInt8]] = [[0x61], [0x31], [0x2C], [0x3B], [0x09], [0x22], [0x22], [0x27], [0x0A], [0x0D],
                                     [0x0D, 0x0A], [0x20], Array("é".utf8), Array("東".utf8), [0xFF], [0x82], [0x00], [0xE9]]

    @Test func randomBytes() {
        var rng = SeededRandom(seed: 20_261_126)
        for iteration in 0..<300 {
            var bytes: [UInt8] = []
            let length = Int.random(in: 0...200, using: &rng)
            while bytes.count < length { bytes += Self.alphabet.randomElement(using: &rng)! }
            var options = CSVOptions()
            if Bool.random(using: &rng) { options.encodingErrors = .replace }
            if Int.random(in: 0..<4, using: &rng) == 0 { options.badRows = .skip }
            let a = BoundaryTests.outcome(bytes, options)
            let read = Int.random(in: 1...9, using: &rng)
            let b = BoundaryTests.outcome(bytes, Fixture.tiny(options, read: read, block: Int.random(in: 1...16, using: &rng), rows: Int.random(in: 1...4, using: &rng)))
            #expect(a == b, "iteration \(iteration) bytes \(bytes)")
        }
    }

    @Test func truncatedFiles() {
        let full = BoundaryTests.cases[0] + EncodingTests.cp932.prefix(0)
        for end in 0...full.count {
            let bytes = Array(full.prefix(end))
            let a = BoundaryTests.outcome(bytes, CSVOptions())
            let b = BoundaryTests.outcome(bytes, Fixture.tiny(read: 2, block: 3, rows: 1))
            #expect(a == b, "prefix \(end)")
        }
        for end in 0...EncodingTests.cp932.count {
            var o = CSVOptions()
            o.encoding = .shiftJIS
            let bytes = Array(EncodingTests.cp932.prefix(end))
            #expect(BoundaryTests.outcome(bytes, o) == BoundaryTests.outcome(bytes, Fixture.tiny(o, read: 1)), "cp932 prefix \(end)")
        }
    }
}
