import Columnar
import Testing
@testable import InletCLI

@Suite struct FormatTests {
    @Test func humanFormats() {
        #expect(Format.count(1_234_567) == "1,234,567")
        #expect(Format.count(-1_000) == "-1,000")
        #expect(Format.bytes(999) == "999 B")
        #expect(Format.bytes(1_500_000) == "1.5 MB")
        #expect(Format.table(["a", "bb"], [["xxx", "y"]]) == ["a    bb", "xxx  y"])
        #expect(Format.count(1, "row") == "1 row")
        #expect(Format.count(0, "file") == "0 files")
        #expect(Format.count(Int64(2_000), "bad row") == "2,000 bad rows")
    }

    /// Wide (CJK, fullwidth) characters take two terminal cells, combining marks none.
    @Test func tablesAlignByTerminalCells() {
        #expect(Format.displayWidth("名前") == 4)
        #expect(Format.displayWidth("ｶﾅ") == 2) // halfwidth katakana
        #expect(Format.displayWidth("Ａ1") == 3) // fullwidth A
        #expect(Format.displayWidth("e\u{301}") == 1) // e + combining acute
        #expect(Format.table(["名前", "n"], [["山田太郎", "1"], ["abc", "22"]]) == ["名前      n", "山田太郎  1", "abc       22"])
    }
}
