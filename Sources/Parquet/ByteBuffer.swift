/// Bytes whose logical length is kept apart from their initialized storage, for writes whose
/// final size is known only afterwards (a compressed page, a slice's PLAIN values): room is
/// made by moving the length, and storage is never zero-filled. Making room in a `[UInt8]`
/// zero-fills it every time, which cost the encoder as much as the copy itself.
struct ByteBuffer {
    private var storage: [UInt8] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }
    /// Bytes of storage held, used or not.
    var capacity: Int { storage.count }

    /// Lets `body` write up to `capacity` bytes after the end; keeps the count it returns.
    mutating func append(upTo capacity: Int, _ body: (UnsafeMutableRawPointer) throws -> Int) rethrows {
        let start = count
        if storage.count < start + capacity { grow(to: max(start + capacity, 2 * storage.count)) }
        let written = try storage.withUnsafeMutableBytes { try body($0.baseAddress! + start) }
        precondition(written <= capacity, "ByteBuffer: wrote past the room it was given")
        count = start + written
    }

    /// New storage with the used bytes copied over. Bytes past `count` are never read before
    /// they are written, so they are not zero-filled (a thousand partition files' chunks each
    /// grow their buffers from empty).
    private mutating func grow(to size: Int) {
        let used = count
        storage = storage.withUnsafeBufferPointer { old in
            [UInt8](unsafeUninitializedCapacity: size) { new, n in
                if used > 0 { new.baseAddress!.initialize(from: old.baseAddress!, count: used) }
                n = size
            }
        }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        append(upTo: bytes.count) { dst in
            dst.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            return bytes.count
        }
    }

    /// Empties the buffer; `keepingCapacity` keeps the storage for the next page.
    mutating func removeAll(keepingCapacity: Bool) {
        count = 0
        if !keepingCapacity { storage = [] }
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0 ..< count])) }
    }
}

extension Array where Element == UInt8 {
    mutating func append(contentsOf buffer: ByteBuffer) {
        buffer.withUnsafeBytes { append(contentsOf: $0) }
    }
}
