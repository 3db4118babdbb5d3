import Columnar
@testable import Connectors
import Foundation
import Testing

/// The files source's state: what was loaded, bounded by a watermark and the newest keys,
/// late objects still loaded, changed objects told apart, and a lossless JSON round trip.
@Suite struct FilesStateTests {
    func object(_ name: String, at seconds: Double, size: Int64 = 10, version: String = "v1") -> LandingObject {
        LandingObject(url: "s3://b/\(name)", key: name, size: size, modified: Date(timeIntervalSince1970: seconds), version: version)
    }

    @Test func newLoadedAndChanged() {
        var state = FilesState()
        let a = object("a", at: 100)
        #expect(state.standing(of: a) == .new)
        state.record([a], maxKeys: 10)
        #expect(state.standing(of: a) == .loaded)
        #expect(state.standing(of: object("a", at: 200, size: 11, version: "v2")) == .changed(was: .init(size: 10, version: "v1", modified: 100_000_000)))
        #expect(state.loadedTotal == 1)
    }

    /// Past `maxKeys` the oldest entries go and the watermark moves to the oldest kept time;
    /// a late object newer than the watermark is still new, an older one is taken as loaded.
    @Test func boundedByAWatermark() {
        var state = FilesState()
        state.record((1 ... 5).map { object("k\($0)", at: Double($0) * 100) }, maxKeys: 3)
        #expect(state.objects.count == 3)
        #expect(Set(state.objects.keys) == ["s3://b/k3", "s3://b/k4", "s3://b/k5"])
        #expect(state.watermark == 300_000_000)
        #expect(state.standing(of: object("k1", at: 100)) == .beforeWatermark)
        #expect(state.standing(of: object("late", at: 350)) == .new)
        #expect(state.standing(of: object("older", at: 250)) == .beforeWatermark)
        #expect(state.loadedTotal == 5)
    }

    /// Entries that share the oldest kept time all stay, so none of them is loaded twice.
    @Test func tiesAtTheWatermarkStay() {
        var state = FilesState()
        state.record([object("a", at: 100), object("b", at: 200), object("c", at: 200), object("d", at: 300)], maxKeys: 2)
        #expect(Set(state.objects.keys) == ["s3://b/b", "s3://b/c", "s3://b/d"])
        #expect(state.standing(of: object("b", at: 200)) == .loaded)
    }

    @Test func jsonRoundTripKeepsMicroseconds() throws {
        var state = FilesState()
        state.record([object("a", at: 1_735_689_600.123456), object("b", at: 1_735_689_601)], maxKeys: 1)
        state.columns = [Field("id", .int64), Field("tags", .list(of: .string)), Field("at", .timestamp(unit: .microsecond, utc: true))]
        state.skipped = [("s3://b/bad.csv.gz", "the gzip data is corrupt")]
        let json = state.json
        let back = try FilesState(json: json)
        #expect(back == state)
        #expect(json["watermark"]?.string == "2025-01-01T00:00:01.000000Z")
        #expect(FilesState.parseMicros("2025-01-01T00:00:00.123456Z") == 1_735_689_600_123_456)
        #expect(FilesState.format(1_735_689_600_123_456) == "2025-01-01T00:00:00.123456Z")
        #expect(FilesState.format(-1) == "1969-12-31T23:59:59.999999Z")
    }

    @Test func anotherSourcesStateIsRefused() {
        #expect(throws: SourceError.self) { try FilesState(json: .object(["last": .int(3)])) }
        #expect((try? FilesState(json: nil)) == FilesState())
    }
}
