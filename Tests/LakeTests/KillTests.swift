import Columnar
import Foundation
@testable import Lake
import ObjectStore
import Testing

/// `kill -9` at random moments of real loads: every partition must stay readable as one
/// complete version (old or new), never missing, mixed or half-written, and the next load
/// must sweep the leftovers. The loads run in a child process: this test binary re-run with
/// `INLET_KILL_CHILD_ROOT` set, which enables `childLoadsUntilKilled`.
@Suite("Lake publish: kill -9", .serialized)
struct KillTests {
    static let childRootVariable = "INLET_KILL_CHILD_ROOT"
    static let days = (1 ... 6).map { String(format: "2024-03-%02d", $0) }

    /// Version `v` writes, into every partition, rows 0..<rows(v) named `v{v}`.
    static func rows(_ version: Int) -> Int { 20 + (version % 3) * 15 }

    static func batches(version: Int) -> [RecordBatch] {
        // Batches of 5 rows, so each partition spans several part files (the size check runs per batch).
        days.flatMap { day in
            stride(from: 0, to: rows(version), by: 5).map { start in
                Fixture.batch((start ..< start + 5).map { (Int64($0), "v\(version)", day) })
            }
        }
    }

    static func options(_ version: Int) -> LoadOptions {
        LoadOptions(partitionColumn: "day", mode: version % 2 == 0 ? .replace : .replacePartitions, maxFileBytes: 300)
    }

    /// Every partition folder holds exactly one version, complete; returns the versions seen.
    @discardableResult
    static func checkConsistent(_ root: String) throws -> Set<String> {
        var all = Set<String>()
        let base = root + "/datasets/k/partitions"
        let folders = try FileManager.default.contentsOfDirectory(atPath: base).sorted()
        #expect(folders == days.map { "date=\($0)" }, "partitions missing or extra")
        for folder in folders {
            var versions = Set<String>(), ids: [Int] = []
            for name in try FileManager.default.contentsOfDirectory(atPath: base + "/" + folder) where !name.hasPrefix(".") {
                let path = base + "/" + folder + "/" + name
                let rows = try TextTestFormat.rows(ofFileAt: path)
                #expect(try TextTestFormat().rowCount(ofFileAt: path) == Int64(rows.count), "\(folder)/\(name) is half-written")
                for r in rows { versions.insert(r[1]); ids.append(Int(r[0])!) }
            }
            all.formUnion(versions)
            #expect(versions.count == 1, "\(folder) mixes versions \(versions.sorted())")
            if let v = versions.first, let n = Int(v.dropFirst()) {
                #expect(ids.sorted() == Array(0 ..< rows(n)), "\(folder) is incomplete for \(v)")
            }
        }
        return all
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment[childRootVariable] != nil))
    func childLoadsUntilKilled() async throws {
        let root = ProcessInfo.processInfo.environment[Self.childRootVariable]!
        // Slow the publish down (as large files or a remote store would), so kills often land
        // between the moves of one load.
        let lake = Lake(store: LocalStore(root: root), format: TextTestFormat(), stagingDirectory: nil) { step in
            if case .move = step { usleep(20_000) }
        }
        FileManager.default.createFile(atPath: root + "/child-ready", contents: nil)
        var version = Int(Date().timeIntervalSince1970 * 1000) % 1_000_000
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            version += 1
            _ = try await Fixture.load(lake, "k", Self.batches(version: version), Self.options(version))
        }
    }

    /// Needs to re-run its own test binary (SwiftPM on Linux runs `*.xctest` directly).
    @Test(.enabled(if: CommandLine.arguments[0].hasSuffix(".xctest") && ProcessInfo.processInfo.environment[childRootVariable] == nil))
    func killedLoadsLeaveEveryPartitionOldOrNew() async throws {
        let root = Fixture.temporaryDirectory()
        _ = try await Fixture.load(Fixture.lake(root), "k", Self.batches(version: 0), Self.options(0))
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var leftoversSeen = 0, versionsSeen = Set<String>()
        for _ in 0 ..< 12 {
            let child = Process()
            child.executableURL = binary
            child.arguments = ["--testing-library", "swift-testing", "--filter", "childLoadsUntilKilled"]
            child.environment = ProcessInfo.processInfo.environment.merging([Self.childRootVariable: root]) { $1 }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            // Start the clock once the child is loading (starting a test binary can be slow on a busy machine).
            let started = Date()
            while !FileManager.default.fileExists(atPath: root + "/child-ready"), Date().timeIntervalSince(started) < 60 {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            try? FileManager.default.removeItem(atPath: root + "/child-ready")
            try await Task.sleep(nanoseconds: UInt64.random(in: 50_000_000 ... 1_000_000_000))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal, "the child finished before it was killed")
            // The killed load's lease would keep the dataset busy for its TTL: break it, as
            // `inlet unlock` does for a holder known to be dead.
            try? FileManager.default.removeItem(atPath: root + "/datasets/k/_lease")
            versionsSeen.formUnion(try Self.checkConsistent(root))
            let staging = (try? FileManager.default.contentsOfDirectory(atPath: root + "/_staging/k")) ?? []
            if staging.contains(where: { $0 != ".lock" }) { leftoversSeen += 1 }
        }
        // The next load sweeps whatever the kills left and writes a manifest matching the files.
        let r = try await Fixture.load(Fixture.lake(root), "k", Self.batches(version: 7), Self.options(7))
        try Self.checkConsistent(root)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/_staging/k") == [".lock"])
        #expect(r.manifest.rows == Int64(Self.days.count * Self.rows(7)))
        #expect(Set(r.manifest.files.map { String($0.key.dropFirst("datasets/k/".count)) }) == Set(Fixture.snapshot(root, "k").keys))
        #expect(leftoversSeen > 0, "no kill landed during a load; the test proved nothing")
        #expect(versionsSeen.count > 3, "the children published too little to test anything")
    }
}
