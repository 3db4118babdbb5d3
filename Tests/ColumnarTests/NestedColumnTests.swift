import Testing
@testable import Columnar

/// Lists, structs and maps: spelled and parsed by name, built value by value or through the
/// child builders, and moved between batches like flat columns.
@Suite struct NestedColumnTests {
    static let address = DataType.structure([Field("city", .string), Field("zip", .string)])

    @Test func namesAndParsingRoundTrip() {
        let types: [DataType] = [.list(of: .string), .map(.string, .int64), Self.address,
                                 .list(of: .structure([Field("id", .int64), Field("at", .timestamp(unit: .microsecond, utc: true))])),
                                 .structure([Field("a", .structure([Field("b", .list(of: .decimal(precision: 12, scale: 2)))]))])]
        for t in types { #expect(DataType(parsing: t.name) == t, "\(t.name)") }
        #expect(Self.address.name == "struct<city:string,zip:string>")
        #expect(DataType(parsing: "list< string >") == .list(of: .string))
        #expect(DataType(parsing: "MAP<string, int64>") == .map(.string, .int64))
        #expect(DataType(parsing: "struct<Full Name:string>") == .structure([Field("Full Name", .string)]), "field names keep case and spaces")
        for bad in ["list<>", "list<string", "map<string>", "struct<a>", "struct<:int64>", "list<money>", "list<string>x"] {
            #expect(DataType(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func childBuildersAndBoxedValuesAgree() throws {
        let type = DataType.structure([Field("tags", .list(of: .string)), Field("attrs", .map(.string, .int64))])
        var b = ColumnBuilder(type: type)
        // Row 0 through the child builders.
        b[field: 0].elements.append(string: "x")
        b[field: 0].elements.appendNull()
        b[field: 0].endList()
        b[field: 1].mapKeys.append(string: "k")
        b[field: 1].mapValues.append(Int64(7))
        b[field: 1].endMap()
        b.endStruct()
        // Row 1 null, row 2 boxed.
        b.appendNull()
        try b.append(.structure([.list([]), .null]))
        let c = b.finish()
        #expect(c.count == 3 && c.nullCount == 1)
        #expect(c.values == [
            .structure([.list([.string("x"), .null]), .map([MapEntry(.string("k"), .int(7))])]),
            .null,
            .structure([.list([]), .null]),
        ])
        #expect(throws: ColumnarError.self) { try Column(type: type, values: [.structure([.null])]) }
        #expect(throws: ColumnarError.self) { try Column(type: .map(.string, .int64), values: [.map([MapEntry(.null, .int(1))])]) }
    }

    @Test func storageMustMatchItsType() {
        let values = try! Column(type: .string, values: [.string("a")])
        #expect(throws: ColumnarError.self) { try Column(type: .list(of: .string), storage: .list(offsets: [0, 2], values: values)) }
        #expect(throws: ColumnarError.self) { try Column(type: .list(of: .int64), storage: .list(offsets: [0, 1], values: values)) }
        #expect((try? Column(type: .list(of: .string), storage: .list(offsets: [0, 1], values: values)))?.value(at: 0) == .list([.string("a")]))
    }

    /// Regrouping rows (partitioning) moves nested rows whole, elements and all.
    @Test func scatterMovesNestedRowsWhole() throws {
        let schema = Schema([Field("l", .list(of: .int64)), Field("s", Self.address)])
        func batch(_ base: Int) throws -> RecordBatch {
            try RecordBatch(schema: schema, columns: [
                Column(type: .list(of: .int64), values: (0 ..< 4).map { i in i == 1 ? .null : .list((0 ..< i).map { .int(Int64(base + $0)) }) }),
                Column(type: Self.address, values: (0 ..< 4).map { i in i == 2 ? .null : .structure([.string("c\(base + i)"), .null]) }),
            ])
        }
        let a = try batch(100), b = try batch(200)
        var ma = RowMoves(), mb = RowMoves()
        ma.append(.indices([3, 0]), to: 0)   // a3 → 0, a0 → 1
        mb.append(.range(0 ..< 4), to: 2)    // b0...b3 → 2...5
        ma.append(.indices([1, 2]), to: 6)
        let out = RecordBatch.scatter([(a, ma), (b, mb)], count: 8, schema: schema)
        #expect((0 ..< 8).map(out.row) == [a.row(3), a.row(0), b.row(0), b.row(1), b.row(2), b.row(3), a.row(1), a.row(2)])
    }
}
