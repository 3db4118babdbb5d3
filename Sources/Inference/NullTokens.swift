/// The `nullValues` tokens as bytes, with a length mask so most fields are rejected by one test.
struct NullTokens: Sendable {
    let tokens: [[UInt8]]
    private let lengthMask: UInt64

    init(_ values: [String]) {
        tokens = values.map { Array($0.utf8) }.filter { !$0.isEmpty }
        var m: UInt64 = 0
        for t in tokens where t.count < 64 { m |= 1 << UInt64(t.count) }
        lengthMask = m
    }

    var isEmpty: Bool { tokens.isEmpty }

    @inline(__always)
    func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n < 64, lengthMask & (1 << UInt64(n)) != 0 else { return false }
        for t in tokens where t.count == n {
            if t.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, n) == 0 }) { return true }
        }
        return false
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
