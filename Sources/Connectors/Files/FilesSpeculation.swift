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
    /// attempt), and only when the spool keeps every object (an attempt must not download
    /// objects again). `spooled`: the bytes to download (0 for local files).
    func applies(local: Bool, rejecting: Bool, spooled: Int64, spoolLimit: Int64) -> Bool {
        switch self {
        case .never: return false
        case .auto where local: return false
        default: return !rejecting && spooled <= spoolLimit
        }
    }
}
