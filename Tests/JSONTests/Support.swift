import Columnar
import Foundation
import JSON

/// Writes `text` to a temporary file and returns its path (removed by the caller's cleanup).
func jsonFile(_ text: String, suffix: String = ".jsonl") -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-json-\(UUID().uuidString)\(suffix)").path
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
}

/// Both passes over `text`: the decision and every row as boxed values.
func load(_ text: String, _ edit: (inout JSONOptions) -> Void = { _ in }) throws -> (decision: JSONDecision, schema: Schema, rows: [[Value]]) {
    let path = jsonFile(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var options = JSONOptions()
    options.blockBytes = 64   // many blocks even for small inputs
    edit(&options)
    let reader = try JSONReader(path: path, options: options)
    let decision = try reader.infer()
    let batches = reader.batches(decision)
    var rows: [[Value]] = []
    while let b = try batches.next() { rows += (0 ..< b.rowCount).map(b.row) }
    return (decision, batches.schema, rows)
}

/// The error both passes give for `text`, or nil.
func jsonError(_ text: String, _ edit: (inout JSONOptions) -> Void = { _ in }) -> JSONError? {
    do {
        _ = try load(text, edit)
        return nil
    } catch let e as JSONError {
        return e
    } catch {
        return JSONError(file: "?", line: 0, column: 0, record: 0, message: "not a JSONError: \(error)")
    }
}
