import Foundation

/// Variable-length values (UTF-8 strings or binary) as offsets into one byte arena,
/// so a batch of a million strings is two allocations, not a million.
public struct ByteArrays: Sendable, Hashable {
    /// `count + 1` entries; value `i` is `data[offsets[i] ..< offsets[i + 1]]`.
    public private(set) var offsets: [Int]
    public private(set) var data: [UInt8]

    public init() { offsets = [0]; data = [] }

    public init(offsets: [Int], data: [UInt8]) {
        precondition(offsets.first == 0 && offsets.last == data.count, "ByteArrays: offsets do not frame data")
        self.offsets = offsets
        self.data = data
    }

    public var count: Int { offsets.count - 1 }

    @inline(__always)
    public subscript(i: Int) -> ArraySlice<UInt8> { data[offsets[i] ..< offsets[i + 1]] }

    @inline(__always)
    public func length(at i: Int) -> Int { offsets[i + 1] - offsets[i] }

    /// Whether value `i` is exactly `bytes`.
    @inline(__always)
    public func equals(at i: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[i], n = offsets[i + 1] - start
        guard n == bytes.count else { return false }
        return data.withUnsafeBufferPointer { d in n == 0 || memcmp(d.baseAddress! + start, bytes.baseAddress!, n) == 0 }
    }

    public func string(at i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        data.append(contentsOf: bytes)
        offsets.append(data.count)
    }

    public mutating func append<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        data.append(contentsOf: bytes)
        offsets.append(data.count)
    }

    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { data.append(contentsOf: $0) }
        offsets.append(data.count)
    }

    public mutating func appendEmpty() { offsets.append(data.count) }

    public mutating func reserveCapacity(values: Int, bytes: Int) {
        offsets.reserveCapacity(values + 1)
        data.reserveCapacity(bytes)
    }

    public mutating func removeAll(keepingCapacity: Bool = true) {
        offsets.removeAll(keepingCapacity: keepingCapacity)
        offsets.append(0)
        data.removeAll(keepingCapacity: keepingCapacity)
    }
}
