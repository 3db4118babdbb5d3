import Columnar
import Foundation
@testable import Lake
import Testing

@Suite("Partition dates")
struct PartitionKeysTests {
    static let utc = TimeZone(identifier: "UTC")!

    func names(_ type: DataType, _ values: [Value], zone: String = "UTC") throws -> [String] {
        let schema = Schema([Field("t", type)])
        var keys = try PartitionKeys(schema: schema, column: "t", timeZone: TimeZone(identifier: zone)!, dataset: "d")
        let batch = try RecordBatch(schema: schema, columns: [Column(type: type, values: values)])
        return keys.keys(batch).map(Lake.partitionName)
    }

    /// Microseconds since the epoch of a UTC wall-clock time.
    func micros(_ date: String, _ h: Int64, _ m: Int64 = 0) -> Int64 {
        (Int64(Fixture.days(date)) * 86_400 + h * 3600 + m * 60) * 1_000_000
    }

    @Test func dateColumnIsUsedAsIs() throws {
        #expect(try names(.date, [.date(Fixture.days("2024-02-29")), .null, .date(Fixture.days("1969-12-31"))])
            == ["date=2024-02-29", "date=__HIVE_DEFAULT_PARTITION__", "date=1969-12-31"])
    }

    @Test func naiveTimestampGivesItsOwnDateWhateverTheZone() throws {
        let t = Value.timestamp(micros("2024-05-01", 23, 30))
        #expect(try names(.timestamp(unit: .microsecond, utc: false), [t], zone: "Asia/Tokyo") == ["date=2024-05-01"])
        // Before 1970, flooring (not truncating) toward the previous day.
        #expect(try names(.timestamp(unit: .millisecond, utc: false), [.timestamp(-1)]) == ["date=1969-12-31"])
    }

    @Test func utcTimestampBecomesADateInThePartitionZone() throws {
        let type = DataType.timestamp(unit: .microsecond, utc: true)
        let values: [Value] = [.timestamp(micros("2024-05-01", 14, 59)), .timestamp(micros("2024-05-01", 15, 0)), .null]
        #expect(try names(type, values) == ["date=2024-05-01", "date=2024-05-01", "date=__HIVE_DEFAULT_PARTITION__"])
        // Tokyo is UTC+9: 15:00Z is midnight the next day.
        #expect(try names(type, values, zone: "Asia/Tokyo") == ["date=2024-05-01", "date=2024-05-02", "date=__HIVE_DEFAULT_PARTITION__"])
    }

    @Test func offsetsFollowDaylightSavingPerInstant() throws {
        let type = DataType.timestamp(unit: .microsecond, utc: true)
        // New York: EST (UTC-5) in January, EDT (UTC-4) in July. 04:30Z is 23:30 the day before in
        // January, 00:30 the same day in July.
        let values: [Value] = [.timestamp(micros("2024-01-15", 4, 30)), .timestamp(micros("2024-07-15", 4, 30)),
                               .timestamp(micros("2024-03-10", 6, 59)), .timestamp(micros("2024-03-10", 7, 0))]
        #expect(try names(type, values, zone: "America/New_York") == ["date=2024-01-14", "date=2024-07-15", "date=2024-03-10", "date=2024-03-10"])
        // Adelaide leaves daylight time (UTC+10:30 → +9:30) at 16:30Z on 2024-04-06: the hour that
        // contains the change is not cached as one offset; each instant gets its own.
        var keys = try PartitionKeys(schema: Schema([Field("t", type)]), column: "t", timeZone: TimeZone(identifier: "Australia/Adelaide")!, dataset: "d")
        let change = Int64(Fixture.days("2024-04-06")) * 86_400 + 16 * 3600 + 30 * 60
        #expect(keys.offset(atSecond: change - 1) == 37_800)
        #expect(keys.offset(atSecond: change) == 34_200)
        #expect(keys.offset(atSecond: change - 1) == 37_800)
        // 14:00Z on the 6th is 00:30 on the 7th (+10:30); 14:15Z on the 7th is 23:45 that day (+9:30).
        #expect(try names(type, [.timestamp(micros("2024-04-06", 14)), .timestamp(micros("2024-04-07", 14, 15))], zone: "Australia/Adelaide")
            == ["date=2024-04-07", "date=2024-04-07"])
    }

    @Test func otherTypesAndMissingColumnsAreErrorsNamingTheColumn() {
        let schema = Schema([Field("amount", .float64), Field("d", .date)])
        do {
            _ = try PartitionKeys(schema: schema, column: "amount", timeZone: Self.utc, dataset: "orders")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "dataset 'orders': partition column 'amount' is float64; it must be a date or a timestamp")
        }
        do {
            _ = try PartitionKeys(schema: schema, column: "order date", timeZone: Self.utc, dataset: "orders")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("partition column 'order date' is not in the data"))
        }
    }

    @Test func groupsRowsInOrderOfFirstAppearance() {
        #expect(BatchSplitter.group([5, 5, 5]) == nil)
        let g = BatchSplitter.group([3, 1, 3, PartitionKeys.nullKey, 1])!
        #expect(g.keys == [3, 1, PartitionKeys.nullKey])
        #expect(g.ranges.map { Array(g.order[$0]) } == [[0, 2], [1, 4], [3]])
        // Keys spread too far for the flat table go through a dictionary, same result.
        let far = BatchSplitter.group([-1_000_000, 2_000_000, PartitionKeys.nullKey, -1_000_000])!
        #expect(far.keys == [-1_000_000, 2_000_000, PartitionKeys.nullKey])
        #expect(far.ranges.map { Array(far.order[$0]) } == [[0, 3], [1], [2]])
    }

    @Test func splitMatchesTakeForEveryType() throws {
        let types: [DataType] = [.boolean, .int8, .int16, .int32, .int64, .float32, .float64, .decimal(precision: 20, scale: 3),
                                 .date, .timestamp(unit: .millisecond, utc: true), .string, .binary, .time, .uuid, .json,
                                 .list(of: .string), .structure([Field("a", .int64), Field("b", .list(of: .int32))]), .map(.string, .float64)]
        func value(_ t: DataType, _ i: Int) -> Value {
            if i % 4 == 3 { return .null }
            switch t {
            case .boolean: return .boolean(i % 2 == 0)
            case .int8, .int16, .int32, .int64: return .int(Int64(i))
            case .float32, .float64: return .float(Double(i) / 2)
            case .decimal: return .decimal(Int128(i) * 1_000_000_007)
            case .date: return .date(Int32(i))
            case .timestamp: return .timestamp(Int64(i) * 1000)
            case .string: return .string(String(repeating: "é", count: i % 5))
            case .binary: return .binary(Array(repeating: UInt8(i & 0xFF), count: i % 3))
            case .time: return .int(Int64(i) * 1_000_001)
            case .uuid: return .binary(Array(repeating: UInt8(i & 0xFF), count: 16))
            case .json: return .string("[\(i)]")
            case .list: return .list((0 ..< i % 4).map { .string("e\(i)-\($0)") } + (i % 5 == 0 ? [.null] : []))
            case .structure: return .structure([i % 6 == 0 ? .null : .int(Int64(i)), .list((0 ..< i % 3).map { .int(Int64($0)) })])
            case .map: return .map((0 ..< i % 3).map { MapEntry(.string("k\($0)"), $0 == 1 ? .null : .float(Double(i))) })
            }
        }
        let n = 50
        let schema = Schema(types.enumerated().map { Field("c\($0.offset)", $0.element) })
        let batch = try RecordBatch(schema: schema, columns: types.map { t in try Column(type: t, values: (0 ..< n).map { value(t, $0) }) })
        let keys = (0 ..< n).map { Int64(($0 * 7) % 5) }
        let groups = try #require(BatchSplitter.group(keys))
        for g in groups.keys.indices {
            let rows = Array(groups.order[groups.ranges[g]])
            #expect(rows == (0 ..< n).filter { keys[$0] == groups.keys[g] })
            let selection = RowSelection(groups.order[groups.ranges[g]])
            guard case .indices = selection else { Issue.record("scattered rows should be selected by number"); continue }
            let joined = RecordBatch.concatenate([(batch, selection)], schema: schema)
            #expect(joined == batch.take(rows))
            #expect((0 ..< rows.count).map(joined.row) == rows.map(batch.row), "the selected rows' values, nested ones included")
        }
        // Rows already grouped (sorted input) are ranges of the batch itself: nothing to gather.
        let sortedKeys = (0 ..< n).map { Int64($0 / 20) }
        let sortedGroups = try #require(BatchSplitter.group(sortedKeys))
        #expect(sortedGroups.ranges == [0 ..< 20, 20 ..< 40, 40 ..< 50])
        #expect(sortedGroups.ranges.map { RowSelection(sortedGroups.order[$0]) } == [.range(0 ..< 20), .range(20 ..< 40), .range(40 ..< 50)])
    }
}

