import Columnar
@testable import Connectors
import Inference
import Testing

/// Hive folder columns and the typed objects' widening: the narrowest common type, exact
/// casts, and refusals where a value would change.
@Suite struct HiveAndWideningTests {
    @Test func hivePairsFromFolders() {
        let pairs = HiveColumns.pairs("v/dt=2025-01-02/region=eu%2Fwest/x=/n=__HIVE_DEFAULT_PARTITION__/a=b=c.csv")
        #expect(pairs.map(\.name) == ["dt", "region", "x", "n"])
        #expect(pairs.map(\.value) == ["2025-01-02", "eu/west", nil, nil])
        // The file name is no folder.
        #expect(HiveColumns.pairs("dt=1/k=v.csv").map(\.name) == ["dt"])
    }

    @Test func hiveTypesComeFromEveryObject() throws {
        var hive = HiveColumns(options: InferenceOptions())
        for key in ["dt=2025-01-01/n=1/code=007/a.csv", "dt=2025-01-02/n=2/code=1/b.csv", "dt=2025-01-03/n=x/c.csv"] { hive.observe(key) }
        let fields = hive.fields()
        #expect(fields.map(\.field.name) == ["dt", "n", "code"])
        #expect(fields.map(\.field.type) == [.date, .string, .string])
        let values = try HiveColumns.values("dt=2025-01-02/b.csv", url: "s3://l/dt=2025-01-02/b.csv", fields: fields)
        #expect(values["dt"]?.value(at: 0) == .date(20_090))
        #expect(values["n"]?.value(at: 0) == .null)
    }

    /// A folder value the column's type refuses (an int64 the dataset stored, a new `n=abc`
    /// folder) is an error naming the object, the column and the value: never a null.
    @Test func aFolderValueItsTypeRefusesIsAnError() {
        let fields = [(field: Field("n", .int64), parser: ValueParser(declared: .int64))]
        #expect(throws: FilesCastError.self) { try HiveColumns.values("n=abc/a.csv", url: "s3://l/n=abc/a.csv", fields: fields) }
        do {
            _ = try HiveColumns.values("n=abc/a.csv", url: "s3://l/n=abc/a.csv", fields: fields)
        } catch {
            #expect("\(error)" == "s3://l/n=abc/a.csv: hive column 'n' is 'abc', not a value of its type int64")
        }
    }

    @Test func wideningIsTheNarrowestExactType() {
        #expect(TypeWidening.widen(.int32, .int64) == .int64)
        #expect(TypeWidening.widen(.int64, .float64) == .float64)
        #expect(TypeWidening.widen(.float32, .float64) == .float64)
        #expect(TypeWidening.widen(.int32, .decimal(precision: 12, scale: 2)) == .decimal(precision: 12, scale: 2))
        #expect(TypeWidening.widen(.int64, .decimal(precision: 12, scale: 2)) == .decimal(precision: 21, scale: 2))
        #expect(TypeWidening.widen(.decimal(precision: 10, scale: 4), .decimal(precision: 12, scale: 2)) == .decimal(precision: 14, scale: 4))
        #expect(TypeWidening.widen(.decimal(precision: 38, scale: 0), .decimal(precision: 10, scale: 5)) == nil)
        #expect(TypeWidening.widen(.date, .timestamp(unit: .microsecond, utc: false)) == .timestamp(unit: .microsecond, utc: false))
        #expect(TypeWidening.widen(.date, .timestamp(unit: .microsecond, utc: true)) == nil)
        #expect(TypeWidening.widen(.timestamp(unit: .millisecond, utc: true), .timestamp(unit: .microsecond, utc: true))
            == .timestamp(unit: .microsecond, utc: true))
        #expect(TypeWidening.widen(.string, .int64) == nil)
        #expect(TypeWidening.widen(.list(of: .int64), .list(of: .int32)) == nil)
    }

    @Test func castsAreExactOrRefused() throws {
        let ints = try Column(type: .int64, values: [.int(1), .null, .int(1 << 53)])
        #expect(try TypeWidening.cast(ints, to: .float64, where: "x").values == [.float(1), .null, .float(9_007_199_254_740_992)])
        let big = try Column(type: .int64, values: [.int((1 << 53) + 1)])
        #expect(throws: FilesCastError.self) { try TypeWidening.cast(big, to: .float64, where: "x") }
        let dec = try Column(type: .decimal(precision: 5, scale: 1), values: [.decimal(12345)])
        #expect(try TypeWidening.cast(dec, to: .decimal(precision: 7, scale: 3), where: "x").values == [.decimal(1_234_500)])
        let days = try Column(type: .date, values: [.date(1)])
        #expect(try TypeWidening.cast(days, to: .timestamp(unit: .microsecond, utc: false), where: "x").values == [.timestamp(86_400_000_000)])
        let ts = try Column(type: .timestamp(unit: .microsecond, utc: true), values: [.timestamp(1_735_689_600_000_001), .timestamp(-1)])
        #expect(try TypeWidening.cast(ts, to: .string, where: "x").values
            == [.string("2025-01-01T00:00:00.000001Z"), .string("1969-12-31T23:59:59.999999Z")])
        let mixed = try Column(type: .decimal(precision: 4, scale: 2), values: [.decimal(-5)])
        #expect(try TypeWidening.cast(mixed, to: .string, where: "x").values == [.string("-0.05")])
    }
}
