/// A validated dataset id: the `{id}` in `datasets/{id}/…`.
public struct DatasetID: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public static let rule = "letters, digits, '-', '_' and '.', not starting with '.' or '_', at most 200 characters"

    public init(_ raw: String) throws {
        func bad(_ why: String) -> LakeError { .invalidDatasetID(raw, reason: why) }
        if raw.isEmpty { throw bad("it is empty") }
        if raw.utf8.count > 200 { throw bad("it has \(raw.utf8.count) characters") }
        if raw.hasPrefix(".") || raw.hasPrefix("_") { throw bad("it starts with '\(raw.first!)'") }
        if raw.contains("..") { throw bad("it contains '..'") }
        func allowed(_ s: Unicode.Scalar) -> Bool {
            switch s.value {
            case 0x30 ... 0x39, 0x41 ... 0x5A, 0x61 ... 0x7A, 0x2D, 0x5F, 0x2E: return true
            default: return false
            }
        }
        if let c = raw.unicodeScalars.first(where: { !allowed($0) }) {
            throw bad(c == "/" ? "it contains '/'" : "it contains '\(c.escaped(asASCII: true))'")
        }
        rawValue = raw
    }

    public var description: String { rawValue }
    public static func < (a: DatasetID, b: DatasetID) -> Bool { a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8) }

    public init(from decoder: Decoder) throws { try self.init(decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }
}
