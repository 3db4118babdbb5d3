import Columnar
import Testing
@testable import Inference

@Suite struct NumericInferenceTests {
    @Test func booleansInAnyCaseOnly() throws {
        let (r, v) = try inferAndConvert(["true", "FALSE", "True", nil])
        #expect(r.type == "boolean")
        #expect(v == [.boolean(true), .boolean(false), .boolean(true), .null])
        #expect(infer(["1", "0"]).report.columns[0].type == "int64")
        let yes = infer(["yes", "no"]).report.columns[0]
        #expect(yes.type == "string")
        #expect(yes.fallbackValue == "yes" && yes.fallbackLine == 2)
    }

    @Test func int64Column() throws {
        let (r, v) = try inferAndConvert(["1", "-42", "+7", "0", "-0", "9223372036854775807"])
        #expect(r.type == "int64")
        #expect(r.format == nil)
        #expect(v == [.int(1), .int(-42), .int(7), .int(0), .int(0), .int(Int64.max)])
    }

    @Test func leadingZerosKeepAString() throws {
        let (r, v) = try inferAndConvert(["12", "345", "007", "8"])
        #expect(r.type == "string")
        #expect(r.fallbackValue == "007")
        #expect(r.fallbackLine == 4)
        #expect(r.reason == "'007' at line 4 is not a number (a leading zero keeps codes and IDs as text)")
        #expect(v[2] == .string("007"))
        #expect(infer(["0.5", "00.5"]).report.columns[0].fallbackValue == "00.5")
    }

    @Test func beyondInt64BecomesDecimal38() throws {
        let (r, v) = try inferAndConvert(["1", "9223372036854775808", "-12345678901234567890123456789012345678"])
        #expect(r.type == "decimal(38,0)")
        #expect(r.reason.contains("9223372036854775808") && r.reason.contains("line 3"))
        #expect(v == [.decimal(1), .decimal(Int128("9223372036854775808")!),
                      .decimal(Int128("-12345678901234567890123456789012345678")!)])
    }

    @Test func thirtyNineDigitsIsAString() {
        let r = infer(["1", "99999999999999999999", "123456789012345678901234567890123456789", "2"]).report.columns[0]
        #expect(r.type == "string")
        #expect(r.fallbackValue == "123456789012345678901234567890123456789")
        #expect(r.fallbackLine == 4)
    }

    @Test func thousandsSeparatorsWhenEveryValueIsGrouped() throws {
        let (r, v) = try inferAndConvert(["1,234,567", "12", "-999", "1,000"])
        #expect(r.type == "int64")
        #expect(r.format == "thousands separators")
        #expect(v == [.int(1_234_567), .int(12), .int(-999), .int(1000)])
        let (f, fv) = try inferAndConvert(["1,234.5", "7.25"])
        #expect(f.type == "float64" && f.format == "thousands separators")
        #expect(fv == [.float(1234.5), .float(7.25)])
    }

    @Test func groupedMixedWithUngroupedIsAString() {
        let r = infer(["1,234", "5", "12345", "1,000"]).report.columns[0]
        #expect(r.type == "string")
        #expect(r.fallbackValue == "12345")
        #expect(r.fallbackLine == 4)
    }

    @Test func badGroupingIsAString() {
        for bad in ["12,34", "1,2345", "1,23,456", ",123", "1,"] {
            let r = infer(["1,234", bad]).report.columns[0]
            #expect(r.type == "string", "\(bad)")
            #expect(r.fallbackValue == bad && r.fallbackLine == 3)
        }
    }

    @Test func currencyAndPercentAreStrings() {
        for v in ["$12.50", "12%", "€3", "¥100", "12.5 USD"] {
            let r = infer(["1.5", v]).report.columns[0]
            #expect(r.type == "string")
            #expect(r.fallbackValue == v && r.fallbackLine == 3)
        }
    }

    @Test func doubleColumn() throws {
        let (r, v) = try inferAndConvert(["1", "2.5", "-3e2", "NaN", "Infinity", "-Infinity"])
        #expect(r.type == "float64")
        #expect(r.reason.contains("'2.5' at line 3"))
        #expect(v[0] == .float(1) && v[1] == .float(2.5) && v[2] == .float(-300))
        if case let .float(x) = v[3] { #expect(x.isNaN) } else { Issue.record("NaN") }
        #expect(v[4] == .float(.infinity) && v[5] == .float(-.infinity))
    }

    @Test func exactDecimals() throws {
        let o = options { $0.decimals = .exact }
        let (r, v) = try inferAndConvert(["12.5", "-1234.125", "7", "0.001"], o)
        #expect(r.type == "decimal(7,3)")
        #expect(v == [.decimal(12500), .decimal(-1_234_125), .decimal(7000), .decimal(1)])
        // Exponents cannot be a DECIMAL: float64.
        #expect(infer(["1.5", "2e3"], o).report.columns[0].type == "float64")
        // p > 38 never rounds: string, the value that pushed it over named.
        let wide = infer(["12345678901234567890.5", "1.123456789012345678901"], o).report.columns[0]
        #expect(wide.type == "string")
        #expect(wide.fallbackLine == 3)
    }

    @Test func fractionsWithHugeIntegersStayExactInDoubleMode() throws {
        let (r, v) = try inferAndConvert(["1.5", "123456789012345678901"])
        #expect(r.type == "decimal(22,1)")
        #expect(v == [.decimal(15), .decimal(Int128("1234567890123456789010")!)])
    }

    @Test func compactDatesOnlyWhenAsked() throws {
        #expect(infer(["20250314", "19991231"]).report.columns[0].type == "int64")
        let (r, v) = try inferAndConvert(["20250314", "19991231"], options { $0.allowCompactDates = true })
        #expect(r.type == "date" && r.format == "YYYYMMDD")
        #expect(v == [days(2025, 3, 14), days(1999, 12, 31)])
        #expect(infer(["20250314", "20251399"], options { $0.allowCompactDates = true }).report.columns[0].type == "int64")
    }
}

@Suite struct IntegersNeverThroughDoubleTests {
    @Test func integerAbove2to53InAFloatColumnMakesADecimal() throws {
        let (r, v) = try inferAndConvert(["1.5", "9007199254740993"])
        #expect(r.type == "decimal(17,1)")
        #expect(r.reason.contains("'9007199254740993' at line 3"))
        #expect(v == [.decimal(15), .decimal(90_071_992_547_409_930)])
        // 2^53 itself is exact: float64.
        #expect(infer(["1.5", "9007199254740992"]).report.columns[0].type == "float64")
    }
}
