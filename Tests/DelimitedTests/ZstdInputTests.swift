import Foundation
import TestSupport
import Testing
@testable import Delimited

/// A zstd file reads as the text inside it, whatever its name, frame after frame; a cut one is
/// an error naming the file.
@Suite struct ZstdInputTests {
    static let folder = Fixtures.root.appendingPathComponent("compressed")

    @Test func framesReadAsThePlainText() throws {
        let (reader, parsed) = try Fixture.read(Self.folder.appendingPathComponent("two-frames.csv.zst").path)
        #expect(parsed.header == ["id", "name"])
        #expect(parsed.rows == [["1", "a"], ["2", "b"], ["3", "c"]])
        #expect(reader.bytesRead == reader.fileSize)
    }

    @Test func aTruncatedFileIsNamed() throws {
        let path = Self.folder.appendingPathComponent("truncated.csv.zst").path
        #expect(throws: CSVError.self) { _ = try Fixture.read(path) }
        do { _ = try Fixture.read(path) } catch {
            #expect("\(error)".contains("truncated.csv.zst: the zstd data ends early"), "\(error)")
        }
    }
}
