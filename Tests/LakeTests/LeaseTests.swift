import Foundation
@testable import Lake
import ObjectStore
import Testing

/// The dataset lease on a local store: one holder at a time, waits, takeover of an expired
/// lease, a lost lease stops the publish, and stores that ignore conditions are refused.
@Suite struct LeaseTests {
    let root = Fixture.temporaryDirectory()
    var store: LocalStore { LocalStore(root: root) }
    let id = try! DatasetID("sales")

    func acquire(_ run: String, ttl: Duration = .seconds(60), wait: Duration = .zero) async throws -> DatasetLease {
        try await DatasetLease.acquire(store: store, dataset: id, runId: run, operation: "load", options: LeaseOptions(ttl: ttl, wait: wait))
    }

    func holder() async throws -> LeaseHolder? {
        guard let bytes = try? await store.get(key: "datasets/sales/_lease", range: nil) else { return nil }
        return LeaseHolder.decode(bytes)
    }

    @Test func secondTakerIsRefusedWithTheHolderNamed() async throws {
        let first = try await acquire("run-a")
        #expect(try await holder()?.runId == "run-a")
        do {
            _ = try await acquire("run-b")
            Issue.record("a second lease was granted")
        } catch let LakeError.busy(dataset, holder) {
            #expect(dataset == "sales")
            #expect(holder?.contains("run run-a") == true && holder?.contains("pid \(getpid())") == true, "\(holder ?? "")")
        }
        await first.release()
        #expect(try await holder() == nil, "release deletes the lease")
        let second = try await acquire("run-b")
        await second.release()
    }

    @Test func waiterGetsTheLeaseWhenTheHolderReleases() async throws {
        let first = try await acquire("run-a")
        let waiter = Task { try await acquire("run-b", wait: .seconds(20)) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await holder()?.runId == "run-a")
        await first.release()
        let second = try await waiter.value
        #expect(try await holder()?.runId == "run-b")
        await second.release()
    }

    /// A holder that stops renewing (here: its renewals paused by a long TTL it never reaches)
    /// loses an expired lease to the next taker, and then cannot confirm it.
    @Test func expiredLeaseIsTakenOverAndTheOldHolderCannotPublish() async throws {
        // A holder whose lease says it expired: as if it was killed or paused past its TTL.
        var dead = LeaseHolder(dataset: "sales", host: "elsewhere", pid: 4242, runId: "run-dead", operation: "load",
                               acquiredAt: Date(timeIntervalSinceNow: -300), renewedAt: Date(timeIntervalSinceNow: -300),
                               expiresAt: Date(timeIntervalSinceNow: -180), ttlSeconds: 120, renewal: 3)
        _ = try await store.put(key: "datasets/sales/_lease", data: try dead.encoded(), if: .absent)
        let taker = try await acquire("run-b")
        #expect(try await holder()?.runId == "run-b")
        await taker.release()

        // A live holder with a short TTL stops renewing only if its process stops; simulate the
        // loss by another process replacing its lease after expiry.
        let holderLease = try await acquire("run-c", ttl: .seconds(60))
        let info = try #require(try await store.head(key: "datasets/sales/_lease"))
        dead.runId = "run-d"
        _ = try await store.put(key: "datasets/sales/_lease", data: try dead.encoded(), if: .matches(etag: info.etag!))
        do {
            try await holderLease.confirm()
            Issue.record("a lease replaced by another process still confirmed")
        } catch let LakeError.leaseLost(dataset, detail) {
            #expect(dataset == "sales")
            #expect(detail.contains("run run-d"), "\(detail)")
        }
        await holderLease.release()
        #expect(try await holder()?.runId == "run-d", "release never deletes another holder's lease")
    }

    // TTLs of 1.5 s, not less: on a loaded 2-core machine a thread can wait hundreds of
    // milliseconds for a core, and a shorter lease then expires between two renewals.
    @Test func renewalsKeepAShortLeaseAlive() async throws {
        let lease = try await acquire("run-a", ttl: .milliseconds(1500))
        let before = try #require(try await holder())
        try await Task.sleep(for: .milliseconds(3500))
        let after = try #require(try await holder())
        #expect(after.runId == "run-a" && after.renewal > before.renewal && after.expiresAt > Date())
        try await lease.confirm()
        do {
            _ = try await acquire("run-b")
            Issue.record("a renewed lease was taken")
        } catch LakeError.busy {}
        await lease.release()
    }

