import Columnar
import Testing

/// Strings are scanned eight bytes at a time: a quote, an escape or a control character at
/// any position of a string of any length is still found, with multi-byte UTF-8 around it.
@Suite struct StringScanTests {
    @Test func everyPositionOfEveryLength() throws {
        var lines: [String] = []
        var expected: [String] = []
        for length in 1 ... 26 {
            for at in 0 ..< length {
                let body: [String] = (0 ..< length).map { (k: Int) -> String in
                    if k % 7 == 3 { return "é" }
                    return String(UnicodeScalar(UInt8(0x61 + k % 26)))
                }
                // An escaped quote, an escaped backslash and a \u escape at `at`.
                for (escape, text) in [("\\\"", "\""), ("\\\\", "\\"), ("\\u00e9", "é")] {
                    var json = body, value = body
                    json[at] = escape
                    value[at] = text
                    lines.append("{\"s\": \"\(json.joined())\", \"n\": \(length)}")
                    expected.append(value.joined())
                }
            }
        }
        let rows = try load(lines.joined(separator: "\n") + "\n").rows
        #expect(rows.count == expected.count)
        for (row, value) in zip(rows, expected) where row[0] != .string(value) {
            Issue.record("\(row[0]) != \(value)")
            break
        }
    }

    @Test(arguments: [0, 1, 6, 7, 8, 9, 15, 16, 17])
    func aControlCharacterIsFoundWhereverItIs(at: Int) {
        let before = String(repeating: "x", count: at)
        let e = jsonError("{\"s\": \"\(before)\u{01}yyyyyyyyyyyyyyyyyy\"}\n")
        #expect(e?.column == 8 + at, "\(String(describing: e))")
        #expect(e?.message.contains("a control character (0x1) must be escaped") == true, "\(String(describing: e))")
    }

    @Test(arguments: [0, 5, 8, 13])
    func anUnclosedStringIsNamed(length: Int) {
        let e = jsonError("{\"s\": \"\(String(repeating: "z", count: length))")
        #expect(e?.message.contains("a string that is never closed") == true, "\(String(describing: e))")
    }
}
