/// `--shard I/N`: this worker runs the pipelines whose name hashes to I modulo N, so N workers
/// (a Kubernetes Indexed Job, N Airflow tasks, N cron hosts) split one config without talking
/// to each other. The hash is 64-bit FNV-1a of the name's UTF-8 bytes: stable across
/// machines, processes and Inlet versions.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ShardError(text: "\(index)/\(count)", reason: "the count N must be 1 or more") }
        guard (0 ..< count).contains(index) else {
            throw ShardError(text: "\(index)/\(count)", reason: "the index I must be from 0 to \(count - 1)")
        }
        self.index = index
        self.count = count
    }

    /// `I/N`, e.g. `0/4`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError(text: text, reason: "write it as I/N with whole numbers, e.g. 0/4")
        }
        try self.init(index: i, count: n)
    }

    public func contains(_ name: String) -> Bool { Int(Self.fnv1a(name) % UInt64(count)) == index }

    public var description: String { "\(index)/\(count)" }

    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

public struct ShardError: Error, CustomStringConvertible, Equatable {
    public let text: String
    public let reason: String
    public var description: String { "--shard \(text): \(reason)" }
}
