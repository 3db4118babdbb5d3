/// The buffers a page is assembled and compressed in, shared by every column writer.
///
/// They are needed only while a page is flushed, and a load keeps a thousand writers open,
/// which must not each hold a page's worth. A pool holds one pair per thread flushing at the
/// same moment, so buffers are not made and freed per chunk, and a wide file's columns do not
/// each keep a page-sized pair for a row group.
final class PageScratch: @unchecked Sendable {
    struct Buffers {
        var body: [UInt8] = []
        var compressed = ByteBuffer()
    }

    static let shared = PageScratch()

    /// Buffers larger than this (a page far above `pageMaxBytes`) are not kept.
    private let keepLimit = 8 << 20
    private let maxKept = 8
    // Guarded by `lock`.
    private var spare: [Buffers] = []
    private let lock = PthreadLock()

    private init() {}

    /// Runs `body` with a pair of empty buffers, taken back afterwards.
    func with<T>(_ body: (inout Buffers) throws -> T) rethrows -> T {
        var buffers = lock.withLock { spare.popLast() } ?? Buffers()
        buffers.body.removeAll(keepingCapacity: true)
        buffers.compressed.removeAll(keepingCapacity: true)
        defer {
            if buffers.body.capacity <= keepLimit && buffers.compressed.capacity <= keepLimit {
                lock.withLock { if spare.count < maxKept { spare.append(buffers) } }
            }
        }
        return try body(&buffers)
    }
}
