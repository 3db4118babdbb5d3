import Foundation
import ObjectStore

/// One object a files source may load: an S3 object or a local file.
public struct LandingObject: Sendable, Hashable {
    /// `s3://bucket/key` or the local path as the pattern matched it: messages and the state.
    public let url: String
    /// The S3 key in its bucket, or the local path.
    public let key: String
    public let size: Int64
    public let modified: Date?
    /// What tells a changed object from the one loaded: its ETag on S3; its size and
    /// modification time (ns) locally.
    public let version: String

    public init(url: String, key: String, size: Int64, modified: Date?, version: String) {
        self.url = url; self.key = key; self.size = size; self.modified = modified; self.version = version
    }
}

/// Where a files source's objects live: lists them, hands them over as local files, and
/// deletes or moves them after a publish.
protocol Landing: Sendable {
    /// Objects are local files, read in place (nothing to download).
    var isLocal: Bool { get }
    /// Every object the location's pattern matches, in key order.
    func list(_ location: FilesLocation) async throws -> [LandingObject]
    /// Copies `object` to the local file `path`; `received` hears the bytes as they arrive.
    func download(_ object: LandingObject, to path: String, received: @escaping @Sendable (Int64) -> Void) async throws
    func delete(_ objects: [LandingObject]) async throws
    /// Moves each object under `destination` (a folder or `s3://bucket/prefix/`), keeping its
    /// path below the pattern's literal prefix.
    func move(_ objects: [(object: LandingObject, relative: String)], to destination: String) async throws
    func shutdown() async
}

/// Files on this machine.
struct LocalLanding: Landing {
    var isLocal: Bool { true }

    func list(_ location: FilesLocation) async throws -> [LandingObject] {
        var glob = location.glob
        // A plain folder means every file beneath it.
        if !Glob.hasWildcards(glob.text), isDirectory(glob.text) { glob = try Glob(glob.text + "/**") }
        var found: [String: LandingObject] = [:]
        for base in Self.bases(glob) {
            var position = glob.start
            for name in base { position = glob.advance(position, by: name) }
            guard !position.isDead else { continue }
            let path = base.joined(separator: "/")
            if glob.accepts(position), let object = Self.object(at: path) {
                found[path] = object
                continue
            }
            try walk(path.isEmpty ? "." : path, display: path, position: position, glob: glob, into: &found)
        }
        return found.values.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// The literal leading segments of each alternative: the folders a walk starts from.
    static func bases(_ glob: Glob) -> [[String]] {
        var out: [[String]] = []
        for alt in glob.alternatives {
            var base: [String] = []
            for seg in alt {
                guard case let .literal(name) = seg else { break }
                base.append(name)
            }
            if !out.contains(base) { out.append(base) }
        }
        return out
    }

    private func walk(_ dir: String, display: String, position: Glob.Position, glob: Glob,
                      into found: inout [String: LandingObject]) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted() } catch {
            // A folder that vanished or cannot be read under a pattern is not a match.
            return
        }
        for name in names {
            let next = glob.advance(position, by: name)
            guard !next.isDead else { continue }
            let path = display.isEmpty ? name : display + "/" + name
            let onDisk = dir == "." && display.isEmpty ? name : dir + "/" + name
            if isDirectory(onDisk) {
                try walk(onDisk, display: path, position: next, glob: glob, into: &found)
            } else if glob.accepts(next), let object = Self.object(at: onDisk, display: path) {
                found[path] = object
            }
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }

    /// A regular file (symlinks followed), or nil.
    static func object(at path: String, display: String? = nil) -> LandingObject? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let ns = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        let modified = Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
        let shown = display ?? path
        return LandingObject(url: shown, key: path, size: Int64(st.st_size), modified: modified, version: "\(st.st_size)@\(ns)")
    }

    func download(_ object: LandingObject, to path: String, received: @escaping @Sendable (Int64) -> Void) async throws {
        preconditionFailure("local files are read in place")
    }

    func delete(_ objects: [LandingObject]) async throws {
        var failures: [String: String] = [:]
        for o in objects where unlink(o.key) != 0 && errno != ENOENT { failures[o.key] = String(cString: strerror(errno)) }
        if !failures.isEmpty { throw ObjectStoreError.deleteFailed(store: "local files", failures: failures) }
    }

    func move(_ objects: [(object: LandingObject, relative: String)], to destination: String) async throws {
        for (o, relative) in objects {
            let target = (destination.hasSuffix("/") ? destination : destination + "/") + relative
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if rename(o.key, target) != 0 {
                throw ObjectStoreError.io(store: "local files", key: o.key, message: "cannot move it to \(target): \(String(cString: strerror(errno)))")
            }
        }
    }

    func shutdown() async {}
}

/// Objects in an S3 bucket, through our own signed client.
struct S3Landing: Landing {
    let store: S3Store
    var bucket: String { store.config.bucket }
    /// Parts of large objects fetched at once (within one object).
    let partConcurrency = 4

    var isLocal: Bool { false }

    func list(_ location: FilesLocation) async throws -> [LandingObject] {
        let glob = location.glob
        var found: [String: LandingObject] = [:]
        // Each listing starts at a literal prefix of the pattern: never the whole bucket.
        for prefix in glob.literalPrefixes {
            for o in try await store.list(prefix: prefix) where glob.matches(o.key) {
                found[o.key] = LandingObject(url: "s3://\(bucket)/\(o.key)", key: o.key, size: o.size,
                                             modified: o.lastModified, version: o.etag ?? "")
            }
        }
        return found.values.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    func download(_ object: LandingObject, to path: String, received: @escaping @Sendable (Int64) -> Void) async throws {
        try await store.download(key: object.key, toFile: path, size: object.size, etag: object.version.isEmpty ? nil : object.version,
                                 concurrency: partConcurrency, received: received)
    }

    func delete(_ objects: [LandingObject]) async throws {
        try await store.delete(keys: objects.map(\.key))
    }

    func move(_ objects: [(object: LandingObject, relative: String)], to destination: String) async throws {
        let (targetBucket, prefix) = Self.split(destination)
        // The same endpoint and credentials, addressed to the destination's bucket.
        var config = store.config
        config.bucket = targetBucket
        config.prefix = prefix
        let target = try S3Store(config: config)
        do {
            for (o, relative) in objects { try await target.copy(fromBucket: bucket, key: o.key, to: relative) }
        } catch {
            try? await target.shutdown()
            throw error
        }
        try? await target.shutdown()
        // Copied first, deleted last: a failure leaves an object in both places, never in neither.
        try await store.delete(keys: objects.map(\.object.key))
    }

    /// `s3://bucket/prefix/` → (bucket, `prefix`).
    static func split(_ url: String) -> (String, String) {
        let rest = url.dropFirst(5)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let prefix = parts.count > 1 ? String(parts[1]).split(separator: "/").joined(separator: "/") : ""
        return (String(parts[0]), prefix)
    }

    func shutdown() async { try? await store.shutdown() }
}
