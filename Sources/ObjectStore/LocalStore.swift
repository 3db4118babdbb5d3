#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An object store in a local folder: key `a/b.parquet` is the file `{root}/a/b.parquet`.
///
/// Every put writes `.inlet-tmp-<uuid>` in the target directory, fsyncs it, renames it over
/// the key and fsyncs the directory, so a reader (or a crash) sees the old object or the new
/// one. Keys that could name anything outside `root` are refused with `.invalidKey`.
public struct LocalStore: ObjectStore {
    /// Absolute, without a trailing slash.
    public let root: String
    public let displayName: String

    /// Names of in-flight temp files; `list` never returns them and keys may not use the prefix.
    public static let tempPrefix = ".inlet-tmp-"

    /// `root` may be relative (to the current directory); it is created on the first write.
    public init(root: String) {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        var standardized = (absolute as NSString).standardizingPath
        while standardized.count > 1, standardized.hasSuffix("/") { standardized.removeLast() }
        self.root = standardized
        displayName = root
    }

    // MARK: ObjectStore

    public var capabilities: StoreCapabilities { StoreCapabilities(publishing: .renameInto(self), backgroundWriteback: true) }

    public func put(key: String, fromFile path: String) async throws {
        let dest = try self.path(forKey: key)
        try io(key) { try LocalFileIO.writeAtomically(to: dest) { try LocalFileIO.copy(from: path, to: $0) } }
    }

    public func put(key: String, data: [UInt8]) async throws {
        let dest = try self.path(forKey: key)
        try io(key) { try LocalFileIO.writeAtomically(to: dest) { fd in try data.withUnsafeBytes { try LocalFileIO.writeAll(fd, $0) } } }
    }

    /// `.absent` links a synced temp file to the key (`link(2)` fails if the key exists, also
    /// on NFS); `.matches` first renames the key aside (only one renamer wins) and checks that
    /// what it took has the ETag, then links the new file in. While the key is aside a
    /// concurrent `.absent` write can take it, which fails this one: never two winners.
    public func put(key: String, data: [UInt8], if condition: WriteCondition) async throws -> String {
        let dest = try self.path(forKey: key)
        let failed = ObjectStoreError.preconditionFailed(store: displayName, key: key)
        return try io(key) {
            try LocalFileIO.writeConditionally(to: dest, condition: condition, failed: failed) { fd in
                try data.withUnsafeBytes { try LocalFileIO.writeAll(fd, $0) }
            }
        }
    }

    public func get(key: String, range: Range<Int64>?) async throws -> [UInt8] {
        let path = try self.path(forKey: key)
        guard let bytes = try io(key, { try LocalFileIO.readRange(path: path, range: range) }) else {
            throw ObjectStoreError.notFound(store: displayName, key: key)
        }
        return bytes
    }

    public func download(key: String, toFile path: String) async throws {
        let source = try self.path(forKey: key)
        guard regularFileSize(source) != nil else { throw ObjectStoreError.notFound(store: displayName, key: key) }
        try io(key) { try LocalFileIO.writeAtomically(to: path) { try LocalFileIO.copy(from: source, to: $0) } }
    }

    public func head(key: String) async throws -> ObjectInfo? {
        let path = try self.path(forKey: key)
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return ObjectInfo(key: key, size: Int64(st.st_size), lastModified: Self.modified(st), etag: LocalFileIO.etag(st))
    }

    public func list(prefix: String) async throws -> [ObjectInfo] {
        try Self.checkPrefix(prefix)
        // Walk only the directory that holds the prefix, pruning subtrees that cannot match.
        let startDir = prefix.contains("/") ? String(prefix[..<prefix.lastIndex(of: "/")!]) : ""
        var out: [ObjectInfo] = []
        walk(relative: startDir, prefix: prefix, into: &out)
        out.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return out
    }

