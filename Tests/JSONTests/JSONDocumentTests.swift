import Foundation
import JSON
import Testing

/// Paths into a whole document (an API page): the one syntax every config path uses.
@Suite struct JSONDocumentTests {
    func doc(_ text: String) throws -> JSONDocument { try JSONDocument(Array(text.utf8)) }

    @Test func pathsParse() throws {
        #expect(try JSONPath("$").isRoot && JSONPath("").isRoot)
        #expect(try JSONPath("meta.next").steps == [.key("meta"), .key("next")])
        #expect(try JSONPath("$.data[-1].id").steps == [.key("data"), .index(-1), .key("id")])
        #expect(try JSONPath("[0].a").steps == [.index(0), .key("a")])
        #expect(try JSONPath("results.rows[2][0]").steps == [.key("results"), .key("rows"), .index(2), .index(0)])
        for bad in ["a..b", "a.", "a[x]", "a[1", "a]", "a[0]b", "a.[0]"] {
            #expect(throws: JSONPathError.self, "\(bad)") { try JSONPath(bad) }
        }
        #expect((try? JSONPath("a[x]")) == nil)
        do { _ = try JSONPath("a[x]") } catch { #expect("\(error)" == "invalid path 'a[x]': '[x]' is not a list index (e.g. [0] or [-1])") }
    }

    @Test func locateWalksKeysAndIndexesFromEitherEnd() throws {
        let d = try doc(#" {"data": [{"id": 1}, {"id": "two"}, {"id": 3.5e1}], "meta": {"next": "https://x/?p=2", "k\"ey": true, "n": null}} "#)
        func at(_ p: String) throws -> JSONDocument.Scalar? { try d.locate(JSONPath(p)).map(d.scalar) }
        #expect(try at("data[0].id") == .number("1"))
        #expect(try at("data[-1].id") == .number("3.5e1"))
        #expect(try at("data[-2].id") == .string("two"))
        #expect(try at("meta.next") == .string("https://x/?p=2"))
        #expect(try at("meta.k\"ey") == .bool(true))
        #expect(try at("meta.n") == .null)
        #expect(try at("data") == .array && at("$") == .object)
        #expect(try at("data[3]") == nil && at("data[-4]") == nil && at("meta.missing") == nil && at("data.id") == nil)
        let records = try #require(d.locate(JSONPath("data")))
        #expect(d.elements(of: records).map { String(decoding: d.text(of: $0), as: UTF8.self) } == [#"{"id": 1}"#, #"{"id": "two"}"#, #"{"id": 3.5e1}"#])
        let meta = try #require(d.locate(JSONPath("meta")))
        #expect(d.members(of: meta).map(\.key) == ["next", "k\"ey", "n"])
    }

    @Test func escapedKeysAndStringsAreUnescaped() throws {
        let d = try doc(#"{"caf\u00e9": "a\nb\u00e9", "x": [] }"#)
        #expect(d.locate(try JSONPath("café")).map(d.scalar) == .string("a\nbé"))
        #expect(d.elements(of: try #require(d.locate(try JSONPath("x")))).isEmpty)
    }

    @Test func invalidDocumentsSayWhereAndWhat() {
        func error(_ text: String) -> JSONSyntaxError? {
            do { _ = try JSONDocument(Array(text.utf8)); return nil } catch { return error as? JSONSyntaxError }
        }
        #expect(error("{\"a\": 1,\n \"b\": }")?.description == "line 2, column 7: expected a value (a string, number, object, array, true, false or null), found '}'")
        #expect(error("{\"a\": 1} x")?.message == "unexpected text after the JSON value")
        #expect(error("")?.message == "the body is empty (expected a JSON value)")
        #expect(error("<html><body>Forbidden</body></html>")?.line == 1)
    }
}
