@testable import Connectors
import Foundation
import Testing

/// Local globs walk only the folders a match can lie under, skip hidden and `_` names, and
/// take a plain folder for every file beneath it.
@Suite final class LocalLandingTests {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-landing-\(UUID().uuidString)").path
        for file in ["a/1.csv", "a/2.json", "a/b/3.csv", "a/b/c/4.csv.gz", "a/_tmp/5.csv", "a/.hidden/6.csv", "a/.7.csv",
                     "a/_SUCCESS", "d/dt=2025-01-01/8.csv", "d/dt=2025-01-02/9.csv", "e/x.csv"] {
            let path = root + "/" + file
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(file.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func list(_ pattern: String) async throws -> [String] {
        try await LocalLanding().list(try FilesLocation(root + "/" + pattern)).map { String($0.url.dropFirst(root.count + 1)) }
    }

    @Test func globsMatchFiles() async throws {
        #expect(try await list("a/*.csv") == ["a/1.csv"])
        #expect(try await list("a/**/*.csv") == ["a/1.csv", "a/b/3.csv"])
        #expect(try await list("a/**/*.csv*") == ["a/1.csv", "a/b/3.csv", "a/b/c/4.csv.gz"])
        #expect(try await list("a/*.{csv,json}") == ["a/1.csv", "a/2.json"])
        #expect(try await list("{a,e}/*.csv") == ["a/1.csv", "e/x.csv"])
        #expect(try await list("d/dt=*/*.csv") == ["d/dt=2025-01-01/8.csv", "d/dt=2025-01-02/9.csv"])
        #expect(try await list("a/_tmp/*.csv") == ["a/_tmp/5.csv"])
        #expect(try await list("nowhere/*.csv") == [])
    }

    @Test func foldersMeanEveryFileBeneath() async throws {
        #expect(try await list("a") == ["a/1.csv", "a/2.json", "a/b/3.csv", "a/b/c/4.csv.gz"])
        #expect(try await list("d/") == ["d/dt=2025-01-01/8.csv", "d/dt=2025-01-02/9.csv"])
        #expect(try await list("a/1.csv") == ["a/1.csv"])
    }

    @Test func objectsCarrySizeAndVersion() async throws {
        let o = try #require(try await LocalLanding().list(try FilesLocation(root + "/e/x.csv")).first)
        #expect(o.size == 7)
        #expect(o.version.hasPrefix("7@"))
        #expect(o.modified != nil)
    }
}