    /// Loads keep every thread of the cooperative pool busy converting; renewals run on a
    /// thread of their own, so a lease outlives its TTL under that load.
    @Test func renewalsRunWhileThePoolIsBusy() async throws {
        let lease = try await acquire("run-a", ttl: .milliseconds(1500))
        let before = try #require(try await holder())
        let busy = ProcessInfo.processInfo.activeProcessorCount + 2
        await withTaskGroup(of: Void.self) { group in
            for _ in 0 ..< busy { group.addTask { usleep(4_000_000) } }   // blocks its pool thread
        }
        let after = try #require(try await holder())
        #expect(after.renewal >= before.renewal + 3, "renewals starved: \(after.renewal) after \(before.renewal)")
        try await lease.confirm()
        await lease.release()
    }

    /// A load publishes nothing once its lease is gone.
    @Test func loadThatLostItsLeasePublishesNothing() async throws {
        let lake = Fixture.lake(root)
        var options = LoadOptions()
        _ = try await Fixture.load(lake, "sales", [Fixture.batch([(1, "old", nil)])], options)
        let before = Fixture.snapshot(root, "sales")
        try await lake.withLease(id, options: LeaseOptions()) { lease in
            let info = try #require(try await store.head(key: "datasets/sales/_lease"))
            _ = try await store.put(key: "datasets/sales/_lease", data: Array("{}".utf8), if: .matches(etag: info.etag!))
            options.heldLease = lease
            await #expect(throws: LakeError.self) {
                _ = try await Fixture.load(lake, "sales", [Fixture.batch([(2, "new", nil)])], options)
            }
        }
        #expect(Fixture.snapshot(root, "sales") == before)
    }

    @Test func clearIsRefusedWhileALoadHoldsTheLease() async throws {
        let lake = Fixture.lake(root)
        _ = try await Fixture.load(lake, "sales", [Fixture.batch([(1, "a", nil)])], LoadOptions())
        let lease = try await acquire("run-a")
        await #expect(throws: LakeError.self) { _ = try await lake.clear(id) }
        #expect(!Fixture.snapshot(root, "sales").isEmpty)
        await lease.release()
        #expect(try await lake.clear(id) == 2)
        #expect(try await store.list(prefix: "datasets/sales/").isEmpty)
    }

    @Test func aStoreIgnoringConditionsIsRefusedUnlessLeasesAreOff() async throws {
        let lake = Lake(store: IgnoresConditions(inner: store), format: TextTestFormat())
        do {
            _ = try await Fixture.load(lake, "sales", [Fixture.batch([(1, "a", nil)])], LoadOptions())
            Issue.record("a store that ignores conditions was trusted")
        } catch let LakeError.noConditionalWrites(name, header) {
            #expect(name == "ignores:" + store.displayName && header == "If-None-Match")
        }
        #expect(try await store.list(prefix: "datasets/").isEmpty, "nothing written, the probe's lease removed")
        var off = LoadOptions()
        off.lease.enabled = false
        #expect(try await Fixture.load(lake, "sales", [Fixture.batch([(1, "a", nil)])], off).rowsWritten == 1)
    }
}

/// A store that writes through every condition, as some S3-compatible servers do.
struct IgnoresConditions: ObjectStore {
    let inner: LocalStore
    var displayName: String { "ignores:" + inner.displayName }
    func put(key: String, fromFile path: String) async throws { try await inner.put(key: key, fromFile: path) }
    func put(key: String, data: [UInt8]) async throws { try await inner.put(key: key, data: data) }
    func put(key: String, data: [UInt8], if condition: WriteCondition) async throws -> String {
        try await inner.put(key: key, data: data)
        return "\"\(UUID().uuidString)\""
    }
    func get(key: String, range: Range<Int64>?) async throws -> [UInt8] { try await inner.get(key: key, range: range) }
    func download(key: String, toFile path: String) async throws { try await inner.download(key: key, toFile: path) }
    func head(key: String) async throws -> ObjectInfo? { try await inner.head(key: key) }
    func list(prefix: String) async throws -> [ObjectInfo] { try await inner.list(prefix: prefix) }
    func delete(keys: [String]) async throws { try await inner.delete(keys: keys) }
}
