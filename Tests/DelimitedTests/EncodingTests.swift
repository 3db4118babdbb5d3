import Testing
@testable import Delimited

@Suite struct EncodingTests {
    /// "名前,値\n①,1\n㈱,2\n髙,3\n" in CP932 (① and ㈱ are NEC row 13; 髙 here is NEC-selected
    /// IBM 0xEEE0) plus a row with the IBM-extension byte pair for 髙 (0xFBFC).
    static let cp932: [UInt8] = [0x96, 0xBC, 0x91, 0x4F, 0x2C, 0x92, 0x6C, 0x0A, 0x87, 0x40, 0x2C, 0x31, 0x0A,
                                 0x87, 0x8A, 0x2C, 0x32, 0x0A, 0xEE, 0xE0, 0x2C, 0x33, 0x0A, 0xFB, 0xFC, 0x2C, 0x34, 0x0A]
    /// "名前,値\n日本,1\n東京,2\n" in EUC-JP.
    static let eucJP: [UInt8] = [0xCC, 0xBE, 0xC1, 0xB0, 0x2C, 0xC3, 0xCD, 0x0A, 0xC6, 0xFC, 0xCB, 0xDC, 0x2C, 0x31, 0x0A,
                                 0xC5, 0xEC, 0xB5, 0xFE, 0x2C, 0x32, 0x0A]

    static func utf16(_ s: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        var out: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for u in s.utf16 {
            let hi = UInt8(u >> 8), lo = UInt8(u & 0xFF)
            out += bigEndian ? [hi, lo] : [lo, hi]
        }
        return out
    }

    @Test func shiftJISWithNECAndIBMExtensions() throws {
        for options in [CSVOptions(), Fixture.tiny()] {
            let (reader, p) = try Fixture.read(Fixture.file(Self.cp932), options)
            #expect(reader.encoding.encoding == .shiftJIS)
            #expect(reader.encoding.reason.hasPrefix("Shift_JIS lead/trail byte pattern"))
            #expect(p.header == ["名前", "値"])
            #expect(p.rows == [["①", "1"], ["㈱", "2"], ["髙", "3"], ["髙", "4"]])
            #expect(p.lines == [2, 3, 4, 5])
        }
    }

