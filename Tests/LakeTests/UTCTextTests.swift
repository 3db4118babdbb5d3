import Foundation
@testable import Lake
import Testing

@Suite("UTC text of run ids and leases, without Foundation's formatters")
struct UTCTextTests {
    @Test func formatsAsISO8601FormatterDid() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        // Before 1970, a leap day, the last millisecond of a year, and 2,000 instants with
        // every kind of fraction over 25 years.
        let spread = (0 ..< 2000).map { 1_000_000_000 + Double($0) * 400_000.123_457 }
        for seconds in [-86_400.5, 951_782_400.25, 1_767_225_599.999] + spread {
            let d = Date(timeIntervalSince1970: seconds)
            #expect(UTCText.iso8601(d, milliseconds: true) == f.string(from: d))
            #expect(UTCText.iso8601(d, milliseconds: false) == plain.string(from: d))
        }
    }

    @Test func runIdsSortByTimeAndNameTheSecond() {
        let d = Date(timeIntervalSince1970: 1_796_569_201.7)   // 2026-12-06T15:00:01.7Z
        #expect(UTCText.compact(d) == "20261206T150001Z")
        let id = Lake.makeRunId(d)
        #expect(id.hasPrefix("20261206T150001Z-") && id.count == "20261206T150001Z-".count + 8)
    }

    @Test func leaseObjectsReadBackTheirTimes() throws {
        let acquired = Date(timeIntervalSince1970: 1_796_569_201.123)
        let holder = LeaseHolder(dataset: "d", host: "h", pid: 1, runId: "r", operation: "load", acquiredAt: acquired,
                                 renewedAt: acquired, expiresAt: acquired.addingTimeInterval(120), ttlSeconds: 120, renewal: 0)
        let back = try #require(LeaseHolder.decode(try holder.encoded()))
        #expect(abs(back.acquiredAt.timeIntervalSince(acquired)) < 0.001)
        #expect(String(decoding: try holder.encoded(), as: UTF8.self).contains("\"2026-12-06T15:00:01.123Z\""))
    }
}
