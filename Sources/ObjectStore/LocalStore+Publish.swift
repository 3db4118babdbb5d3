#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What the lake's publisher needs beyond `ObjectStore` to make whole folders appear at once.
extension LocalStore {
    /// The outcome of `installDirectory`.
    public enum DirectoryInstall: Sendable, Equatable {
        /// Nothing was at the prefix; the staged folder now is.
        case installed
        /// The staged folder and the live one swapped places in one step: the old content
        /// now sits at the staged path, for the caller to delete (or swap back).
        case exchanged
        /// The platform or file system cannot swap folders atomically; nothing changed.
        case unsupported
    }

    /// Moves a file the lake staged under this store's root into `key` with rename(2)
    /// (atomic, no copy); falls back to a copying `put` when the file is on another file system.
    /// The source is fsynced first, so the renamed object is durable.
    public func moveIn(key: String, fromFile source: String) async throws {
        let dest = try self.path(forKey: key)
        do {
            try LocalFileIO.fsyncPath(source, directory: false)
            let dir = (dest as NSString).deletingLastPathComponent
            try LocalFileIO.makeDirectories(dir)
            if rename(source, dest) != 0 {
                guard errno == EXDEV else { throw LocalFileIO.fail("rename \(source)") }
                try await put(key: key, fromFile: source)
                unlink(source)
                return
            }
            try LocalFileIO.fsyncPath(dir, directory: true)
        } catch let e as LocalFileIO.Failure {
            throw ObjectStoreError.io(store: displayName, key: key, message: e.message)
        }
    }

    /// Makes the folder `stagedDirectory` (on this file system) appear at `prefix` (a key
    /// prefix without trailing `/`, e.g. `datasets/x/partitions/date=2024-05-01`) in one step,
    /// so a reader listing that folder sees all old files or all new ones, never a mix.
    ///
    /// The staged folder's entries must already be durable, and the swap itself becomes durable
    /// only with `syncParents(of:)`: a publisher installing a thousand partitions syncs their
    /// shared parent once, not once per folder (each sync is a journal commit).
    public func installDirectory(prefix: String, fromStagedDirectory stagedDirectory: String) throws -> DirectoryInstall {
        if try installDirectoryIfAbsent(prefix: prefix, fromStagedDirectory: stagedDirectory) { return .installed }
        do {
            return try LocalFileIO.exchange(stagedDirectory, try self.path(forKey: prefix)) ? .exchanged : .unsupported
        } catch let e as LocalFileIO.Failure {
            throw ObjectStoreError.io(store: displayName, key: prefix, message: e.message)
        }
    }

    /// Makes the staged folder appear at `prefix` only when nothing is there yet (or an empty
    /// folder; rename(2) replaces only those): one rename. False, and nothing changed, when the
    /// live folder has content.
    public func installDirectoryIfAbsent(prefix: String, fromStagedDirectory stagedDirectory: String) throws -> Bool {
        let target = try self.path(forKey: prefix)
        do {
            try LocalFileIO.makeDirectories((target as NSString).deletingLastPathComponent)
            if rename(stagedDirectory, target) == 0 { return true }
            guard errno == ENOTEMPTY || errno == EEXIST else { throw LocalFileIO.fail("rename \(stagedDirectory)") }
            return false
        } catch let e as LocalFileIO.Failure {
            throw ObjectStoreError.io(store: displayName, key: prefix, message: e.message)
        }
    }

    /// Makes installs and renames under the given prefixes durable: one fsync of each distinct
    /// parent folder.
    public func syncParents(of prefixes: [String]) throws {
        var parents: [String] = []
        for prefix in prefixes {
            let parent = (try self.path(forKey: prefix) as NSString).deletingLastPathComponent
            if !parents.contains(parent) { parents.append(parent) }
        }
        for parent in parents {
            do { try LocalFileIO.fsyncPath(parent, directory: true) } catch let e as LocalFileIO.Failure {
                throw ObjectStoreError.io(store: displayName, key: parent, message: e.message)
            }
        }
    }

    /// Swaps a folder back after `installDirectory` returned `.exchanged` (rollback).
    public func exchangeBack(prefix: String, stagedDirectory: String) throws {
        let target = try self.path(forKey: prefix)
        do {
            guard try LocalFileIO.exchange(stagedDirectory, target) else {
                throw LocalFileIO.Failure(message: "renameat2(RENAME_EXCHANGE) became unsupported", code: ENOSYS)
            }
        } catch let e as LocalFileIO.Failure {
            throw ObjectStoreError.io(store: displayName, key: prefix, message: e.message)
        }
    }

    /// Removes a folder tree under the root (staging leftovers); never follows symlinks.
    public func removeDirectory(atPath path: String) {
        guard path.hasPrefix(root + "/") else { return }
        LocalFileIO.removeTree(path)
    }

    /// Creates a folder (and its parents) at a local path.
    public func makeDirectory(atPath path: String) throws {
        do { try LocalFileIO.makeDirectories(path) } catch let e as LocalFileIO.Failure {
            throw ObjectStoreError.io(store: displayName, key: path, message: e.message)
        }
    }

    /// Hard-links `source` to `destination` (both under the root), to carry kept files into a
    /// staged folder without copying.
    public func link(_ source: String, to destination: String) throws {
        if systemLink(source, destination) != 0 {
            throw ObjectStoreError.io(store: displayName, key: destination, message: LocalFileIO.lastError("link"))
        }
    }
}

private func systemLink(_ a: String, _ b: String) -> Int32 { link(a, b) }
