import Testing
@testable import Columnar

@Suite struct CivilDateTests {
    @Test func roundTripsAcrossEras() {
        for d in stride(from: Int64(-1_000_000), through: 3_000_000, by: 997) {
            let c = CivilDate(daysSinceEpoch: d)
            #expect(CivilDate.isValid(year: c.year, month: c.month, day: c.day))
            #expect(c.daysSinceEpoch == d)
        }
    }

    @Test func knownDates() {
        #expect(CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(CivilDate(year: 2000, month: 3, day: 1).daysSinceEpoch == 11_017)
        #expect(CivilDate(year: 1969, month: 12, day: 31).daysSinceEpoch == -1)
        #expect(CivilDate(daysSinceEpoch: 19_797).description == "2024-03-15")
        #expect(!CivilDate.isValid(year: 2023, month: 2, day: 29))
        #expect(CivilDate.isValid(year: 2000, month: 2, day: 29))
        #expect(!CivilDate.isValid(year: 1900, month: 2, day: 29))
    }

    @Test func theTableOfCommonYearsAgreesWithTheCalendarOnEveryDay() {
        // 1899-01-01 through 2101-12-31, across both ends of the table (1900-2099): every
        // real date maps to its day, and every day 0, 29, 30, 31 or 32 that is not one is refused.
        for d in CivilDate(year: 1899, month: 1, day: 1).daysSinceEpoch ... CivilDate(year: 2101, month: 12, day: 31).daysSinceEpoch {
            let c = CivilDate(daysSinceEpoch: d)
            #expect(c.daysSinceEpoch == d)
            #expect(CivilDate.days(year: c.year, month: c.month, day: c.day) == d)
        }
        for year: Int64 in 1899 ... 2101 {
            for month in 0 ... 13 {
                for day in [0, 1, 28, 29, 30, 31, 32] {
                    let real = (1 ... 12).contains(month) && day >= 1 && day <= CivilDate.daysIn(month: month, year: year)
                    #expect(CivilDate.isValid(year: year, month: month, day: day) == real, "\(year)-\(month)-\(day)")
                    #expect((CivilDate.days(year: year, month: month, day: day) != nil) == real, "\(year)-\(month)-\(day)")
                }
            }
        }
    }

    @Test func timestampFormatFloorsBeforeEpoch() {
        #expect(Timestamps.format(-1, unit: .microsecond, utc: true) == "1969-12-31 23:59:59.999999Z")
        #expect(Timestamps.format(1_500, unit: .millisecond, utc: false) == "1970-01-01 00:00:01.500")
    }
}

@Suite struct ColumnTests {
    @Test func builderTracksNullsAndValues() throws {
        var b = ColumnBuilder(type: .string)
        b.append(string: "a")
        b.appendNull()
        b.append(string: "")
        b.append(string: "日本")
        let c = b.finish()
        #expect(c.count == 4)
        #expect(c.nullCount == 1)
        #expect(c.values == [.string("a"), .null, .string(""), .string("日本")])
        #expect(b.count == 0)
    }

    @Test func noNullsMeansNoBitmap() throws {
        let c = try Column(type: .int64, values: [.int(1), .int(.min), .int(.max)])
        #expect(c.validity == nil)
        #expect(c.take([2, 0]).values == [.int(.max), .int(1)])
    }

    @Test func rejectsValuesThatDoNotFit() {
        #expect(throws: ColumnarError.self) { try Column(type: .int8, values: [.int(300)]) }
        #expect(throws: ColumnarError.self) { try Column(type: .decimal(precision: 3, scale: 0), values: [.decimal(1000)]) }
        #expect(throws: ColumnarError.self) { try Column(type: .date, values: [.string("x")]) }
    }

    @Test func decimalFormatting() {
        #expect(Decimal128.format(12345, scale: 2) == "123.45")
        #expect(Decimal128.format(-5, scale: 3) == "-0.005")
        #expect(Decimal128.format(7, scale: 0) == "7")
        #expect(Decimal128.fits(Decimal128.powersOfTen[38] - 1, precision: 38))
        #expect(!Decimal128.fits(Decimal128.powersOfTen[38], precision: 38))
    }

    @Test func typeNamesParseBack() {
        let all: [DataType] = [.boolean, .int8, .int16, .int32, .int64, .float32, .float64,
                               .decimal(precision: 38, scale: 10), .date,
                               .timestamp(unit: .microsecond, utc: true), .timestamp(unit: .millisecond, utc: false),
                               .string, .binary]
        for t in all { #expect(DataType(parsing: t.name) == t) }
        #expect(DataType(parsing: "decimal(39,0)") == nil)
    }
}
