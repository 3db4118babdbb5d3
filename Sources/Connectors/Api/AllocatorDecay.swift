#if canImport(Glibc)
import Glibc
#endif

/// jemalloc (linked into `inlet` on Linux) keeps freed pages for about ten seconds in case they
/// are wanted again. An API run's typing pass frees a block's worth every few milliseconds, so
/// those kept pages were a large part of its peak RSS; told to return them at once, it peaks
/// lower (measured with `scripts/bench api`). Held by the pass: the previous setting comes back
/// when it ends, so other pipelines of the same `inlet run` keep jemalloc's default. Set through
/// `mallctl`, looked up at run time: another allocator (the test binaries, macOS) has none, and
/// nothing changes.
final class AllocatorDecay: @unchecked Sendable {
    private typealias MallCtl = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?,
                                                UnsafeMutableRawPointer?, Int) -> Int32
    private let mallctl: MallCtl?
    private var previous: [String: Int] = [:]

    /// Freed pages go back to the system after `milliseconds` (0: at once), in every arena.
    init(returnFreedPagesAfter milliseconds: Int) {
        #if os(Linux)
        mallctl = dlsym(nil, "mallctl").map { unsafeBitCast($0, to: MallCtl.self) }
        #else
        mallctl = nil
        #endif
        for kind in ["dirty", "muzzy"] {
            if let old = get("arenas.\(kind)_decay_ms") { previous[kind] = old }
        }
        apply { _ in milliseconds }
    }

    deinit {
        apply { previous[$0] }
    }

    /// Sets each kind's decay to `value(kind)` for arenas made later and for every existing one
    /// (an arena not yet in use refuses, which is fine).
    private func apply(_ value: (String) -> Int?) {
        guard mallctl != nil else { return }
        var arenas: UInt32 = 0
        var size = MemoryLayout<UInt32>.size
        _ = "arenas.narenas".withCString { mallctl!($0, &arenas, &size, nil, 0) }
        for kind in ["dirty", "muzzy"] {
            guard let v = value(kind) else { continue }
            set("arenas.\(kind)_decay_ms", v)
            for i in 0 ..< arenas { set("arena.\(i).\(kind)_decay_ms", v) }
        }
    }

    private func get(_ name: String) -> Int? {
        guard let mallctl else { return nil }
        var v = 0
        var size = MemoryLayout<Int>.size
        return name.withCString { mallctl($0, &v, &size, nil, 0) } == 0 ? v : nil
    }

    private func set(_ name: String, _ value: Int) {
        var v = value
        _ = name.withCString { mallctl?($0, nil, nil, &v, MemoryLayout<Int>.size) }
    }
}
