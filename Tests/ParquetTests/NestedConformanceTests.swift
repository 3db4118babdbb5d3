import TestSupport
import Columnar
import Foundation
import Testing
@testable import Parquet

/// The nested apache/parquet-testing files: three-level lists and maps, structs, legacy two-level
/// lists and repeated fields without annotation (LogicalTypes.md's backward-compatibility rules).
@Suite struct NestedConformanceTests {
    func read(_ name: String) throws -> (Schema, [[Value]]) {
        let r = try ParquetFileReader(path: Fixtures.parquetData.appendingPathComponent(name).path)
        let rows = try r.readAll().flatMap { b in (0 ..< b.rowCount).map { b.row($0) } }
        // Row groups' counts: repeated_no_annotation.parquet's footer says 0 rows for its 6.
        #expect(rows.count == (0 ..< r.rowGroupCount).reduce(0) { $0 + Int(r.rowGroupRowCount($1)) }, "\(name)")
        return (r.schema, rows)
    }

    static func strings(_ s: String?...) -> Value { .list(s.map { $0.map(Value.string) ?? .null }) }

    @Test func threeLevelListsNestThreeDeep() throws {
        let (schema, rows) = try read("nested_lists.snappy.parquet")
        #expect(schema.fields[0].type == .list(of: .list(of: .list(of: .string))))
        #expect(schema.fields[1] == Field("b", .int32, nullable: false))
        #expect(rows.count == 3)
        #expect(rows[0][0] == .list([.list([Self.strings("a", "b"), Self.strings("c")]), .list([.null, Self.strings("d")])]))
        #expect(rows[2][0] == .list([.list([Self.strings("a", "b"), Self.strings("c", "d"), Self.strings("e")]), .list([.null, Self.strings("f")])]))
        #expect(rows.map { $0[1] } == [.int(1), .int(1), .int(1)])
    }

    @Test func mapsOfMapsWithNullAndEmptyValues() throws {
        let (schema, rows) = try read("nested_maps.snappy.parquet")
        #expect(schema.fields[0].type == .map(key: .string, value: Field("value", .map(key: .int32, value: Field("value", .boolean, nullable: false)))))
        #expect(rows.count == 6)
        #expect(rows[0][0] == .map([MapEntry(.string("a"), .map([MapEntry(.int(1), .boolean(true)), MapEntry(.int(2), .boolean(false))]))]))
        #expect(rows[2][0] == .map([MapEntry(.string("c"), .null)]))
        #expect(rows[3][0] == .map([MapEntry(.string("d"), .map([]))]))
        #expect(rows[5][2] == .float(1))
    }

    @Test func requiredStructsOfIntegersDoublesAndTimestamps() throws {
        let (schema, rows) = try read("nested_structs.rust.parquet")
        #expect(schema.fields.count == 36)
        guard case let .structure(fields) = schema.fields[0].type else { Issue.record("roll_num is \(schema.fields[0].type)"); return }
        #expect(fields.map(\.name) == ["min", "max", "mean", "count", "sum", "variance"])
        #expect(fields[3].type == .decimal(precision: 20, scale: 0)) // UINT64
        #expect(rows.count == 1)
        #expect(rows[0][0] == .structure([.int(190_406_409_000_602), .int(190_407_175_004_000), .int(190_406_671_229_999),
                                          .decimal(495), .int(94_251_302_258_849_568), .int(0)]))
        #expect(schema.fields.last?.name == "ul_tz_offset_minutes_ul_observation_date")
    }

    @Test func repeatedGroupWithoutAnnotationIsARequiredList() throws {
        let (schema, rows) = try read("repeated_no_annotation.parquet")
        let phone = DataType.structure([Field("number", .int64, nullable: false), Field("kind", .string)])
        #expect(schema.fields[1].type == .structure([Field("phone", .list(Field("element", phone, nullable: false)), nullable: false)]))
        #expect(rows.map { $0[1] }.prefix(3) == [.null, .null, .structure([.list([])])])
        #expect(rows[5][1] == .structure([.list([.structure([.int(1_111_111_111), .string("home")]),
                                                 .structure([.int(2_222_222_222), .null]),
                                                 .structure([.int(3_333_333_333), .string("mobile")])])]))
    }

    @Test func listsOfNullableElementsAndNullLists() throws {
        let (schema, rows) = try read("list_columns.parquet")
        #expect(schema.fields.map(\.type) == [.list(of: .int64), .list(of: .string)])
        #expect(rows[1] == [.list([.null, .int(1)]), .null])
        #expect(rows[2][1] == Self.strings("efg", nil, "hij", "xyz"))
        let (_, empty) = try read("null_list.parquet")
        #expect(empty == [[.list([])]])
    }

    @Test func legacyTwoLevelListsAndRepeatedPrimitives() throws {
        let (schema, rows) = try read("old_list_structure.parquet")
        #expect(schema.fields[0] == Field("a", .list(Field("element", .list(Field("element", .int32, nullable: false)), nullable: false)), nullable: false))
        #expect(rows == [[.list([.list([.int(1), .int(2)]), .list([.int(3), .int(4)])])]])
        let (flat, repeated) = try read("repeated_primitive_no_list.parquet")
        #expect(flat.fields[0] == Field("Int32_list", .list(Field("element", .int32, nullable: false)), nullable: false))
        #expect(repeated[1][0] == .list([]))
        #expect(repeated[3][2] == .structure([.list([5, 6, 7, 8].map { .int($0) }), Self.strings("five", "six", "seven", "eight")]))
    }

    /// Reading some columns of a nested file picks the right leaves.
    @Test func columnSelectionSkipsOtherFieldsLeaves() throws {
        let r = try ParquetFileReader(path: Fixtures.parquetData.appendingPathComponent("nested_maps.snappy.parquet").path)
        let batch = try r.readRowGroup(0, columns: [2, 0])
        #expect(batch.schema.fields.map(\.name) == ["c", "a"])
        #expect(batch.columns[1].value(at: 1) == .map([MapEntry(.string("b"), .map([MapEntry(.int(1), .boolean(true))]))]))
    }
}
