import Foundation
import Testing
@testable import Lake

/// A partitioned load's `partitions` folder spreads its subfolders over ext4's block groups
/// (`FolderPlacement`); elsewhere the flag is refused and nothing else changes.
@Suite struct FolderPlacementTests {
    /// Whether `path` is on ext2/3/4 (one magic number), where the flag must take.
    static func isExt4(_ path: String) throws -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/stat")
        p.arguments = ["-f", "-c", "%t", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        let magic = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return magic.trimmingCharacters(in: .whitespacesAndNewlines) == "ef53"
    }

    @Test func flagSticksOnExt4() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(!FolderPlacement.spreadsSubfolders(dir))
        let ext4 = try Self.isExt4(dir)
        let set = FolderPlacement.spreadSubfolders(of: dir)
        #expect(set == ext4)
        #expect(FolderPlacement.spreadsSubfolders(dir) == set)
        #expect(!FolderPlacement.spreadSubfolders(of: dir + "/missing"))
    }

    @Test func partitionedLoadSpreadsOnlyThePartitionsFolder() async throws {
        let root = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let lake = Fixture.lake(root)
        let rows: [(Int64, String, String?)] = [(1, "a", "2024-01-01"), (2, "b", "2024-01-02"), (3, "c", nil)]
        _ = try await Fixture.load(lake, "parted", [Fixture.batch(rows)], LoadOptions(partitionColumn: "day"))
        _ = try await Fixture.load(lake, "flat", [Fixture.batch(rows)], LoadOptions())
        let ext4 = try Self.isExt4(root)
        // Staged, then published with the folder as it is (a first load moves it in whole).
        #expect(FolderPlacement.spreadsSubfolders(root + "/datasets/parted/partitions") == ext4)
        #expect(!FolderPlacement.spreadsSubfolders(root + "/datasets/parted/partitions/date=2024-01-01"))
        #expect(!FolderPlacement.spreadsSubfolders(root + "/datasets/flat/data"))
        #expect(!FolderPlacement.spreadsSubfolders(root + "/_staging/parted"))
        #expect(Fixture.idsByFolder(root, "parted").count == 3)
    }
}
