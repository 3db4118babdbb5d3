import Testing
@testable import Delimited

/// The sniffer's allocation-free shape of a sample agrees with the full sample parser on
/// random text made of delimiters, quotes and line ends, for every candidate pair.
@Suite struct SampleShapeTests {
    @Test func agreesWithParseSample() {
        let alphabet: [UInt8] = Array("ab,;\t|\"'\n\r".utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var compared = 0
        for _ in 0 ..< 400 {
            let length = Int(next() % 120)
            let bytes = (0 ..< length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            for d in DialectSniffer.delimiters {
                for q in DialectSniffer.quotes {
                    for complete in [false, true] {
                        for maxRecords in [2, 500] {
                            let full = parseSample(bytes, delimiter: d, quote: q, maxRecords: maxRecords, complete: complete)
                            let shape = sampleShape(bytes, delimiter: d, quote: q, maxRecords: maxRecords, complete: complete)
                            let same = shape.counts == full.map(\.fields.count) && shape.quoted == full.contains { $0.quoted.contains(true) }
                            #expect(same, "\(String(decoding: bytes, as: UTF8.self).debugDescription) d=\(d) q=\(q) complete=\(complete)")
                            if !same { return }
                            compared += 1
                        }
                    }
                }
            }
        }
        #expect(compared == 400 * 4 * 2 * 2 * 2)
    }
}
