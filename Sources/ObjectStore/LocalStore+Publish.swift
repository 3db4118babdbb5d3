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
    public func installDirectory(prefix: String, fromStagedDirectory stagedDirectory: String) throws -> DirectoryInstall {
        let target = try self.path(forKey: prefix)
        let parent = (target as NSString).deletingLastPathComponent
        do {
            try LocalFileIO.makeDirectories(parent)
            // The staged folder's entries must be durable before it becomes the live one.
            try LocalFileIO.fsyncPath(stagedDirectory, directory: true)
            let result: DirectoryInstall
            if !LocalFileIO.exists(target) {
                guard rename(stagedDirectory, target) == 0 else { throw LocalFileIO.fail("rename \(stagedDirectory)") }
                result = .installed
            } else if try LocalFileIO.exchange(stagedDirectory, target) {
                result = .exchanged
                try LocalFileIO.fsyncPath((stagedDirectory as NSString).deletingLastPathComponent, directory: true)
            } else {
                return .unsupported
            }
            try LocalFileIO.fsyncPath(parent, directory: true)
            return result
        } catch let e as LocalFileIO.Failure {
            throw ObjectStoreError.io(store: displayName, key: prefix, message: e.message)
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
