import Foundation
@testable import ObjectStore
import Testing

/// `put(key:data:if:)` on the local store: the put-if-absent and compare-and-swap that leases
/// and commits rest on, with the same answers S3 gives.
@Suite struct ConditionalWriteTests {
    let store = LocalStore(root: NSTemporaryDirectory() + "inlet-conditional-" + UUID().uuidString)
    let failed: ObjectStoreError

    init() { failed = .preconditionFailed(store: store.displayName, key: "d/_lease") }

    @Test func absentThenMatchingETag() async throws {
        let first = try await store.put(key: "d/_lease", data: Array("a".utf8), if: .absent)
        #expect(try await store.head(key: "d/_lease")?.etag == first)
        await #expect(throws: failed) { _ = try await store.put(key: "d/_lease", data: Array("b".utf8), if: .absent) }
        await #expect(throws: failed) { _ = try await store.put(key: "d/_lease", data: Array("b".utf8), if: .matches(etag: "\"other\"")) }
        #expect(try await store.get(key: "d/_lease", range: nil) == Array("a".utf8), "a failed condition writes nothing")
        let second = try await store.put(key: "d/_lease", data: Array("b".utf8), if: .matches(etag: first))
        #expect(second != first)
        #expect(try await store.get(key: "d/_lease", range: nil) == Array("b".utf8))
        await #expect(throws: failed) { _ = try await store.put(key: "d/_lease", data: Array("c".utf8), if: .matches(etag: first)) }
        try await store.delete(keys: ["d/_lease"])
        await #expect(throws: failed) { _ = try await store.put(key: "d/_lease", data: Array("c".utf8), if: .matches(etag: second)) }
        // Nothing but the object itself is left in the folder: no temp or set-aside files.
        _ = try await store.put(key: "d/_lease", data: Array("d".utf8), if: .absent)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/d") == ["_lease"])
    }

    /// Many writers race for one absent key, then for one version of it: exactly one wins each
    /// round, and the winner is told so (a loser renaming the new version aside to check it
    /// once made the winner's own ETag read fail: zero winners, under load).
    @Test func oneWinnerPerRound() async throws {
        let store = self.store
        func race(_ condition: WriteCondition) async -> [String] {
            await withTaskGroup(of: String?.self) { group in
                for i in 0 ..< 16 {
                    group.addTask { try? await store.put(key: "race/k", data: Array("writer \(i)".utf8), if: condition) }
                }
                var wins: [String] = []
                for await w in group { if let w { wins.append(w) } }
                return wins
            }
        }
        let created = await race(.absent)
        #expect(created.count == 1)
        var etag = created[0]
        for _ in 0 ..< 40 {
            let swapped = await race(.matches(etag: etag))
            #expect(swapped.count == 1, "\(swapped)")
            etag = swapped.first ?? etag
            #expect(try await store.head(key: "race/k")?.etag == etag)
        }
    }
}
