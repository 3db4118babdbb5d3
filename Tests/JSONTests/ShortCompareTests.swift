import Testing
@testable import JSON

/// The word-load comparison of field names agrees with a byte loop at every length and at
/// every position of a difference, and ignores bytes past the length.
@Suite struct ShortCompareTests {
    @Test func agreesWithAByteLoop() {
        let a: [UInt8] = (0 ..< 40).map { UInt8(0x41 + $0 % 26) }
        for n in 0 ... 40 {
            a.withUnsafeBufferPointer { pa in
                #expect(sameBytes(pa.baseAddress!, pa.baseAddress!, n))
            }
            for k in 0 ..< 40 {
                var b = a
                b[k] ^= 0x20
                let same = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in sameBytes(pa.baseAddress!, pb.baseAddress!, n) } }
                #expect(same == (k >= n), "length \(n), differing at \(k)")
            }
        }
    }
}
