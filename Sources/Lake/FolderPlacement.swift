#if canImport(Glibc)
import Glibc
#endif

/// Where the file system puts a partitioned load's thousand new folders.
///
/// ext4 places a new folder's inode (and then its files' inodes and blocks) in or near its
/// parent's block group, and on a file system without a journal it skips every inode freed in
/// the last 30 s to 5 min, checking each one, on every allocation. A load soon after another
/// load (or a replace, or a deleted lake) then pays for a scan past all the inodes just freed,
/// for each of its new inodes (docs/PERFORMANCE.md). Marking the
/// staged `partitions` folder as a top of a hierarchy (`chattr +T`) makes ext4 place each
/// partition folder in the block group with the fewest folders (the Orlov allocator), so a
/// load's folders spread a few to a group, and so do the inodes the last load freed. Other
/// file systems reject or ignore the flag, which changes nothing.
enum FolderPlacement {
    /// Sets the ext4 top-of-hierarchy flag on `path`; false when the file system refuses it.
    @discardableResult
    static func spreadSubfolders(of path: String) -> Bool {
        withFlags(path) { fd, flags in
            if flags & topDir != 0 { return true }
            var set = flags | topDir
            return ioctl(fd, setFlags, &set) == 0
        } ?? false
    }

    /// Whether `path` carries the flag (for tests and diagnostics).
    static func spreadsSubfolders(_ path: String) -> Bool {
        withFlags(path) { _, flags in flags & topDir != 0 } ?? false
    }

    /// Calls `body` with an open descriptor of the folder and its inode flags; nil when either
    /// is unavailable (no such folder, or a file system without them).
    private static func withFlags<T>(_ path: String, _ body: (Int32, Int) -> T) -> T? {
        #if os(Linux)
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var flags = 0
        guard ioctl(fd, getFlags, &flags) == 0 else { return nil }
        return body(fd, flags)
        #else
        return nil
        #endif
    }

    // linux/fs.h: FS_IOC_GETFLAGS, FS_IOC_SETFLAGS (long-sized argument), FS_TOPDIR_FL.
    private static let getFlags: UInt = 0x8008_6601
    private static let setFlags: UInt = 0x4008_6602
    private static let topDir = 0x0002_0000
}
