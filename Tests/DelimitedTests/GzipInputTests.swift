import Foundation
import Testing
@testable import Delimited

/// A gzip file reads as the text inside it, whatever its name: the same header, rows and line
/// numbers as the plain file, at every buffer boundary, over several members, and again after
/// a rewind; a damaged one is an error naming the file.
@Suite struct GzipInputTests {
    static let text = "id,name,note\n" + (1 ... 3_000).map { "\($0),name \($0 % 37),\"a, \"\"quoted\"\"\nnote\"" }.joined(separator: "\n") + "\n"

    @Test(arguments: [false, true])
    func readsAsThePlainFile(tiny: Bool) throws {
        let options = tiny ? Fixture.tiny(read: 7, block: 64, rows: 5) : CSVOptions()
        let plain = try Fixture.read(Fixture.file(Self.text), options).1
        let (reader, packed) = try Fixture.read(Fixture.gzipped(Self.text), options)
        #expect(packed == plain)
        #expect(packed.rows.count == 3_000 && packed.lines.last == 6_000)
        // The progress a pass reports is through the compressed file.
        #expect(reader.bytesRead == reader.fileSize)
        try reader.rewind()
        #expect(try Fixture.drain(reader) == plain)
    }

    @Test func membersFollowOneAnother() throws {
        let a = try Data(contentsOf: URL(fileURLWithPath: Fixture.gzipped("k,v\n1,a\n")))
        let b = try Data(contentsOf: URL(fileURLWithPath: Fixture.gzipped("2,b\n")))
        let parsed = try Fixture.read(Fixture.file(Array(a + b))).1
        #expect(parsed.rows == [["1", "a"], ["2", "b"]])
    }

    /// Headers with a name, a comment and extra fields (other tools write them), zero padding
    /// after the last member, and a wrong CRC-32 in the trailer.
    @Test func headerFieldsPaddingAndChecksum() throws {
        let plain = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixture.gzipped("k,v\n1,a\n2,b\n"))))
        var named = Array(plain.prefix(10))
        named[3] = 0x04 | 0x08 | 0x10 // FEXTRA, FNAME, FCOMMENT
        named += [4, 0, 0x41, 0x42, 2, 0] + Array("data.csv\0".utf8) + Array("exported nightly\0".utf8)
        named += plain.dropFirst(10)
        let parsed = try Fixture.read(Fixture.file(named + named + [UInt8](repeating: 0, count: 512))).1
        // The second member's header line is a row of the file like any other.
        #expect(parsed.rows == [["1", "a"], ["2", "b"], ["k", "v"], ["1", "a"], ["2", "b"]])
        var wrongSum = plain
        wrongSum[plain.count - 8] ^= 0xFF
        let error = Fixture.error(bytes: wrongSum)
        #expect(error?.hasSuffix("data.csv: the gzip data is corrupt (checksum mismatch)") == true, "\(error ?? "")")
    }

    @Test func encodingIsDetectedInside() throws {
        // "名前,値\n山田,1\n" in CP932.
        let bytes: [UInt8] = [0x96, 0xBC, 0x91, 0x4F, 0x2C, 0x92, 0x6C, 0x0A, 0x8E, 0x52, 0x93, 0x63, 0x2C, 0x31, 0x0A]
        let (reader, parsed) = try Fixture.read(Fixture.gzipped(bytes: bytes))
        #expect(reader.encoding.encoding == .shiftJIS)
        #expect(parsed.header == ["名前", "値"])
        #expect(parsed.rows == [["山田", "1"]])
    }

    @Test func damagedFilesAreNamed() throws {
        let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixture.gzipped(Self.text))))
        let truncated = Fixture.error(bytes: Array(whole.prefix(whole.count / 2)))
        #expect(truncated?.hasSuffix("data.csv: the gzip data ends early (a truncated download?)") == true, "\(truncated ?? "")")
        var flipped = whole
        for i in 40 ..< 60 { flipped[i] ^= 0xA5 }
        let corrupt = Fixture.error(bytes: flipped)
        #expect(corrupt?.contains("data.csv: the gzip data is corrupt (") == true, "\(corrupt ?? "")")
    }
}
