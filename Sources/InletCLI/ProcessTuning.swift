import Foundation
#if os(Linux)
import CMalloc
#endif

/// A partitioned load keeps one file open per partition (exports often span thousands of
/// dates); the default soft limit (often 1024) would force files to close and reopen as new
/// parts. Raise it to the hard limit, capped.
func raiseOpenFileLimit() {
    var limit = rlimit()
    #if os(Linux)
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    let resource = RLIMIT_NOFILE
    #endif
    guard getrlimit(resource, &limit) == 0 else { return }
    let wanted = min(limit.rlim_max, 65_536)
    if limit.rlim_cur < wanted {
        limit.rlim_cur = wanted
        _ = setrlimit(resource, &limit)
    }
}

/// glibc raises its mmap threshold each time a large mmapped buffer is freed (up to 32 MiB),
/// after which multi-MiB buffers come from the heaps of the threads that freed them and stay
/// resident there: peak RSS crept up with the length of the input (usage partitioned, 2M → 8M
/// rows: 130 → 156 MB). A fixed 4 MiB threshold keeps the largest buffers in mappings of their
/// own, returned on free (the per-block ones are pooled, so this costs no page faults per
/// block). Fixing it also fixes the trim threshold, at 128 KiB, which trimmed and refaulted the
/// heaps all the time; 16 MiB keeps that cost away. glibc's own MALLOC_*_ variables win.
func fixMallocThresholds() {
    #if os(Linux)
    let environment = ProcessInfo.processInfo.environment
    if environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = mallopt(M_MMAP_THRESHOLD, 4 << 20) }
    if environment["MALLOC_TRIM_THRESHOLD_"] == nil { _ = mallopt(M_TRIM_THRESHOLD, 16 << 20) }
    #endif
}
