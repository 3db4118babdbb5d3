import Foundation
import TestSupport
import Testing
@testable import Delimited

/// A parsed file, flattened for assertions: each row's fields (nil = empty unquoted) and line.
struct Parsed: Equatable {
    var header: [String]
    var rows: [[String?]]
    var lines: [Int]
}

enum Fixture {
    /// A fresh temp file holding `bytes`.
    static func file(_ bytes: [UInt8], name: String = "data.csv") -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-delimited-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }

    static func file(_ text: String, name: String = "data.csv") -> String { file(Array(text.utf8), name: name) }

    /// `text` gzip'd by the system's gzip, as `data.csv.gz`.
    static func gzipped(_ text: String) -> String { gzipped(bytes: Array(text.utf8)) }

    static func gzipped(bytes: [UInt8]) -> String {
        let path = file(bytes)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-n", path]
        try! p.run()
        p.waitUntilExit()
        return path + ".gz"
    }

    static func read(_ path: String, _ options: CSVOptions = .init()) throws -> (CSVReader, Parsed) {
        let reader = try CSVReader(path: path, options: options)
        return (reader, try drain(reader))
    }

    static func parse(_ text: String, _ options: CSVOptions = .init()) throws -> Parsed {
        try read(file(text), options).1
    }

    static func parse(bytes: [UInt8], _ options: CSVOptions = .init()) throws -> Parsed {
        try read(file(bytes), options).1
    }

    static func drain(_ reader: CSVReader) throws -> Parsed {
        var out = Parsed(header: reader.header, rows: [], lines: [])
        while let chunk = try reader.nextChunk() {
            #expect(chunk.bounds.count == chunk.rowCount * chunk.columnCount + 1)
            #expect(chunk.flags.count == chunk.rowCount * chunk.columnCount)
            for r in 0..<chunk.rowCount {
                out.rows.append((0..<chunk.columnCount).map { c in
                    let s = chunk.string(row: r, column: c)
                    return s.isEmpty && !chunk.isQuoted(row: r, column: c) ? nil : s
                })
                out.lines.append(chunk.lines[r])
            }
        }
        return out
    }

    /// The error message thrown while opening or reading, or nil.
    static func error(_ text: String, _ options: CSVOptions = .init()) -> String? {
        error(bytes: Array(text.utf8), options)
    }

    static func error(bytes: [UInt8], _ options: CSVOptions = .init()) -> String? {
        do { _ = try read(file(bytes), options); return nil } catch { return "\(error)" }
    }

    /// Options that force every buffer and chunk boundary to fall everywhere.
    static func tiny(_ base: CSVOptions = .init(), read: Int = 3, block: Int = 5, rows: Int = 2) -> CSVOptions {
        var o = base
        o.readSize = read
        o.blockByteLimit = block
        o.chunkRows = rows
        o.maxInFlight = 2
        return o
    }

}

