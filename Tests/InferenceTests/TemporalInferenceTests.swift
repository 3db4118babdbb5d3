import Columnar
import Testing
@testable import Inference

@Suite struct DateInferenceTests {
    @Test func isoDates() throws {
        let (r, v) = try inferAndConvert(["2025-03-14", "1969-12-31", "1900-2-1", "9999-12-31", "0001-01-01", nil])
        #expect(r.type == "date" && r.format == "YYYY-MM-DD")
        #expect(v == [days(2025, 3, 14), .date(-1), days(1900, 2, 1), days(9999, 12, 31), days(1, 1, 1), .null])
        #expect(v[3] == .date(2_932_896))
    }

    @Test func isoSlashDates() throws {
        let (r, v) = try inferAndConvert(["2025/03/14", "2024/2/29"])
        #expect(r.type == "date" && r.format == "YYYY/MM/DD")
        #expect(v == [days(2025, 3, 14), days(2024, 2, 29)])
    }

    @Test func secondPartOver12MeansMonthFirst() throws {
        let (r, v) = try inferAndConvert(["1/2/2025", "3/14/2025", "12/31/1960"])
        #expect(r.type == "date" && r.format == "MM/DD/YYYY")
        #expect(r.reason.contains("'3/14/2025' at line 3"))
        #expect(v == [days(2025, 1, 2), days(2025, 3, 14), days(1960, 12, 31)])
    }

    @Test func firstPartOver12MeansDayFirst() throws {
        let (r, v) = try inferAndConvert(["01/02/2025", "14/03/2025"])
        #expect(r.type == "date" && r.format == "DD/MM/YYYY")
        #expect(v == [days(2025, 2, 1), days(2025, 3, 14)])
    }

    @Test func bothOrdersContradictedIsAString() {
        let r = infer(["1/2/2025", "14/03/2025", "5/5/2025", "3/14/2025"]).report.columns[0]
        #expect(r.type == "string")
        #expect(r.fallbackValue == "3/14/2025" && r.fallbackLine == 5)
    }

    @Test func ambiguousFollowsOptionWithWarning() throws {
        let res = infer(["1/2/2025", "3/4/2025"])
        #expect(res.report.columns[0].format == "MM/DD/YYYY")
        #expect(res.report.warnings.count == 1)
        #expect(res.report.warnings[0].contains("'c'"))
        let dmy = options { $0.dateOrder = .dmy }
        let (r, v) = try inferAndConvert(["1/2/2025", "3/4/2025"], dmy)
        #expect(r.format == "DD/MM/YYYY")
        #expect(v == [days(2025, 2, 1), days(2025, 4, 3)])
        // Same parts everywhere: the order changes nothing, so no warning.
        #expect(infer(["1/1/2025", "2/2/2025"]).report.warnings.isEmpty)
    }

    @Test func impossibleDatesAreStrings() {
        let r = infer(["2024-02-29", "2023-02-29"]).report.columns[0]
        #expect(r.type == "string" && r.fallbackValue == "2023-02-29" && r.fallbackLine == 3)
        #expect(infer(["2025-13-01"]).report.columns[0].type == "string")
        #expect(infer(["2025-04-31"]).report.columns[0].type == "string")
    }

    @Test func mixedDateFormatsAreStrings() {
        let r = infer(["2025-03-14", "2025/03/15"]).report.columns[0]
        #expect(r.type == "string" && r.fallbackLine == 3)
    }
}

