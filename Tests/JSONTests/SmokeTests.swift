import Columnar
import JSON
import Testing

@Suite struct SmokeTests {
    @Test func ndjsonLoads() throws {
        let r = try load("""
        {"id": 1, "name": "a", "when": "2025-01-02T03:04:05Z", "tags": ["x", "y"], "addr": {"city": "Oslo"}}
        {"id": 2, "name": null, "when": "2025-01-03T00:00:00Z", "tags": [], "addr": {"city": "Lima", "zip": "007"}}
        """)
        #expect(r.schema.fields.map(\.name) == ["id", "name", "when", "tags", "addr"])
        #expect(r.schema.fields.map(\.type.name) == ["int64", "string", "timestamp[us, UTC]", "list<string>", "struct<city:string,zip:string>"])
        #expect(r.rows.count == 2)
        #expect(r.rows[1][4] == .structure([.string("Lima"), .string("007")]))
        #expect(r.rows[0][4] == .structure([.string("Oslo"), .null]))
    }
}
