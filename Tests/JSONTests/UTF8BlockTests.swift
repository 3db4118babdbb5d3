import Columnar
import Foundation
import JSON
import Testing

/// UTF-8 input is read onto each block and validated where it lies: a multi-byte character
/// cut by any block or read boundary is whole in its value, and an invalid byte is named by
/// its offset in the file.
@Suite struct UTF8BlockTests {
    static let names = ["é", "山田 太郎", "Ωmega", "🙂 ok", "naïve café", "x"]

    @Test(arguments: 64 ... 79)
    func charactersCutByBlocksAreWhole(block: Int) throws {
        let lines = (0 ..< 60).map { i in "{\"n\": \"\(Self.names[i % Self.names.count])\", \"i\": \(i)}" }
        let rows = try load(lines.joined(separator: "\n") + "\n") { $0.blockBytes = block }.rows
        #expect(rows.count == 60)
        for (i, row) in rows.enumerated() where row[0] != .string(Self.names[i % Self.names.count]) {
            Issue.record("block \(block), record \(i): \(row[0])")
            break
        }
    }

    @Test(arguments: [(UInt8(0xFF), 1), (0xC3, 1), (0xE5, 2)])
    func anInvalidByteIsNamedByItsOffset(byte: UInt8, cut: Int) {
        // A lone 0xFF, a lead byte followed by ASCII, a 3-byte lead with one continuation.
        var bytes = Array("{\"a\": \"ok\"}\n{\"a\": \"x".utf8)
        let at = bytes.count
        bytes += [byte] + (cut == 2 ? [0xB1] : []) + Array("y\"}\n".utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-json-bad-\(UUID().uuidString).jsonl").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var message = ""
        do {
            var options = JSONOptions()
            options.blockBytes = 16
            _ = try JSONReader(path: path, options: options).infer()
        } catch {
            message = "\(error)"
        }
        #expect(message.contains("at byte offset \(at) are not valid utf8"), "\(message)")
    }
}
