import Foundation
@testable import ObjectStore
import Testing

@Suite("LocalStore")
struct LocalStoreTests {
    let root: String
    let store: LocalStore

    init() {
        root = NSTemporaryDirectory() + "inlet-localstore-" + UUID().uuidString
        store = LocalStore(root: root)
    }

    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func entries(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }

    @Test func putGetHeadAndRanges() async throws {
        try await store.put(key: "datasets/a/data/part-0000.parquet", data: bytes("hello world"))
        #expect(try await store.get(key: "datasets/a/data/part-0000.parquet", range: nil) == bytes("hello world"))
        #expect(try await store.get(key: "datasets/a/data/part-0000.parquet", range: 6 ..< 11) == bytes("world"))
        #expect(try await store.get(key: "datasets/a/data/part-0000.parquet", range: 6 ..< 100) == bytes("world"))
        let info = try #require(try await store.head(key: "datasets/a/data/part-0000.parquet"))
        #expect(info.size == 11)
        #expect(info.lastModified != nil)
        #expect(try await store.head(key: "datasets/a/missing") == nil)
        #expect(try await store.head(key: "datasets/a/data") == nil) // folders are not objects
        await #expect(throws: ObjectStoreError.notFound(store: root, key: "nope")) { _ = try await store.get(key: "nope", range: nil) }
        // Overwrite replaces, and leaves no temp file behind.
        try await store.put(key: "datasets/a/data/part-0000.parquet", data: bytes("v2"))
        #expect(try await store.get(key: "datasets/a/data/part-0000.parquet", range: nil) == bytes("v2"))
        #expect(entries(root + "/datasets/a/data") == ["part-0000.parquet"])
    }

    @Test func readersNeverSeeAPartialPut() async throws {
        let a = [UInt8](repeating: 0x61, count: 1 << 20), b = [UInt8](repeating: 0x62, count: 3 << 19)
        try await store.put(key: "k/v", data: a)
        let store = self.store
        let writer = Task {
            for i in 0 ..< 40 { try await store.put(key: "k/v", data: i % 2 == 0 ? b : a) }
        }
        var reads = 0
        while !writer.isCancelled, reads < 400 {
            let got = try await store.get(key: "k/v", range: nil)
            #expect(got == a || got == b, "read \(got.count) bytes that are neither version")
            reads += 1
            if reads % 50 == 0 { await Task.yield() }
        }
        try await writer.value
        #expect(entries(root + "/k") == ["v"])
    }

    @Test func relativeRootsResolveAgainstTheCurrentDirectory() {
        let s = LocalStore(root: "lake")
        #expect(s.root == FileManager.default.currentDirectoryPath + "/lake")
        #expect(s.displayName == "lake")
    }

    @Test(arguments: ["", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", "a\\b", "a\u{0}b", "a/.inlet-tmp-123"])
    func refusesKeysThatCouldEscapeOrCollide(key: String) async {
        await #expect(throws: ObjectStoreError.self) { try await store.put(key: key, data: [1]) }
        await #expect(throws: ObjectStoreError.self) { _ = try await store.get(key: key, range: nil) }
        #expect(!FileManager.default.fileExists(atPath: (root as NSString).deletingLastPathComponent + "/x"))
    }

    @Test func refusesKeysThatEscapeThroughASymlink() async throws {
        let outside = NSTemporaryDirectory() + "inlet-outside-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: outside)
        do {
            try await store.put(key: "link/evil", data: [1])
            Issue.record("expected invalidKey")
        } catch let ObjectStoreError.invalidKey(key, reason) {
            #expect(key == "link/evil")
            #expect(reason.contains("outside the store root"))
        }
        #expect(entries(outside).isEmpty)
        // And listing does not follow it.
        _ = FileManager.default.createFile(atPath: outside + "/secret", contents: Data([1]))
        #expect(try await store.list(prefix: "").isEmpty)
    }

    @Test func listIsSortedRelativeAndSkipsTempFiles() async throws {
        for k in ["datasets/b/data/part-0000.parquet", "datasets/a/partitions/date=2024-01-02/part-0000.parquet",
                  "datasets/a/partitions/date=2024-01-01/part-0001.parquet", "datasets/a/_manifest.json", "datasets/ab/x", "other"] {
            try await store.put(key: k, data: bytes(k))
        }
        _ = FileManager.default.createFile(atPath: root + "/datasets/a/.inlet-tmp-abc", contents: Data([1]))
        let all = try await store.list(prefix: "").map(\.key)
        #expect(all == ["datasets/a/_manifest.json", "datasets/a/partitions/date=2024-01-01/part-0001.parquet",
                        "datasets/a/partitions/date=2024-01-02/part-0000.parquet", "datasets/ab/x",
                        "datasets/b/data/part-0000.parquet", "other"])
        #expect(try await store.list(prefix: "datasets/a/").map(\.key).count == 3)
        #expect(try await store.list(prefix: "datasets/a").map(\.key).count == 4) // a plain prefix also matches "ab"
        #expect(try await store.list(prefix: "datasets/a/partitions/date=2024-01-0").map(\.key).count == 2)
        #expect(try await store.list(prefix: "datasets/zzz/").isEmpty)
        #expect(try await store.list(prefix: "datasets/b/data/part-0000.parquet").first?.size == Int64("datasets/b/data/part-0000.parquet".utf8.count))
        #expect(try await LocalStore(root: root + "/nothing-here").list(prefix: "").isEmpty)
    }