@Suite struct TimestampInferenceTests {
    @Test func isoNaive() throws {
        let (r, v) = try inferAndConvert(["2025-03-14T09:00:00", "2025-03-14 09:00:00.5", "1960-01-01T23:59:59.123456",
                                          "2017-01-18T22:21:04", "2025-03-14T09:05"])
        #expect(r.type == "timestamp[us]" && r.format == "ISO 8601")
        #expect(v == [micros(2025, 3, 14, 9), micros(2025, 3, 14, 9, 0, 0, 500_000), micros(1960, 1, 1, 23, 59, 59, 123_456),
                      micros(2017, 1, 18, 22, 21, 4), micros(2025, 3, 14, 9, 5)])
    }

    @Test func offsetsAreConvertedToUTC() throws {
        let (r, v) = try inferAndConvert(["2025-03-14T09:00:00+09:00", "2025-03-14T00:00:00Z", "2025-03-13T19:00:00-0500",
                                          "2025-03-14 05:30:00.25+05:30", "2025-03-14T01:00:00+01"])
        #expect(r.type == "timestamp[us, UTC]" && r.format == "ISO 8601 with offset")
        #expect(v == [micros(2025, 3, 14), micros(2025, 3, 14), micros(2025, 3, 14), micros(2025, 3, 14, 0, 0, 0, 250_000),
                      micros(2025, 3, 14)])
    }

    @Test func offsetMixIsAString() {
        let r = infer(["2025-03-14T09:00:00Z", "2025-03-14T09:00:00Z", "2025-03-14T09:00:00"]).report.columns[0]
        #expect(r.type == "string" && r.fallbackValue == "2025-03-14T09:00:00" && r.fallbackLine == 4)
    }

    @Test func subMicrosecondDigits() throws {
        let (r, v) = try inferAndConvert(["2025-03-14T09:00:00.123456000", "2025-03-14T09:00:00.1"])
        #expect(r.type == "timestamp[us]")
        #expect(v == [micros(2025, 3, 14, 9, 0, 0, 123_456), micros(2025, 3, 14, 9, 0, 0, 100_000)])
        let s = infer(["2025-03-14T09:00:00.1", "2025-03-14T09:00:00.1234567"]).report.columns[0]
        #expect(s.type == "string" && s.fallbackValue == "2025-03-14T09:00:00.1234567" && s.fallbackLine == 3)
    }

    @Test func usStyle() throws {
        let (r, v) = try inferAndConvert(["3/14/2025 2:05:07 PM", "3/14/2025 12:00 AM", "12/1/2025 12:30:00 pm", "3/15/2025"])
        #expect(r.type == "timestamp[us]" && r.format == "MM/DD/YYYY hh:mm:ss")
        #expect(v == [micros(2025, 3, 14, 14, 5, 7), micros(2025, 3, 14), micros(2025, 12, 1, 12, 30), micros(2025, 3, 15)])
        #expect(infer(["3/14/2025 13:05 PM"]).report.columns[0].type == "string")
    }

    @Test func dayFirstTimestamps() throws {
        let (r, v) = try inferAndConvert(["14/03/2025 14:05:07", "1/2/2025 00:00"])
        #expect(r.format == "DD/MM/YYYY hh:mm:ss")
        #expect(v == [micros(2025, 3, 14, 14, 5, 7), micros(2025, 2, 1)])
    }

    @Test func datesInATimestampColumnAreMidnight() throws {
        let (r, v) = try inferAndConvert(["2025-03-14", "2025-03-14T10:00:00"])
        #expect(r.type == "timestamp[us]")
        #expect(v == [micros(2025, 3, 14), micros(2025, 3, 14, 10)])
        // With offsets, a date-only value has none: a mix, so string.
        #expect(infer(["2025-03-14", "2025-03-14T10:00:00Z"]).report.columns[0].type == "string")
    }

    @Test func badTimesAreStrings() {
        for bad in ["2025-03-14T24:00:00", "2025-03-14T10:60:00", "2025-03-14T10:00:61", "2025-03-14T10:00:00+2400",
                    "2025-03-14T1:00:00", "2025-03-14T10:00:00.", "2025-03-14X10:00:00"] {
            let r = infer(["2025-03-14T10:00:00", bad]).report.columns[0]
            #expect(r.type == "string", "\(bad)")
            #expect(r.fallbackLine == 3)
        }
    }
}