    public func delete(keys: [String]) async throws {
        var failures: [String: String] = [:]
        for key in keys {
            do {
                let path = try self.path(forKey: key)
                if unlink(path) != 0, errno != ENOENT { failures[key] = LocalFileIO.lastError("unlink"); continue }
                pruneEmptyDirectories(from: (path as NSString).deletingLastPathComponent)
            } catch {
                failures[key] = "\(error)"
            }
        }
        if !failures.isEmpty { throw ObjectStoreError.deleteFailed(store: displayName, failures: failures) }
    }

    // MARK: Paths

    /// The file behind `key`, after checking the key cannot leave `root` (syntax, then symlinks).
    public func path(forKey key: String) throws -> String {
        try Self.checkKey(key)
        let path = root + "/" + key
        try checkContained(path, key: key)
        return path
    }

    static func checkKey(_ key: String) throws {
        func bad(_ reason: String) -> ObjectStoreError { .invalidKey(key, reason: reason) }
        if key.isEmpty { throw bad("the key is empty") }
        if key.hasPrefix("/") { throw bad("keys are relative and may not start with '/'") }
        if key.utf8.contains(0) { throw bad("keys may not contain NUL") }
        if key.contains("\\") { throw bad("keys may not contain '\\'") }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { throw bad("keys may not contain empty segments ('//' or a trailing '/')") }
            if segment == "." || segment == ".." { throw bad("keys may not contain '.' or '..' segments") }
            if segment.hasPrefix(tempPrefix) { throw bad("'\(tempPrefix)' names are reserved for temp files") }
        }
    }

    static func checkPrefix(_ prefix: String) throws {
        if prefix.isEmpty { return }
        // A prefix is a key that may end in '/' or in a partial segment.
        try checkKey(prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix)
    }

    /// Refuses paths whose nearest existing ancestor resolves (through symlinks) outside `root`.
    func checkContained(_ path: String, key: String) throws {
        guard let realRoot = resolvedPath(root) else { return } // no root yet: nothing to escape through
        var probe = path
        while !LocalFileIO.exists(probe) {
            let parent = (probe as NSString).deletingLastPathComponent
            if parent == probe || parent.count < root.count { return }
            probe = parent
        }
        guard let real = resolvedPath(probe) else { return }
        if real != realRoot, !real.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") {
            throw ObjectStoreError.invalidKey(key, reason: "it resolves outside the store root \(root) (through a symbolic link)")
        }
    }

    // MARK: Helpers

    private func io<T>(_ key: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as LocalFileIO.Failure {
            throw ObjectStoreError.io(store: displayName, key: key, message: e.message)
        }
    }

    private func regularFileSize(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(st.st_size)
    }

    static func modified(_ st: stat) -> Date {
        #if os(Linux)
        return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
        #else
        return Date(timeIntervalSince1970: Double(st.st_mtimespec.tv_sec) + Double(st.st_mtimespec.tv_nsec) / 1e9)
        #endif
    }

    private func walk(relative: String, prefix: String, into out: inout [ObjectInfo]) {
        let dir = relative.isEmpty ? root : root + "/" + relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names where !name.hasPrefix(Self.tempPrefix) {
            let key = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard lstat(dir + "/" + name, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                let asDir = key + "/"
                if asDir.hasPrefix(prefix) || prefix.hasPrefix(asDir) { walk(relative: key, prefix: prefix, into: &out) }
            case S_IFREG where key.hasPrefix(prefix):
                out.append(ObjectInfo(key: key, size: Int64(st.st_size), lastModified: Self.modified(st), etag: LocalFileIO.etag(st)))
            default:
                continue // symlinks and special files are not objects
            }
        }
    }

    /// Removes now-empty directories from `dir` up to (not including) `root`; stops at the
    /// first that is not empty. Like S3, a folder exists only while it holds objects.
    func pruneEmptyDirectories(from dir: String) {
        var d = dir
        while d.count > root.count, d.hasPrefix(root + "/"), rmdir(d) == 0 {
            d = (d as NSString).deletingLastPathComponent
        }
    }
}

/// `realpath(3)` returning a Swift string.
func resolvedPath(_ path: String) -> String? {
    guard let p = realpath(path, nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
}