    @Test func deleteRemovesEmptyFoldersAndIgnoresAbsentKeys() async throws {
        try await store.put(key: "datasets/a/partitions/date=2024-01-01/part-0000.parquet", data: [1])
        try await store.put(key: "datasets/a/partitions/date=2024-01-02/part-0000.parquet", data: [2])
        try await store.delete(keys: ["datasets/a/partitions/date=2024-01-01/part-0000.parquet", "datasets/a/absent"])
        #expect(entries(root + "/datasets/a/partitions") == ["date=2024-01-02"])
        try await store.delete(keys: ["datasets/a/partitions/date=2024-01-02/part-0000.parquet"])
        #expect(!FileManager.default.fileExists(atPath: root + "/datasets"))
        #expect(FileManager.default.fileExists(atPath: root)) // never the root itself
        do {
            try await store.delete(keys: ["../x"])
            Issue.record("expected deleteFailed")
        } catch let ObjectStoreError.deleteFailed(_, failures) {
            #expect(failures.keys.sorted() == ["../x"])
        }
    }

    @Test func putFromFileCopiesAndMoveInRenames() async throws {
        let src = root + "/_staging/run/f.bin"
        try FileManager.default.createDirectory(atPath: root + "/_staging/run", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: src, contents: Data((0 ..< 3_000_000).map { UInt8($0 & 0xFF) }))
        try await store.put(key: "copy/f.bin", fromFile: src)
        #expect(FileManager.default.fileExists(atPath: src))
        #expect(try await store.head(key: "copy/f.bin")?.size == 3_000_000)
        let inode = try FileManager.default.attributesOfItem(atPath: src)[.systemFileNumber] as! UInt64
        try await store.moveIn(key: "moved/f.bin", fromFile: src)
        #expect(!FileManager.default.fileExists(atPath: src))
        #expect(try FileManager.default.attributesOfItem(atPath: root + "/moved/f.bin")[.systemFileNumber] as! UInt64 == inode)
        #expect(try await store.get(key: "moved/f.bin", range: 2_999_999 ..< 3_000_000) == [UInt8(2_999_999 & 0xFF)])
        let out = root + "-download.bin"
        try await store.download(key: "moved/f.bin", toFile: out)
        #expect(FileManager.default.contents(atPath: out)?.count == 3_000_000)
    }

    @Test func installDirectoryInstallsThenSwapsWholeFolders() async throws {
        let staged = root + "/_staging/run/files/p"
        try FileManager.default.createDirectory(atPath: staged, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: staged + "/part-0000.parquet", contents: Data("v1".utf8))
        #expect(try store.installDirectory(prefix: "datasets/d/partitions/p", fromStagedDirectory: staged) == .installed)
        #expect(try await store.list(prefix: "datasets/d/").map(\.key) == ["datasets/d/partitions/p/part-0000.parquet"])

        try FileManager.default.createDirectory(atPath: staged, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: staged + "/part-0000.parquet", contents: Data("v2".utf8))
        _ = FileManager.default.createFile(atPath: staged + "/part-0001.parquet", contents: Data("v2b".utf8))
        let r = try store.installDirectory(prefix: "datasets/d/partitions/p", fromStagedDirectory: staged)
        #expect(r == .exchanged)
        #expect(try await store.get(key: "datasets/d/partitions/p/part-0000.parquet", range: nil) == bytes("v2"))
        #expect(entries(staged) == ["part-0000.parquet"]) // the old folder, now in staging
        try store.exchangeBack(prefix: "datasets/d/partitions/p", stagedDirectory: staged)
        #expect(try await store.list(prefix: "datasets/d/").map(\.key) == ["datasets/d/partitions/p/part-0000.parquet"])
        #expect(try await store.get(key: "datasets/d/partitions/p/part-0000.parquet", range: nil) == bytes("v1"))
    }

    /// Only an absent or empty live folder is replaced; one with content stays, and so does the staged one.
    @Test func installDirectoryIfAbsentNeverReplacesContent() async throws {
        let staged = root + "/_staging/run/files/partitions"
        try FileManager.default.createDirectory(atPath: staged + "/date=1", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: staged + "/date=1/part-0000.parquet", contents: Data("new".utf8))
        try FileManager.default.createDirectory(atPath: root + "/datasets/d/partitions", withIntermediateDirectories: true)
        #expect(try store.installDirectoryIfAbsent(prefix: "datasets/d/partitions", fromStagedDirectory: staged))
        #expect(try await store.list(prefix: "datasets/d/").map(\.key) == ["datasets/d/partitions/date=1/part-0000.parquet"])

        try FileManager.default.createDirectory(atPath: staged + "/date=2", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: staged + "/date=2/part-0000.parquet", contents: Data("newer".utf8))
        #expect(try !store.installDirectoryIfAbsent(prefix: "datasets/d/partitions", fromStagedDirectory: staged))
        #expect(try await store.list(prefix: "datasets/d/").map(\.key) == ["datasets/d/partitions/date=1/part-0000.parquet"])
        #expect(entries(staged) == ["date=2"])
    }
}
