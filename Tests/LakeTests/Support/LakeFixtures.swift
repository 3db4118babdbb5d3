import Columnar
import Foundation
@testable import Lake
import ObjectStore

/// Shared helpers: a fresh store folder per test, orders-like batches, and readers that
/// return what a downstream tool would see in the dataset folder.
enum Fixture {
    static func temporaryDirectory() -> String {
        let dir = NSTemporaryDirectory() + "inlet-lake-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static let schema = Schema([Field("id", .int64, nullable: false), Field("name", .string), Field("day", .date)])

    static func days(_ s: String) -> Int32 {
        let p = s.split(separator: "-").map { Int($0)! }
        return Int32(CivilDate(year: Int64(p[0]), month: p[1], day: p[2]).daysSinceEpoch)
    }

    /// Rows `(id, name, day)`; a nil day is a null.
    static func batch(_ rows: [(Int64, String, String?)]) -> RecordBatch {
        try! RecordBatch(schema: schema, columns: [
            Column(type: .int64, values: rows.map { .int($0.0) }),
            Column(type: .string, values: rows.map { .string($0.1) }),
            Column(type: .date, values: rows.map { $0.2.map { .date(days($0)) } ?? .null }),
        ])
    }

    static func source(_ batches: [RecordBatch]) -> ArrayBatchSource { ArrayBatchSource(schema: schema, batches: batches) }

    static func lake(_ root: String, format: TextTestFormat = TextTestFormat(),
                     failAt: PublishStep? = nil) -> Lake {
        Lake(store: LocalStore(root: root), format: format, stagingDirectory: nil, failureHook: failAt.map { step in
            { @Sendable s in if s == step { throw InjectedFailure(step: s) } }
        })
    }

    static func load(_ lake: Lake, _ id: String, _ batches: [RecordBatch], _ options: LoadOptions) async throws -> LoadResult {
        var src = source(batches)
        return try await lake.load(datasetId: DatasetID(id), source: &src, options: options)
    }

    /// Every file under `datasets/{id}/` (relative path → content), skipping `_` names like readers do.
    static func snapshot(_ root: String, _ id: String) -> [String: String] {
        let base = root + "/datasets/" + id
        var out: [String: String] = [:]
        guard let e = FileManager.default.enumerator(atPath: base) else { return out }
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: base + "/" + rel, isDirectory: &isDir)
            if isDir.boolValue || rel.split(separator: "/").contains(where: { $0.hasPrefix("_") || $0.hasPrefix(".") }) { continue }
            out[rel] = try? String(contentsOfFile: base + "/" + rel, encoding: .utf8)
        }
        return out
    }

    /// The ids in each partition folder, as a reader of the dataset would get them.
    static func idsByFolder(_ root: String, _ id: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (rel, _) in snapshot(root, id) {
            let folder = (rel as NSString).deletingLastPathComponent
            out[folder, default: []] += try! TextTestFormat.rows(ofFileAt: root + "/datasets/" + id + "/" + rel).map { $0[0] }
        }
        return out.mapValues { $0.sorted { Int($0)! < Int($1)! } }
    }

    static func manifestText(_ root: String, _ id: String) -> String? {
        try? String(contentsOfFile: root + "/datasets/" + id + "/_manifest.json", encoding: .utf8)
    }
}

struct InjectedFailure: Error, CustomStringConvertible {
    let step: PublishStep
    var description: String { "injected failure at \(step)" }
}

/// Hides LocalStore's type so the lake takes the generic per-object path (as for S3).
struct OpaqueStore: ObjectStore {
    let inner: LocalStore
    var displayName: String { "opaque:" + inner.displayName }
    func put(key: String, fromFile path: String) async throws { try await inner.put(key: key, fromFile: path) }
    func put(key: String, data: [UInt8]) async throws { try await inner.put(key: key, data: data) }
    func put(key: String, data: [UInt8], if condition: WriteCondition) async throws -> String {
        try await inner.put(key: key, data: data, if: condition)
    }
    func get(key: String, range: Range<Int64>?) async throws -> [UInt8] { try await inner.get(key: key, range: range) }
    func download(key: String, toFile path: String) async throws { try await inner.download(key: key, toFile: path) }
    func head(key: String) async throws -> ObjectInfo? { try await inner.head(key: key) }
    func list(prefix: String) async throws -> [ObjectInfo] { try await inner.list(prefix: prefix) }
    func delete(keys: [String]) async throws { try await inner.delete(keys: keys) }
}