    @Test func eucJP() throws {
        for options in [CSVOptions(), Fixture.tiny()] {
            let (reader, p) = try Fixture.read(Fixture.file(Self.eucJP), options)
            #expect(reader.encoding.encoding == .eucJP)
            #expect(reader.encoding.reason.hasPrefix("EUC-JP byte pattern"))
            #expect(p.rows == [["日本", "1"], ["東京", "2"]])
        }
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func utf16(bigEndian: Bool, bom: Bool) throws {
        let text = "name,city\r\nZoë,\"東京,\r\n日本\"\r\nA,€\r\n"
        for options in [CSVOptions(), Fixture.tiny(read: 3)] {
            let (reader, p) = try Fixture.read(Fixture.file(Self.utf16(text, bigEndian: bigEndian, bom: bom)), options)
            #expect(reader.encoding.encoding == (bigEndian ? .utf16be : .utf16le))
            #expect(reader.encoding.hadBOM == bom)
            #expect(reader.encoding.reason == (bom ? (bigEndian ? "BOM FE FF" : "BOM FF FE") : reader.encoding.reason))
            if !bom { #expect(reader.encoding.reason.hasPrefix("no BOM; NUL in every")) }
            #expect(p.header == ["name", "city"])
            #expect(p.rows == [["Zoë", "東京,\r\n日本"], ["A", "€"]])
            #expect(p.lines == [2, 4])
        }
    }

    @Test func windows1252() throws {
        let bytes: [UInt8] = Array("name,price\n".utf8) + [0x63, 0x61, 0x66, 0xE9, 0x2C, 0x80, 0x35, 0x0A] + Array("tea,1\n".utf8)
        let (reader, p) = try Fixture.read(Fixture.file(bytes))
        #expect(reader.encoding.encoding == .windows1252)
        #expect(reader.encoding.reason == "not valid UTF-8, CP932 or EUC-JP in the whole file; single-byte Windows-1252")
        #expect(p.rows == [["café", "€5"], ["tea", "1"]])
        var o = CSVOptions()
        o.encoding = TextEncoding(name: "latin1")
        let latin = try Fixture.read(Fixture.file(bytes), o)
        #expect(latin.0.encoding.reason == "set by --encoding iso-8859-1")
        #expect(latin.1.rows[0] == ["café", "\u{80}5"])
    }

    @Test func utf8Reasons() throws {
        let bom = try CSVReader(path: Fixture.file([0xEF, 0xBB, 0xBF] + Array("a\n1\n".utf8)))
        #expect(bom.encoding == DetectedEncoding(encoding: .utf8, hadBOM: true, reason: "BOM EF BB BF"))
        let plain = try CSVReader(path: Fixture.file("a,b\nx,ʤé\n"))
        #expect(plain.encoding.reason == "valid UTF-8 in the whole file (2 multibyte characters)")
        let ascii = try CSVReader(path: Fixture.file("a,b\n1,2\n"))
        #expect(ascii.encoding.reason == "plain ASCII (read as UTF-8)")
    }

    @Test func invalidUTF8NamesLineAndOffset() throws {
        let bytes = Array("a,b\n1,2\n3,\"x\ny\"\n4,".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        var o = CSVOptions()
        o.encoding = .utf8
        for options in [o, Fixture.tiny(o)] {
            let message = try #require(Fixture.error(bytes: bytes, options))
            #expect(message.hasSuffix(":5: bytes 0xC3 0x28 0x0A at byte offset 18 are not valid utf8"))
        }
        o.encodingErrors = .replace
        #expect(try Fixture.parse(bytes: bytes, o).rows.last == ["4", "\u{FFFD}("])
    }

    @Test func laterNonUTF8AfterAnASCIIMegabyteIsAClearError() throws {
        var bytes = Array("id,text\n".utf8)
        var line = 1
        while bytes.count < (1 << 20) + 100 { bytes += Array("\(line),plain ascii text\n".utf8); line += 1 }
        let offset = bytes.count + 5
        bytes += Array("x,caf".utf8) + [0xE9] + Array("\n".utf8)
        let path = Fixture.file(bytes)
        let reader = try CSVReader(path: path)
        #expect(reader.encoding.reason == "only ASCII in first 1 MiB; read as UTF-8")
        do {
            _ = try Fixture.drain(reader)
            Issue.record("expected an encoding error")
        } catch let error as CSVError {
            #expect(error.line == line + 1)
            #expect(error.kind == .invalidBytes(encoding: .utf8, byteOffset: Int64(offset), bytes: [0xE9, 0x0A],
                                                hint: "the first 1 MiB was plain ASCII, so UTF-8 was assumed; set the encoding, e.g. --encoding cp932 or windows-1252"))
        }
    }

    @Test func invalidCP932NamesLineAndOffsetOrIsReplaced() throws {
        let bytes = Self.cp932 + Array("x,".utf8) + [0x82, 0x20, 0x0A]
        var o = CSVOptions()
        o.encoding = TextEncoding(name: "Shift_JIS")
        for options in [o, Fixture.tiny(o)] {
            let message = try #require(Fixture.error(bytes: bytes, options))
            #expect(message.hasSuffix(":6: bytes 0x82 0x20 0x0A at byte offset 30 are not valid cp932"))
        }
        o.encodingErrors = .replace
        #expect(try Fixture.parse(bytes: bytes, o).rows.last == ["x", "\u{FFFD} "])
    }

    @Test func encodingNamesAndAliases() {
        #expect(TextEncoding(name: "SJIS") == .shiftJIS)
        #expect(TextEncoding(name: "shift_jis") == .shiftJIS)
        #expect(TextEncoding(name: "CP932") == .shiftJIS)
        #expect(TextEncoding(name: "UTF-8") == .utf8)
        #expect(TextEncoding(name: "utf16be") == .utf16be)
        #expect(TextEncoding(name: "EUC_JP") == .eucJP)
        #expect(TextEncoding(name: "cp1252") == .windows1252)
        #expect(TextEncoding(name: "ISO-8859-1") == .latin1)
        #expect(TextEncoding(name: "klingon") == nil)
        for e in TextEncoding.allCases { #expect(TextEncoding(name: e.rawValue) == e) }
    }
}
