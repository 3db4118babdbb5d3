import Foundation
#if os(Linux)
import CMalloc
#endif

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
