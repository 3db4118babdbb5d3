import Foundation
import Inference
import JSON
@testable import Connectors
import Testing

/// The incremental cursor remembers only the records that can still end up in the lag window:
/// its memory follows the window, not the run's length, and the state it publishes is the same.
@Suite struct IncrementalWindowTests {
    static func spec(lag: Double) throws -> IncrementalSpec {
        var spec = IncrementalSpec(cursorPath: try JSONPath("updated_at"), param: "since")
        spec.lagSeconds = lag
        return spec
    }

    /// Record k: key "k", cursor 2024-01-01 plus k seconds.
    static func observe(_ cursor: inout IncrementalCursor, _ k: Int) throws -> IncrementalCursor.Verdict {
        let text = isoInstantText(micros: 1_704_067_200_000_000 + Int64(k) * 1_000_000)
        return try cursor.observe(.string(text), key: Array("\(k)".utf8)) { _ in CancellationError() }
    }

    @Test func aLongRunHoldsAboutOneWindowOfFingerprints() throws {
        var cursor = try IncrementalCursor(spec: try Self.spec(lag: 60), state: nil, keyed: true)
        var most = 0
        for k in 0 ..< 200_000 {
            #expect(try Self.observe(&cursor, k) == .load)
            most = max(most, cursor.heldFingerprints)
        }
        #expect(most <= IncrementalCursor.firstPrune, "held \(most) fingerprints for a 61-record window")
        let published = cursor.state()
        let state = try #require(published)
        guard case let .object(window)? = state["window"] else { Issue.record("no window in \(state)"); return }
        #expect(window.count == 61, "the records within 60 s of the highest, each its own second")

        // The next run skips those 61 when they come back, and loads the one after them.
        var next = try IncrementalCursor(spec: try Self.spec(lag: 60), state: state, keyed: true)
        for k in 199_939 ..< 200_000 { #expect(try Self.observe(&next, k) == .skip) }
        #expect(try Self.observe(&next, 200_000) == .load)
        #expect(next.skippedSeen == 61 && next.skippedOld == 0)
    }
}
