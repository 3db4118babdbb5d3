import Testing
@testable import Parquet

@Suite struct ByteBufferTests {
    @Test func roomIsReusedAndOnlyWrittenBytesCount() {
        var b = ByteBuffer()
        b.append(upTo: 10) { p in
            for i in 0 ..< 3 { p.storeBytes(of: UInt8(i + 1), toByteOffset: i, as: UInt8.self) }
            return 3
        }
        let tail: [UInt8] = [9, 8]
        tail.withUnsafeBytes { b.append($0) }
        #expect(b.count == 5)
        #expect(b.withUnsafeBytes { Array($0) } == [1, 2, 3, 9, 8])

        // Emptied with its room kept, the next write starts at 0 and sees only its own bytes.
        b.removeAll(keepingCapacity: true)
        #expect(b.isEmpty)
        b.append(upTo: 4) { p in p.storeBytes(of: UInt8(7), as: UInt8.self); return 1 }
        var out: [UInt8] = [0]
        out.append(contentsOf: b)
        #expect(out == [0, 7])

        b.removeAll(keepingCapacity: false)
        #expect(b.withUnsafeBytes { $0.count } == 0)
    }

    @Test func growsPastItsStorageKeepingEarlierBytes() {
        var b = ByteBuffer()
        var expected: [UInt8] = []
        for round in 0 ..< 40 {
            let chunk = (0 ..< (round * 97 % 1000)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ round) }
            chunk.withUnsafeBytes { b.append($0) }
            expected += chunk
        }
        #expect(b.count == expected.count)
        #expect(b.withUnsafeBytes { Array($0) } == expected)
    }
}
