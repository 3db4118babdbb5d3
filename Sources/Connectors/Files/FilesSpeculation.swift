import Foundation

/// Whether pass 2 of a files source runs during pass 1 under the first objects' types, writing
/// while objects still arrive (`INLET_FILES_SPECULATION`; README, "Writing while objects
/// still arrive").
enum FilesSpeculation: String {
    /// For S3 objects, when pass 1 waits on the network (`networkBound`); never for
    /// local files, where the cores, not the reads, bound a load.
    case auto
    case always
    case never

    static let variable = "INLET_FILES_SPECULATION"

    init(environment: [String: String]) throws {
        guard let raw = environment[Self.variable], !raw.isEmpty else { self = .auto; return }
        guard let mode = FilesSpeculation(rawValue: raw.lowercased()) else {
            throw InvalidSetting(setting: Self.variable, message: "is '\(raw)'; give auto, always or never")
        }
        self = mode
    }

    /// In `auto`, the first attempt is taken when pass 1's readers waited for downloads this
    /// share of their time or more: converting meanwhile then uses cores the network leaves
    /// idle, and an attempt that misses costs little. Below it the cores are busy with pass 1,
    /// and a miss would cost its attempt's work.
    static let networkBound = 0.25

    /// The share of the input (in bytes, the first objects in key order) whose plan the first
    /// attempt writes under.
    static let share: Int64 = 16

    /// Whether to try: not when rows are rejected (a row would be rejected again by the next
    /// attempt), and for S3 only when the spool keeps every object's `bytes` (an attempt must
    /// not download objects again).
    func applies(local: Bool, rejecting: Bool, bytes: Int64, spoolLimit: Int64) -> Bool {
        switch self {
        case .never: return false
        case .auto where local: return false
        default: return !rejecting && (local || bytes <= spoolLimit)
        }
    }
}

/// Loads of S3 objects that write during pass 1, at most one fewer than the machine's cores at
/// once in a process. Such a load's pass 2 waits for pass 1 on a thread of the concurrency pool
/// (the lake pulls batches there), and the downloads pass 1 waits for run on that pool: loads
/// side by side (`inlet run --concurrency 4`, 2 cores) took every thread and never finished.
/// Local files need no slot: nothing they wait for runs on the pool.
final class PoolWaitSlots: @unchecked Sendable {
    static let shared = PoolWaitSlots(ProcessInfo.processInfo.activeProcessorCount - 1)

    private let lock = NSLock()
    private var free: Int

    init(_ count: Int) { free = max(0, count) }

    /// A slot, when one is free.
    func take() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard free > 0 else { return false }
        free -= 1
        return true
    }

    func give() { lock.lock(); free += 1; lock.unlock() }
}
