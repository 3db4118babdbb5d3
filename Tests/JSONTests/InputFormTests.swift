import Columnar
import Foundation
import JSON
import Testing
import TestSupport

/// The three layouts, the encodings and gzip, cut at every block boundary.
@Suite struct InputFormTests {
    static let records = [#"{"id": 1, "s": "a"}"#, #"{"id": 2, "s": "b,]}"}"#, #"{"id": 3, "s": "c\"\\"}"#]
    static let expected: [[Value]] = [[.int(1), .string("a")], [.int(2), .string("b,]}")], [.int(3), .string("c\"\\")]]

    @Test(arguments: [1, 7, 64, 1 << 20])
    func ndjsonArrayAndPathGiveTheSameRows(blockBytes: Int) throws {
        let ndjson = Self.records.joined(separator: "\n") + "\n"
        let crlf = "\r\n" + Self.records.joined(separator: "\r\n\r\n") + "\r\n"
        let array = "[\n  " + Self.records.joined(separator: ",\n  ") + "\n]\n"
        let wrapped = #"{"meta": {"n": 3, "x": [1, {"y": "]"}]}, "data": {"items": "# + "[" + Self.records.joined(separator: ",") + #"], "after": true}}"#
        for (text, records) in [(ndjson, nil), (crlf, nil), (array, nil), (wrapped, "data.items")] as [(String, String?)] {
            let r = try load(text) { $0.blockBytes = blockBytes; $0.records = records }
            #expect(r.rows == Self.expected, "\(records ?? "no path") with blocks of \(blockBytes)")
            #expect(r.schema.fields.map(\.type) == [.int64, .string])
        }
    }

    @Test func oneDocumentIsOneRecord() throws {
        let r = try load("{\n  \"a\": 1,\n  \"b\": [true, false]\n}\n")
        #expect(r.rows == [[.int(1), .list([.boolean(true), .boolean(false)])]])
    }

    @Test func bomsUTF16AndGzip() throws {
        let text = Self.records.joined(separator: "\n") + "\n"
        var bomUTF8 = Data([0xEF, 0xBB, 0xBF]); bomUTF8.append(Data(text.utf8))
        var le = Data([0xFF, 0xFE]); le.append(text.data(using: .utf16LittleEndian)!)
        var be = Data([0xFE, 0xFF]); be.append(text.data(using: .utf16BigEndian)!)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-json-enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("plain.jsonl")
        try Data(text.utf8).write(to: plain)
        let gz = dir.appendingPathComponent("plain.jsonl.gz")
        #expect(spawnGzip(plain.path, to: gz.path))
        for (name, data) in [("bom.jsonl", bomUTF8), ("le.jsonl", le), ("be.jsonl", be)] {
            try data.write(to: dir.appendingPathComponent(name))
        }
        for name in ["bom.jsonl", "le.jsonl", "be.jsonl", "plain.jsonl.gz"] {
            let reader = try JSONReader(path: dir.appendingPathComponent(name).path)
            let decision = try reader.infer()
            let batches = reader.batches(decision)
            var rows: [[Value]] = []
            while let b = try batches.next() { rows += (0 ..< b.rowCount).map(b.row) }
            #expect(rows == Self.expected, "\(name)")
        }
    }

    private func spawnGzip(_ from: String, to: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -c '\(from)' > '\(to)'"]
        try? p.run()
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Random documents: whatever the block size, every value reads back as Foundation parses it.
    @Test func randomDocumentsMatchFoundation() throws {
        var rng = SeededRandom(seed: 2026)
        func randomValue(_ depth: Int) -> Any {
            switch Int.random(in: 0 ..< (depth > 2 ? 4 : 6), using: &rng) {
            case 0: return Int.random(in: -1_000_000 ... 1_000_000, using: &rng)
            case 1: return ["x", "é\n\"q\"", "日本", "", "tab\t", "\u{1F600}"][Int.random(in: 0 ..< 6, using: &rng)]
            case 2: return Bool.random(using: &rng)
            case 3: return NSNull()
            case 4: return (0 ..< Int.random(in: 0 ..< 3, using: &rng)).map { _ in Int.random(in: 0 ..< 9, using: &rng) }
            default: return ["k": randomValue(depth + 1), "n": Int.random(in: 0 ..< 5, using: &rng)]
            }
        }
        var lines: [String] = []
        var objects: [[String: Any]] = []
        for i in 0 ..< 200 {
            let o: [String: Any] = ["i": i, "v": randomValue(0), "w": ["deep": ["x": i % 3 == 0 ? NSNull() as Any : i as Any]]]
            objects.append(o)
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self))
        }
        for blockBytes in [13, 4096] {
            let r = try load(lines.joined(separator: "\n")) { $0.blockBytes = blockBytes }
            #expect(r.rows.count == 200)
            #expect(r.rows.map { $0[0] } == (0 ..< 200).map { .int(Int64($0)) })
            // "v" mixes kinds: a string column of each value's JSON text, strings as themselves.
            for (row, o) in zip(r.rows, objects) {
                let v = o["v"]!
                let expected: Value
                if v is NSNull { expected = .null } else if let s = v as? String { expected = .string(s) } else {
                    let text: String
                    if let b = v as? Bool { text = b ? "true" : "false" }
                    else { text = String(decoding: try JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self) }
                    expected = .string(text)
                }
                if case let .string(got) = row[1], case let .string(want) = expected, !(v is String) {
                    // JSON text of a structure: compare parsed, not byte for byte (spacing may differ).
                    let a = try JSONSerialization.jsonObject(with: Data(got.utf8), options: .fragmentsAllowed)
                    let b = try JSONSerialization.jsonObject(with: Data(want.utf8), options: .fragmentsAllowed)
                    #expect(NSDictionary(dictionary: ["x": a]) == NSDictionary(dictionary: ["x": b]), "\(got) vs \(want)")
                } else {
                    #expect(row[1] == expected)
                }
            }
        }
    }
}
