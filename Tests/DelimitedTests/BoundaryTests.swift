import TestSupport
import Testing
@testable import Delimited

/// Reads with 1-byte reads, blocks of a few bytes and chunks of one row must give exactly
/// what the default 1 MiB buffers give: chunk and buffer edges inside quoted fields,
/// CRLF pairs and multibyte characters change nothing.
@Suite struct BoundaryTests {
    static let cases: [[UInt8]] = [
        Array("a,b,c\n\"x,\ny\",\"q\"\"\"\"\",1\r\n\r\n\"\",,\"\r\"\rlast,\"é,ʤ\",東京".utf8),
        Array("h1;h2\r\n'a;b';'it''s'\r\n1;2\r\n".utf8),
        Array("k\tv\n€\t\"multi\r\nline €\"\n".utf8),
        EncodingTests.cp932,
        EncodingTests.eucJP,
        EncodingTests.utf16("a,b\n\"東\n京\",🙂\n", bigEndian: false, bom: true),
        EncodingTests.utf16("a,b\r\n1,🙂\r\n", bigEndian: true, bom: false),
    ]

    static func outcome(_ bytes: [UInt8], _ options: CSVOptions) -> String {
        do {
            let (reader, p) = try Fixture.read(Fixture.file(bytes), options)
            return "\(reader.encoding.encoding) \(p)"
        } catch {
            return "error \(error)".replacingOccurrences(of: #"/[^:]*data\.csv"#, with: "FILE", options: .regularExpression)
        }
    }

    @Test(arguments: cases.indices)
    func tinyBuffersGiveTheSameResult(index: Int) {
        let bytes = Self.cases[index]
        let expected = Self.outcome(bytes, CSVOptions())
        #expect(!expected.hasPrefix("error"), "\(expected)")
        for read in [1, 2, 3, 5, 7] {
            for block in [1, 4, 9] {
                for rows in [1, 3] {
                    let got = Self.outcome(bytes, Fixture.tiny(read: read, block: block, rows: rows))
                    #expect(got == expected, "read \(read) block \(block) rows \(rows)")
                }
            }
        }
    }

    @Test func firstCaseParsesAsExpected() throws {
        let p = try Fixture.parse(bytes: Self.cases[0], Fixture.tiny(read: 1, block: 1, rows: 1))
        #expect(p.rows == [["x,\ny", "q\"\"", "1"], ["", nil, "\r"], ["last", "é,ʤ", "東京"]])
        #expect(p.lines == [2, 5, 7])
    }

    @Test func splitterCutsOnlyAtRecordEnds() {
        // Every cut the splitter makes must leave a block that parses to whole records.
        let text = Array("a,\"b\n,\"\"c\",d\r\ne,f\rg\"h,\"i\"j\n".utf8)
        var buffer = text
        buffer.reserveCapacity(text.count + scanPadding)
        var splitter = RecordSplitter(delimiter: 0x2C, quote: 0x22)
        var cuts: [Int] = []
        var offset = 0
        while offset < text.count {
            let slice = Array(buffer[offset...]) + [UInt8](repeating: 0, count: scanPadding)
            let n = text.count - offset
            guard let cut = slice.withUnsafeBufferPointer({ splitter.nextCut($0.baseAddress!, n, final: true, rowLimit: 1, byteLimit: 1) }) else { break }
            offset += cut
            cuts.append(offset)
        }
        #expect(cuts == [14, 18, 27])
        _ = buffer
    }

    @Test func splitterCountsEachBlocksLineEndsWherever32ByteVectorsEnd() {
        // Records of growing length put a cut's CR, LF or CRLF at every offset of a 32-byte
        // vector, including a CRLF whose LF is the first byte past it; line ends inside quoted
        // fields, and lone CRs, count too. Each block's count must equal a pass of its own.
        var text: [UInt8] = []
        for k in 0 ..< 70 {
            // Every third record has a quoted field longer than a vector, with line ends inside.
            let quoted = ",\"" + String(repeating: "q\r\nq\n", count: 12) + "\""
            let body = String(repeating: "x", count: k) + (k % 3 == 0 ? quoted : ",v")
            text += Array(body.utf8) + Array(["\r\n", "\n", "\r"][k % 3].utf8)
        }
        for rowLimit in [1, 2, 3] {
            var splitter = RecordSplitter(delimiter: 0x2C, quote: 0x22)
            var offset = 0
            while offset < text.count {
                let slice = Array(text[offset...]) + [UInt8](repeating: 0, count: scanPadding)
                let n = text.count - offset
                let cut = slice.withUnsafeBufferPointer { splitter.nextCut($0.baseAddress!, n, final: true, rowLimit: rowLimit, byteLimit: .max) }
                let end = cut ?? n
                let expected = slice.withUnsafeBufferPointer { b -> Int in
                    var block = Array(b[0 ..< end]) + [UInt8](repeating: 0, count: scanPadding)
                    return block.withUnsafeMutableBufferPointer { countLineEnds($0.baseAddress!, end) }
                }
                #expect((cut == nil ? splitter.lineEnds : splitter.cutLineEnds) == expected, "rowLimit \(rowLimit), block at \(offset)")
                offset += end
            }
        }
    }

    /// Where a byte-at-a-time reading of the quote rules ends records (after the LF of a CRLF):
    /// a quote opens only at a field's start or right after a closing quote (an escaped `""`),
    /// and is text anywhere else; CR/LF outside quotes ends a record.
    static func recordEnds(_ text: [UInt8]) -> [Int] {
        var ends: [Int] = []
        var inQuotes = false, atFieldStart = true, afterQuote = false
        var i = 0
        while i < text.count {
            let c = text[i]
            if inQuotes {
                if c == 0x22 { inQuotes = false; afterQuote = true }
            } else if c == 0x22, atFieldStart || afterQuote {
                inQuotes = true; atFieldStart = false; afterQuote = false
            } else if c == 0x2C {
                atFieldStart = true; afterQuote = false
            } else if c == 0x0A || c == 0x0D {
                let end = c == 0x0D && i + 1 < text.count && text[i + 1] == 0x0A ? i + 2 : i + 1
                ends.append(end)
                i = end
                atFieldStart = true; afterQuote = false
                continue
            } else {
                atFieldStart = false; afterQuote = false
            }
            i += 1
        }
        return ends
    }

    @Test func splitterCutsWhereTheQuoteRulesEndRecordsInWellAndBadlyQuotedText() {
        // Long records so that quotes land at every position of 32-byte vectors: well-formed
        // quoted fields (escaped quotes, delimiters and line ends inside, some longer than a
        // vector), and now and then a quote in the middle of an unquoted field, which is text.
        var rng = SeededRandom(seed: 20_261_128)
        let words = ["a", "bc", "def", "x y", "12.5", "東京", "é"]
        for iteration in 0 ..< 200 {
            var text: [UInt8] = []
            for _ in 0 ..< Int.random(in: 1 ... 30, using: &rng) {
                let fields = (0 ..< Int.random(in: 1 ... 6, using: &rng)).map { _ -> String in
                    switch Int.random(in: 0 ..< 10, using: &rng) {
                    case 0: return ""
                    case 1: return "\"\""
                    case 2, 3:
                        let parts = (0 ..< Int.random(in: 1 ... 12, using: &rng)).map { _ in
                            ["\"\"", ",", "\n", "\r\n", "\r", words.randomElement(using: &rng)!].randomElement(using: &rng)!
                        }
                        return "\"" + parts.joined() + "\""
                    case 4: return words.randomElement(using: &rng)! + "\"" + words.randomElement(using: &rng)!  // a stray quote
                    case 5: return "\"q\"tail"  // text after a closing quote
                    default: return (0 ..< Int.random(in: 1 ... 8, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined()
                    }
                }
                text += Array(fields.joined(separator: ",").utf8) + Array(["\n", "\r\n", "\r"].randomElement(using: &rng)!.utf8)
            }
            let expected = Self.recordEnds(text)
            // One record per block: the splitter must cut at each record end and nowhere else.
            var splitter = RecordSplitter(delimiter: 0x2C, quote: 0x22)
            var cuts: [Int] = []
            var offset = 0
            while offset < text.count {
                let slice = Array(text[offset...]) + [UInt8](repeating: 0, count: scanPadding)
                guard let cut = slice.withUnsafeBufferPointer({ splitter.nextCut($0.baseAddress!, text.count - offset, final: true, rowLimit: 1, byteLimit: .max) }) else { break }
                offset += cut
                cuts.append(offset)
            }
            #expect(cuts == expected, "iteration \(iteration): \(String(decoding: text, as: UTF8.self).debugDescription)")
        }
    }
}
