import Columnar
import Foundation
@testable import Lake
import ObjectStore
import Testing

/// A failure at any step leaves every partition as its old or its new version, never missing
/// or mixed; staging is removed.
@Suite("Lake publish: injected failures")
struct PublishFailureTests {
    static let stepsBeforeManifest: [PublishStep] = [.staged, .verified, .move(0), .move(1), .manifest]

    /// Old: two partitions, the second in two parts. New: replaces 05-02 with one part, adds 05-03.
    static let oldBatches = [Fixture.batch([(1, "a", "2024-05-01"), (2, "b", "2024-05-02")]), Fixture.batch([(3, "c", "2024-05-02")])]
    static let newBatches = [Fixture.batch([(20, "n", "2024-05-02"), (30, "m", "2024-05-03")])]
    static func options(_ mode: WriteMode? = nil) -> LoadOptions { LoadOptions(partitionColumn: "day", mode: mode, maxFileBytes: 40) }

    @Test(arguments: stepsBeforeManifest)
    func localStoreKeepsTheOldVersionIntact(step: PublishStep) async throws {
        let root = Fixture.temporaryDirectory()
        _ = try await Fixture.load(Fixture.lake(root), "d", Self.oldBatches, Self.options())
        let before = Fixture.snapshot(root, "d")
        #expect(before.keys.sorted() == ["partitions/date=2024-05-01/part-0000.txt", "partitions/date=2024-05-02/part-0000.txt",
                                         "partitions/date=2024-05-02/part-0001.txt"])
        let manifestBefore = Fixture.manifestText(root, "d")
        do {
            _ = try await Fixture.load(Fixture.lake(root, failAt: step), "d", Self.newBatches, Self.options())
            Issue.record("expected the injected failure")
        } catch {
            #expect("\(error)".contains("injected failure at \(step)"))
            if step == .manifest || step == .move(1) {
                #expect("\(error)".hasPrefix("dataset 'd': publishing failed"))
                #expect("\(error)".contains("the previous version is back in place"))
            }
        }
        #expect(Fixture.snapshot(root, "d") == before)
        #expect(Fixture.manifestText(root, "d") == manifestBefore)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/_staging/d") == [".lock"])
        // The next load succeeds and publishes the new version.
        _ = try await Fixture.load(Fixture.lake(root), "d", Self.newBatches, Self.options())
        #expect(Fixture.idsByFolder(root, "d") == ["partitions/date=2024-05-01": ["1"], "partitions/date=2024-05-02": ["20"],
                                                    "partitions/date=2024-05-03": ["30"]])
    }

    /// A first partitioned load moves its whole `partitions` folder in at once; a failure before
    /// the manifest takes it back out, leaving no partition behind. (One move, so no `.move(1)`.)
    @Test(arguments: [PublishStep.staged, .verified, .move(0), .manifest])
    func firstLoadLeavesNothingOnFailure(step: PublishStep) async throws {
        let root = Fixture.temporaryDirectory()
        await #expect(throws: (any Error).self) {
            _ = try await Fixture.load(Fixture.lake(root, failAt: step), "d", Self.oldBatches, Self.options())
        }
        #expect(Fixture.snapshot(root, "d") == [:])
        #expect(!FileManager.default.fileExists(atPath: root + "/datasets/d/partitions"))
        #expect(Fixture.manifestText(root, "d") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/_staging/d") == [".lock"])
        _ = try await Fixture.load(Fixture.lake(root), "d", Self.oldBatches, Self.options())
        #expect(Fixture.idsByFolder(root, "d") == ["partitions/date=2024-05-01": ["1"], "partitions/date=2024-05-02": ["2", "3"]])
    }

    @Test(arguments: [WriteMode.append, .replace])
    func otherModesRollBackToo(mode: WriteMode) async throws {
        for step in Self.stepsBeforeManifest {
            let root = Fixture.temporaryDirectory()
            _ = try await Fixture.load(Fixture.lake(root), "d", Self.oldBatches, Self.options())
            let before = Fixture.snapshot(root, "d")
            await #expect(throws: (any Error).self) {
                _ = try await Fixture.load(Fixture.lake(root, failAt: step), "d", Self.newBatches, Self.options(mode))
            }
            #expect(Fixture.snapshot(root, "d") == before, "mode \(mode.rawValue), failure at \(step)")
        }
    }

    @Test func failureWhileDeletingStaleObjectsLeavesTheNewVersionPublished() async throws {
        let root = Fixture.temporaryDirectory()
        _ = try await Fixture.load(Fixture.lake(root), "d", Self.oldBatches, Self.options())
        do {
            _ = try await Fixture.load(Fixture.lake(root, failAt: .deleteStale), "d", Self.newBatches, Self.options(.replace))
            Issue.record("expected the injected failure")
        } catch let e as LakeError {
            #expect("\(e)".contains("stale"))
        }
        // The new partitions and manifest are in place; only the dropped partition's stale file remains.
        let ids = Fixture.idsByFolder(root, "d")
        #expect(ids["partitions/date=2024-05-02"] == ["20"])
        #expect(ids["partitions/date=2024-05-03"] == ["30"])
        #expect(try await Fixture.lake(root).manifest(DatasetID("d"))?.rows == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/_staging/d") == [".lock"])
    }

    /// Remote stores (here LocalStore behind an opaque wrapper) replace object by object: each
    /// object is the old or the new version, and before the first move nothing changed.
    @Test(arguments: stepsBeforeManifest)
    func perObjectStoresNeverExposeAPartialObject(step: PublishStep) async throws {
        let root = Fixture.temporaryDirectory()
        let staging = Fixture.temporaryDirectory()
        func lake(_ fail: PublishStep?) -> Lake {
            Lake(store: OpaqueStore(inner: LocalStore(root: root)), format: TextTestFormat(), stagingDirectory: staging,
                 failureHook: fail.map { f in { @Sendable s in if s == f { throw InjectedFailure(step: s) } } })
        }
        _ = try await Fixture.load(lake(nil), "d", Self.oldBatches, Self.options())
        let before = Fixture.snapshot(root, "d")
        let manifestBefore = Fixture.manifestText(root, "d")
        await #expect(throws: (any Error).self) { _ = try await Fixture.load(lake(step), "d", Self.newBatches, Self.options()) }
        // What the new version's files would be.
        let other = Fixture.temporaryDirectory()
        _ = try await Fixture.load(Fixture.lake(other), "d", Self.newBatches, Self.options())
        let newVersion = Fixture.snapshot(other, "d")
        let after = Fixture.snapshot(root, "d")
        for (key, content) in after {
            #expect(content == before[key] || content == newVersion[key], "\(key) is neither version")
        }
        if case .move(0) = step { #expect(after == before) }
        if step == .staged || step == .verified { #expect(after == before) }
        #expect(Fixture.manifestText(root, "d") == manifestBefore)
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging + "/inlet-staging/d") == [".lock"])
    }
}