@Suite("Dataset ids and layout")
struct DatasetIDAndLayoutTests {
    @Test(arguments: ["orders", "cursor-usage", "a.b_c-9", String(repeating: "x", count: 200)])
    func validIds(raw: String) throws { #expect(try DatasetID(raw).rawValue == raw) }

    @Test(arguments: ["", ".hidden", "_staging", "a/b", "a..b", "..", "has space", "naïve", "tab\t", String(repeating: "x", count: 201)])
    func invalidIdsSayTheRule(raw: String) {
        do {
            _ = try DatasetID(raw)
            Issue.record("'\(raw)' should be refused")
        } catch {
            #expect("\(error)".hasPrefix("invalid dataset id '\(raw)'"))
            #expect("\(error)".contains(DatasetID.rule))
        }
    }

    @Test func layoutIsTheContract() throws {
        let id = try DatasetID("orders")
        #expect(DatasetLayout.manifestKey(id) == "datasets/orders/_manifest.json")
        #expect(DatasetLayout.fileName(part: 0, fileExtension: "parquet") == "part-0000.parquet")
        #expect(DatasetLayout.fileName(part: 12345, fileExtension: "parquet") == "part-12345.parquet")
        #expect(DatasetLayout.partitionName(days: Int64(Fixture.days("2024-05-01"))) == "date=2024-05-01")
        #expect(DatasetLayout.partitionName(days: nil) == "date=__HIVE_DEFAULT_PARTITION__")
        #expect(DatasetLayout.partNumber(fileName: "part-0012.parquet") == 12)
        #expect(DatasetLayout.partNumber(fileName: "part-x.parquet") == nil)
        #expect(DatasetLayout.dataKey("datasets/orders/data/part-0000.parquet", in: id)?.folder == "data")
        #expect(DatasetLayout.dataKey("datasets/orders/partitions/date=2024-05-01/part-0000.parquet", in: id)?.partition == "date=2024-05-01")
        #expect(DatasetLayout.dataKey("datasets/orders/_manifest.json", in: id) == nil)
        #expect(DatasetLayout.dataKey("datasets/orders2/data/part-0000.parquet", in: id) == nil)
        #expect(DatasetLayout.dataKey("datasets/orders/partitions/date=2024-05-01/_tmp/x", in: id) == nil)
    }
}
