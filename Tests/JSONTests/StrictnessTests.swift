import Columnar
import Delimited
import Foundation
import JSON
import Testing

/// RFC 8259, strictly: every mistake names FILE:LINE:COLUMN and the record, and says what was
/// expected; bad records can be skipped or rejected instead.
@Suite struct StrictnessTests {
    @Test(arguments: [
        ("{\"a\": 1}\n{\"a\": 2,}\n", 2, 9, 2, "expected a key in double quotes, found '}'"),
        ("{\"a\": 1}\n{\"a\" 2}\n", 2, 6, 2, "expected ':' after a key, found '2'"),
        ("{\"a\": 01}\n", 1, 8, 1, "a number may not start with 0 followed by digits"),
        ("{\"a\": 'x'}\n", 1, 7, 1, "expected a value"),
        ("{\"a\": \"tab\there\"}\n", 1, 11, 1, "a control character (0x9) must be escaped inside a string"),
        ("{\"a\": \"\\x\"}\n", 1, 8, 1, "'\\x' is not a JSON escape"),
        ("{\"a\": tru}\n", 1, 7, 1, "expected a value"),
        ("{\"a\": 1} {\"b\": 2}\n", 1, 10, 1, "expected the end of the record after its object, found '{'"),
        ("[1, 2]\n", 1, 2, 1, "a record must be an object ({…}), found a number"),
        ("\"just text\"\n", 1, 1, 1, "a record must be an object ({…}), found a string"),
        ("{\"a\": 1, \"a\": 2}\n", 1, 10, 1, "duplicate key 'a' in one object"),
        ("{\"o\": {\"k\": 1, \"k\": 2}}\n", 1, 16, 1, "duplicate key 'k' in one object"),
        ("{\"a\": NaN}\n", 1, 7, 1, "NaN and Infinity are not JSON numbers (allow them with --allow-nan)"),
        ("{\"a\": -Infinity}\n", 1, 8, 1, "expected a digit"),
        ("{\"a\": [1, 2}\n", 1, 12, 1, "expected ',' or ']' in an array, found '}'"),
        ("{\"a\": \"\\ud800\"}\n", 1, 8, 1, "half of a surrogate pair"),
    ])
    func mistakesAreLocatedAndExplained(text: String, line: Int, column: Int, record: Int, message: String) {
        let e = jsonError(text)
        #expect(e?.line == line && e?.column == column && e?.record == record, "\(String(describing: e))")
        #expect(e?.message.contains(message) == true, "\(String(describing: e))")
        #expect(e?.description.hasPrefix(e.map { "\($0.file):\(line):\(column): record \(record): " } ?? "-") == true)
    }

    /// A key repeated within one object of a map field (keys that vary from record to record),
    /// in a small map and in one past the size where keys are hashed; the same keys in
    /// different objects are fine.
    @Test(arguments: [3, 40])
    func aKeyRepeatedInAMapIsNamed(keys: Int) {
        let varied = (0 ..< 200).map { i in "{\"attrs\": {\"k\(i)\": \(i), \"k\(i + 1)\": null}}" }
        let big = (0 ..< keys).map { "\"x\($0)\": \($0)" }.joined(separator: ", ")
        let repeated = "{\"attrs\": {\(big), \"x\(keys - 2)\": 0}}"
        let e = jsonError((varied + ["{\"attrs\": {\(big)}}", repeated]).joined(separator: "\n") + "\n")
        #expect(e?.line == 202 && e?.record == 202, "\(String(describing: e))")
        #expect(e?.message.contains("duplicate key 'x\(keys - 2)' in one object") == true, "\(String(describing: e))")
        #expect(e?.column == repeated.utf8.count - "\"x\(keys - 2)\": 0}}".utf8.count + 1, "\(String(describing: e))")
    }

    /// Records of an array all on one long line, cut by many 64-byte blocks: the column is
    /// carried from block to block (NDJSON starts every record at column 1 and would not show it).
    @Test func arrayRecordsOnOneLineAreLocatedAcrossBlocks() {
        let line = "[" + String(repeating: "{\"a\": 1}, ", count: 30) + "{\"a\": 2,}]"
        let e = jsonError(line)
        #expect(e?.line == 1 && e?.column == 1 + 300 + 9 && e?.record == 31, "\(String(describing: e))")
        let second = jsonError("[{\"a\": 0},\n" + String(repeating: "{\"a\": 1}, ", count: 30) + "{\"a\": 2,}]")
        #expect(second?.line == 2 && second?.column == 300 + 9 && second?.record == 32, "\(String(describing: second))")
    }

