import Delimited
import Foundation

/// What kind of text a file holds: by its extension (`.jsonl`, `.ndjson`, `.json`, `.csv`, …,
/// gzipped or not), else by its first character (`{` or `[`: JSON).
public enum InputFormat: String, Sendable, CaseIterable {
    case csv, json

    public static func detect(path: String) -> InputFormat {
        var name = (path as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".gz") { name = String(name.dropLast(3)) }
        if [".jsonl", ".ndjson", ".json"].contains(where: name.hasSuffix) { return .json }
        if [".csv", ".tsv", ".txt", ".tab"].contains(where: name.hasSuffix) { return .csv }
        guard let reader = try? DecodedTextReader(path: path, blockBytes: 4096), let text = try? reader.next(),
              let first = text.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return .csv }
        return first == 0x7B || first == 0x5B ? .json : .csv
    }
}
