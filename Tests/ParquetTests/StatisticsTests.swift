import Columnar
import Foundation
import Testing
@testable import Parquet

@Suite struct StatisticsTests {
    func chunkStats(_ type: DataType, _ values: [Value], nullable: Bool = true, options: ParquetWriteOptions = .init()) throws -> Statistics? {
        let schema = Schema([Field("c", type, nullable: nullable)])
        let batch = try RecordBatch(schema: schema, columns: [Column(type: type, values: values)])
        let (path, _) = try writeFile([batch], schema: schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ParquetFileReader(path: path).fileMetaData.rowGroups.first?.columns[0].metaData?.statistics
    }

    func le<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }

    @Test func floatsSkipNaNAndNormaliseZeros() throws {
        let s = try #require(try chunkStats(.float64, [.float(.nan), .float(0.0), .float(3.5), .null, .float(.nan)]))
        #expect(s.nullCount == 1)
        #expect(s.minValue == le((-0.0 as Double).bitPattern))
        #expect(s.maxValue == le((3.5 as Double).bitPattern))
        let z = try #require(try chunkStats(.float32, [.float(-0.0), .float(-0.0)]))
        #expect(z.minValue == le((-0.0 as Float).bitPattern) && z.maxValue == le((0.0 as Float).bitPattern))
    }

    @Test func allNaNOrAllNullOmitsMinMax() throws {
        let s = try #require(try chunkStats(.float32, [.float(.nan), .float(.nan)]))
        #expect(s.minValue == nil && s.maxValue == nil && s.nullCount == 0)
        let n = try #require(try chunkStats(.string, [.null, .null]))
        #expect(n.minValue == nil && n.nullCount == 2)
    }

    /// Dictionary pages take their min and max from their distinct entries, PLAIN pages from
    /// every value: both must order strings as unsigned bytes.
    @Test(arguments: [true, false])
    func stringsCompareAsUnsignedBytes(dictionary: Bool) throws {
        var options = ParquetWriteOptions()
        options.dictionaryEnabled = dictionary
        let values: [Value] = [.string("é"), .string("z"), .null, .string(""), .string("abcdefghij"), .string("z"), .string("abcdefghi")]
        let s = try #require(try chunkStats(.string, values, options: options))
        #expect(s.minValue == [])
        #expect(s.maxValue == Array("é".utf8)) // 0xC3 sorts after 'z'
        #expect(s.nullCount == 1)
        #expect(s.min == nil) // legacy fields only for signed orders
    }

    @Test func integersAndDecimalsCompareSigned() throws {
        let i = try #require(try chunkStats(.int64, [.int(5), .int(-7), .int(Int64.max)]))
        #expect(i.minValue == le(Int64(-7)) && i.maxValue == le(Int64.max) && i.min == i.minValue)
        let d = try #require(try chunkStats(.decimal(precision: 30, scale: 0), [.decimal(-1), .decimal(2), .decimal(-300)]))
        let width = SchemaMapping.decimalByteWidth(precision: 30)
        #expect(d.minValue == FixedDecimalEncoder.bigEndian(-300, width: width))
        #expect(d.maxValue == FixedDecimalEncoder.bigEndian(2, width: width))
        let b = try #require(try chunkStats(.boolean, [.boolean(true), .boolean(true)], nullable: false))
        #expect(b.minValue == [1] && b.maxValue == [1] && b.nullCount == 0)
    }

    /// A value past 4096 bytes drops min and max (null count stays), in the footer and in the
    /// page header: a 100 MB string once tripled its file through its own statistics.
    @Test func longValuesLeaveMinMaxOut() throws {
        let long = String(repeating: "x", count: ColumnChunkWriter.maxStatisticsBytes + 1)
        let s = try #require(try chunkStats(.string, [.string("a"), .string(long), .null]))
        #expect(s.minValue == nil && s.maxValue == nil && s.nullCount == 1)
        let atLimit = String(repeating: "x", count: ColumnChunkWriter.maxStatisticsBytes)
        let kept = try #require(try chunkStats(.string, [.string("a"), .string(atLimit)]))
        #expect(kept.minValue == [UInt8(ascii: "a")] && kept.maxValue == Array(atLimit.utf8))
        let schema = Schema([Field("c", .string)])
        let batch = try RecordBatch(schema: schema, columns: [Column(type: .string, values: [.string(String(repeating: "y", count: 1_000_000))])])
        let (path, _) = try writeFile([batch], schema: schema)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 1_100_000, "one copy of a 1 MB value, not three: \(size) bytes")
    }
}