    @Test func arrayLayoutsAreLocatedToo() {
        let truncated = jsonError("[\n  {\"a\": 1},\n  {\"a\": 2}\n")
        #expect(truncated?.message == "the records' array is not closed (expected ']')", "\(String(describing: truncated))")
        let cut = jsonError("[\n  {\"a\": 1},\n  {\"a\": \n]")
        #expect(cut?.record == 2 && cut?.line == 4 && cut?.message.contains("found ']'") == true, "\(String(describing: cut))")
        let scalar = jsonError("[{\"a\": 1}, 5]")
        #expect(scalar?.record == 2 && scalar?.message.contains("a record must be an object") == true, "\(String(describing: scalar))")
        let trailing = jsonError("[{\"a\": 1},]")
        #expect(trailing?.message.contains("expected a record after ','") == true, "\(String(describing: trailing))")
        let notArray = jsonError("{\"data\": {\"items\": {\"a\": 1}}}") { $0.records = "data.items" }
        #expect(notArray?.message.contains("'data.items' holds an object, not an array of records") == true, "\(String(describing: notArray))")
        let missing = jsonError("{\"data\": {\"other\": []}}") { $0.records = "data.items" }
        #expect(missing?.message.contains("no array at 'data.items'") == true, "\(String(describing: missing))")
    }

    @Test func nanAndInfinityWithAllowNaN() throws {
        let r = try load("{\"a\": NaN}\n{\"a\": -Infinity}\n{\"a\": 1.5}") { $0.allowNaN = true }
        #expect(r.schema.fields[0].type == .float64)
        guard case let .float(nan) = r.rows[0][0] else { Issue.record("not a float"); return }
        #expect(nan.isNaN && r.rows[1][0] == .float(-.infinity) && r.rows[2][0] == .float(1.5))
    }

    @Test func badRecordsAreSkippedOrRejectedWithTheirRawText() throws {
        let text = "{\"a\": 1}\n{\"a\": 2,}\n{\"a\": 3}\n[4]\n{\"a\": \"five\"}\n"
        let skipped = try load(text) { $0.badRows = .skip }
        #expect(skipped.rows.map { $0[0] } == [.string("1"), .string("3"), .string("five")])
        let rejects = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-json-rejects-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: rejects) }
        let typed = try load(text) {
            $0.badRows = .reject(path: rejects)
            $0.inference.schemaOverrides = ["a": .int64]
        }
        #expect(typed.rows.map { $0[0] } == [.int(1), .int(3)], "the type mismatch of record 5 is rejected in pass 2")
        let written = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(written.hasPrefix("line,reason,row\n"))
        #expect(written.contains("2,\"record 2: expected a key in double quotes, found '}'\",\"{\"\"a\"\": 2,}\"\n"), "\(written)")
        #expect(written.contains("4,\"record 4: a record must be an object"), "\(written)")
        #expect(written.contains("5,\"record 5: value \"\"five\"\" is not an int64\""), "\(written)")
        #expect(written.components(separatedBy: "\n").count == 5, "three rejects, each written once: \(written)")
    }

    /// Ten thousand levels is an error, not a stack overflow.
    @Test func deepNestingIsAClearError() {
        let deep = "{\"a\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        let e = jsonError(deep)
        #expect(e?.message == "nested more than 512 levels deep", "\(String(describing: e))")
        let deepObjects = String(repeating: "{\"a\": ", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(jsonError(deepObjects)?.message == "nested more than 512 levels deep")
    }

    /// A 100 MB string loads; the reader's memory is a few times the record, not more.
    @Test func aHundredMegabyteStringLoads() throws {
        let big = String(repeating: "abcdefghij", count: 10_000_000)
        let r = try load("{\"id\": 1, \"blob\": \"\(big)\"}\n{\"id\": 2, \"blob\": \"x\"}\n") { $0.blockBytes = 4 << 20 }
        guard case let .string(s) = r.rows[0][1] else { Issue.record("not a string"); return }
        #expect(s.utf8.count == 100_000_000 && r.rows[1][1] == .string("x"))
    }
}
