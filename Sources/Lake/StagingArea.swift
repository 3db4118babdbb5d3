#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ObjectStore

/// A load's private folder: `{base}/{runId}/files/…` holds the new files in their final
/// layout (and, after a folder swap, the old folders until they are deleted). `{base}/.lock` (flock)
/// keeps two loads of one dataset apart; a killed run's lock dies with it, and the next run
/// sweeps its leftovers.
///
/// For `LocalStore` the base is `{root}/_staging/{id}` (same file system, so publishing is a
/// rename, and outside `datasets/{id}/`, so even readers that do not skip `_` folders never
/// see it); for other stores it is a local temp folder.
final class StagingArea {
    let base: String
    let runFolder: String
    private var lockFD: Int32 = -1

    var filesFolder: String { runFolder + "/files" }

    init(base: String, runId: String, dataset: String) throws {
        self.base = base
        runFolder = base + "/" + runId
        try Self.makeFolder(base, dataset: dataset)
        lockFD = open(base + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else { throw LakeError.publish(dataset: dataset, step: "opening the staging lock in \(base)", underlying: String(cString: strerror(errno))) }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(lockFD)
            lockFD = -1
            throw LakeError.busy(dataset: dataset, holder: nil)
        }
        Self.sweep(base)
        ExitCleanup.deleteOnSignal(runFolder)
        try Self.makeFolder(filesFolder, dataset: dataset)
    }

    /// `mkdir -p`, failing with the folder and the system's reason (e.g. a file in the way)
    /// rather than Foundation's error dump.
    private static func makeFolder(_ path: String, dataset: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            let posix = (error as? CocoaError)?.underlying as? POSIXError
            let reason = posix.map { String(cString: strerror($0.code.rawValue)) } ?? "\(error)"
            throw LakeError.publish(dataset: dataset, step: "creating the staging folder \(path)", underlying: reason)
        }
    }

    /// Deletes leftovers of earlier (killed) runs: everything in `base` but the lock.
    static func sweep(_ base: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name != ".lock" {
            try? FileManager.default.removeItem(atPath: base + "/" + name)
        }
    }

    /// Removes this run's folder and releases the lock.
    func finish() {
        ExitCleanup.keep(runFolder)
        try? FileManager.default.removeItem(atPath: runFolder)
        if lockFD >= 0 { Glibc.close(lockFD); lockFD = -1 }
    }

    deinit { finish() }

    /// Makes the staged files and their folders durable before they are published: an fsync
    /// per file and folder for a few files (on all cores); for many, one syncfs(2) of the file
    /// system, which writes them all back together, far faster than an fsync each (it also
    /// flushes other dirty data there).
    func syncFiles(_ paths: [String]) throws {
        #if os(Linux)
        if paths.count > 64, let sym = Self.syncfsSymbol {
            typealias SyncFS = @convention(c) (Int32) -> Int32
            let fd = open(filesFolder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 {
                defer { Glibc.close(fd) }
                if unsafeBitCast(sym, to: SyncFS.self)(fd) == 0 { return }
            }
        }
        #endif
        let dataset = (base as NSString).lastPathComponent
        let folders = Set(paths.map { ($0 as NSString).deletingLastPathComponent })
        try forEachConcurrently(paths + folders.sorted()) { path in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0, fsync(fd) == 0 else {
                let message = String(cString: strerror(errno))
                if fd >= 0 { Glibc.close(fd) }
                throw LakeError.publish(dataset: dataset, step: "syncing staged \(path)", underlying: message)
            }
            Glibc.close(fd)
        }
    }

    #if os(Linux)
    /// glibc declares syncfs only under _GNU_SOURCE, which Swift's Glibc module does not set.
    nonisolated(unsafe) static let syncfsSymbol: UnsafeMutableRawPointer? = dlsym(nil, "syncfs")
    #endif

    /// Clears a dataset's staging when no load holds it (used by `clear`).
    static func removeIfIdle(_ base: String) {
        guard FileManager.default.fileExists(atPath: base) else { return }
        let fd = open(base + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { Glibc.close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return }
        try? FileManager.default.removeItem(atPath: base)
    }
}
