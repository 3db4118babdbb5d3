import Pipelines
import Testing

@Suite struct ShardTests {
    /// FNV-1a 64 is the documented hash: its published test vectors pin it.
    @Test func fnv1aMatchesThePublishedVectors() {
        #expect(Shard.fnv1a("") == 0xCBF2_9CE4_8422_2325)
        #expect(Shard.fnv1a("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(Shard.fnv1a("foobar") == 0x8594_4171_F739_67E8)
    }

    @Test func everyNameIsInExactlyOneShard() throws {
        let names = (0 ..< 200).map { "pipeline-\($0)" }
        let shards = try (0 ..< 4).map { try Shard(index: $0, count: 4) }
        for name in names { #expect(shards.filter { $0.contains(name) }.count == 1, "\(name)") }
        let sizes = shards.map { s in names.filter { s.contains($0) }.count }
        #expect(sizes.allSatisfy { $0 > 20 }, "a usable spread: \(sizes)")
    }

    @Test(arguments: [("3/2", "the index I must be from 0 to 1"), ("a/b", "write it as I/N"), ("1", "write it as I/N"),
                      ("0/0", "the count N must be 1 or more"), ("-1/2", "the index I must be from 0 to 1")])
    func badShardsSayWhy(text: String, reason: String) {
        #expect(throws: ShardError.self) { try Shard(parsing: text) }
        do { _ = try Shard(parsing: text) } catch let e as ShardError {
            #expect(e.description == "--shard \(text): \(reason)" || e.description.hasPrefix("--shard \(text): \(reason)"), "\(e)")
        } catch {}
    }
}
