import Foundation

/// Downloaded objects under TMPDIR, in a private folder removed at the end and on a signal
/// (`SpoolFolder`). Objects that fit `limit` (bytes) stay for the second pass; the others are
/// deleted once read and fetched again.
final class Spool: @unchecked Sendable {
    let folder: SpoolFolder
    let limit: Int64
    private let lock = NSLock()
    private var kept: Int64 = 0

    init(limit: Int64) throws {
        folder = try SpoolFolder(label: "inlet-files")
        self.limit = limit
    }

    /// Where object number `index` goes: its number keeps names apart, its file name (with
    /// its compression suffix) keeps messages readable.
    func path(index: Int, key: String) -> String {
        let name = (key as NSString).lastPathComponent.replacingOccurrences(of: "/", with: "_")
        return folder.path + "/" + String(format: "%06d-", index) + String(name.suffix(80))
    }

    /// Whether an object of `size` bytes may stay for the second pass (counted if so).
    func keep(_ size: Int64) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard kept + size <= limit else { return false }
        kept += size
        return true
    }

    var keptBytes: Int64 { lock.lock(); defer { lock.unlock() }; return kept }

    func remove() { folder.remove() }
}
