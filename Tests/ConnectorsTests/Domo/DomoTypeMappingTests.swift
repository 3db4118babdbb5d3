import Columnar
import Foundation
import Connectors
import Testing

@Suite("DOMO types, header check and time zones")
struct DomoTypeMappingTests {
    let columns = [
        DomoColumn(name: "id", type: .long), DomoColumn(name: "price", type: .double),
        DomoColumn(name: "amount", type: .decimal), DomoColumn(name: "day", type: .date),
        DomoColumn(name: "at", type: .datetime), DomoColumn(name: "note", type: .string),
        DomoColumn(name: "odd", type: DomoColumnType(domoName: "GEOPOINT")),
    ]

    @Test func mapsEveryDomoType() throws {
        let fields = try declaredFields(dataset: "ds", columns: columns)
        #expect(fields.map(\.type) == [.int64, .float64, .float64, .date, .timestamp(unit: .microsecond, utc: true), .string, .string])
        #expect(fields.map(\.name) == columns.map(\.name))
        #expect(fields.allSatisfy { $0.nullable })
        let exact = try declaredFields(dataset: "ds", columns: columns, decimals: .exact)
        #expect(exact[2].type == .decimal(precision: 38, scale: 10))
        #expect(DomoColumnType(domoName: "long") == .long)
        #expect(DomoColumnType(domoName: "GEOPOINT").description == "GEOPOINT")
    }

    @Test func overridesWinAndUnknownOverrideIsAnError() throws {
        let fields = try declaredFields(dataset: "ds", columns: columns, overrides: ["amount": .decimal(precision: 12, scale: 2), "id": .int32])
        #expect(fields[0].type == .int32)
        #expect(fields[2].type == .decimal(precision: 12, scale: 2))
        #expect(fields[1].type == .float64)
        do {
            _ = try declaredFields(dataset: "Sales", columns: columns, overrides: ["amonut": .float64])
            Issue.record("expected an error")
        } catch let error as DomoError {
            #expect(error.description.contains("DOMO dataset Sales: schema override names column 'amonut'"))
        }
    }

    @Test func headerCheck() throws {
        let cols = [DomoColumn(name: "a", type: .string), DomoColumn(name: "b", type: .long)]
        try checkHeader(["a", "b"], against: cols, dataset: "X")
        try checkHeader(["\u{FEFF}a", "b"], against: cols, dataset: "X")
        func message(_ header: [String]) -> String {
            do {
                try checkHeader(header, against: cols, dataset: "X")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(message(["a", "c"]) == "DOMO dataset X: export header has 'c' where metadata says 'b' (column 2)")
        #expect(message(["a"]).contains("export header has 1 columns but metadata says 2; 'b' is missing"))
        #expect(message(["a", "b", "z"]).contains("'z' is extra"))
        #expect(message(["b", "a"]).hasPrefix("DOMO dataset X: export header has 'b' where metadata says 'a'"))
    }

    /// Microseconds since the epoch of a wall-clock reading, taken as UTC.
    func micros(_ y: Int64, _ mo: Int, _ d: Int, _ h: Int64, _ mi: Int64 = 0) -> Int64 {
        (CivilDate(year: y, month: mo, day: d).daysSinceEpoch * 86_400 + h * 3600 + mi * 60) * 1_000_000
    }

    @Test func timeZoneShiftToUTC() throws {
        var tokyo = try #require(DomoTimeZoneShift(identifier: "Asia/Tokyo"))
        #expect(tokyo.toUTC(localMicros: micros(2024, 1, 1, 9)) == micros(2024, 1, 1, 0))
        #expect(tokyo.toUTC(localMicros: micros(1969, 12, 31, 23, 30)) == micros(1969, 12, 31, 14, 30))

        var newYork = try #require(DomoTimeZoneShift(identifier: "America/New_York"))
        // Winter EST (-5), summer EDT (-4).
        #expect(newYork.toUTC(localMicros: micros(2024, 1, 15, 12)) == micros(2024, 1, 15, 17))
        #expect(newYork.toUTC(localMicros: micros(2024, 7, 15, 12)) == micros(2024, 7, 15, 16))
        // 2024-03-10 01:30 EST is before the jump, 03:30 EDT after it.
        #expect(newYork.toUTC(localMicros: micros(2024, 3, 10, 1, 30)) == micros(2024, 3, 10, 6, 30))
        #expect(newYork.toUTC(localMicros: micros(2024, 3, 10, 3, 30)) == micros(2024, 3, 10, 7, 30))
        // 02:30 does not exist that day: read with the offset from before the gap (EST).
        #expect(newYork.toUTC(localMicros: micros(2024, 3, 10, 2, 30)) == micros(2024, 3, 10, 7, 30))
        // 2024-11-03 01:30 happens twice: the earlier instant (EDT) wins.
        #expect(newYork.toUTC(localMicros: micros(2024, 11, 3, 1, 30)) == micros(2024, 11, 3, 5, 30))

        // Berlin's 2024-10-27 02:30 happens twice, at 00:30Z (CEST) and 01:30Z (CET): the earlier wins.
        var berlin = try #require(DomoTimeZoneShift(identifier: "Europe/Berlin"))
        #expect(berlin.toUTC(localMicros: micros(2024, 10, 27, 2, 30)) == micros(2024, 10, 27, 0, 30))
        #expect(berlin.toUTC(localMicros: micros(2024, 10, 27, 3, 30)) == micros(2024, 10, 27, 2, 30))

        var utc = try #require(DomoTimeZoneShift(identifier: "UTC"))
        #expect(utc.toUTC(localMicros: 123_456_789) == 123_456_789)
        #expect(DomoTimeZoneShift(identifier: "Nowhere/Land") == nil)
    }

    @Test func credentialsFromEnvironment() throws {
        func error(_ env: [String: String]) -> String {
            do {
                _ = try DomoCredentials(environment: env)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(error([:]).contains("DOMO_CLIENT_ID and DOMO_CLIENT_SECRET"))
        #expect(error(["DOMO_CLIENT_ID": "x"]) == "DOMO credentials missing: set DOMO_CLIENT_SECRET in the environment or .env")
        #expect(error(["DOMO_CLIENT_ID": "x", "DOMO_CLIENT_SECRET": "y", "DOMO_API_HOST": "ftp://h"]).contains("not an http"))
        let c = try DomoCredentials(environment: ["DOMO_CLIENT_ID": "abcdef", "DOMO_CLIENT_SECRET": "zzz"])
        #expect(c.host == "https://api.domo.com")
        #expect(c.clientIdPrefix == "abcd")
        #expect(!"\(c)".contains("zzz") && !"\(c)".contains("abcdef"))
        let d = try DomoCredentials(environment: ["DOMO_CLIENT_ID": "a", "DOMO_CLIENT_SECRET": "b", "DOMO_API_HOST": "http://127.0.0.1:9/"])
        #expect(d.host == "http://127.0.0.1:9")
    }
}
