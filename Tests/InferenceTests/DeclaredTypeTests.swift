import Columnar
import Delimited
import Testing
@testable import Inference

@Suite struct DeclaredTypeTests {
    func convert(_ values: [String?], as type: DataType, policy: RowErrorPolicy = .collect) throws -> ConvertedChunk {
        let r = InferenceResult(declared: [Field("v", type)])
        return try BatchConverter(result: r, fileName: "d.csv", rowErrors: policy).convert(chunk(values))
    }

    @Test func millisecondTimestampsRejectLostDigits() throws {
        let out = try convert(["2025-03-14T00:00:00.123", "2025-03-14T00:00:00.1234"], as: .timestamp(unit: .millisecond, utc: true))
        #expect(out.batch.columns[0].values == [.timestamp(CivilDate(year: 2025, month: 3, day: 14).daysSinceEpoch * 86_400_000 + 123)])
        #expect(out.rejected.map(\.line) == [3])
        #expect(out.rejected[0].reason.hasSuffix("has sub-millisecond digits (timestamp[ms, UTC] would lose them)"))
    }

    @Test func utcColumnTakesNaiveValuesAsUTC() throws {
        let out = try convert(["2025-03-14 09:00:00", "2025-03-14T09:00:00+09:00"], as: .timestamp(unit: .microsecond, utc: true))
        #expect(out.batch.columns[0].values == [micros(2025, 3, 14, 9), micros(2025, 3, 14)])
    }

    @Test func float32AndNarrowInts() throws {
        let f = try convert(["0.1", "1e39", "x"], as: .float32)
        #expect(f.batch.columns[0].values == [.float(Double(Float(0.1))), .float(.infinity)])
        #expect(f.rejected.map(\.value) == ["x"])
        let i = try convert(["32767", "-32768", "32768"], as: .int16)
        #expect(i.batch.columns[0].values == [.int(32767), .int(-32768)])
        #expect(i.rejected[0].reason == "d.csv:4:1 (v): '32768' is out of range for int16")
        let word = try convert(["1", "z"], as: .int64)
        #expect(word.rejected[0].reason == "d.csv:3:1 (v): 'z' is not an int64")
    }

    @Test func declaredDecimalNeverRounds() throws {
        let out = try convert(["1.25", "1.250", "1.255", "123"], as: .decimal(precision: 5, scale: 2))
        #expect(out.batch.columns[0].values == [.decimal(125), .decimal(125), .decimal(12_300)])
        #expect(out.rejected.map(\.line) == [4])
        let bad = try convert(["1234"], as: .decimal(precision: 5, scale: 2))
        #expect(bad.rejected[0].reason == "d.csv:2:1 (v): '1234' is not a decimal(5,2) (never rounded)")
    }

    @Test func emptyChunkConverts() throws {
        let out = try convert([], as: .int64, policy: .fail)
        #expect(out.batch.rowCount == 0 && out.rejected.isEmpty)
    }
}

@Suite struct GroupedDecimalTests {
    @Test func exactGroupedDecimals() throws {
        let (r, v) = try inferAndConvert(["1,234.50", "7.5"], options { $0.decimals = .exact })
        #expect(r.type == "decimal(6,2)" && r.format == "thousands separators")
        #expect(v == [.decimal(123_450), .decimal(750)])
    }

    @Test func groupedBigIntegers() throws {
        let (r, v) = try inferAndConvert(["12,345,678,901,234,567,890", "5"])
        #expect(r.type == "decimal(38,0)" && r.format == "thousands separators")
        #expect(v == [.decimal(Int128("12345678901234567890")!), .decimal(5)])
    }
}
