import Foundation
import TestSupport
import Connectors
import Testing

/// Opt-in (INLET_DOMO_VOLUME_MB=N): streams an N MB export and reports throughput and peak RSS,
/// to show the spool keeps memory bounded. Skipped in normal runs.
@Suite("DOMO export volume", .enabled(if: DomoEmulator.available && ProcessInfo.processInfo.environment["INLET_DOMO_VOLUME_MB"] != nil))
struct DomoExportVolumeTests {
    static func peakRSSMiB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }

    @Test func largeExportStreamsInBoundedMemory() async throws {
        let mb = Int(ProcessInfo.processInfo.environment["INLET_DOMO_VOLUME_MB"] ?? "") ?? 100
        let row = "12345,some text value,3.25,2024-03-01T10:00:00\n"
        let header = "id,name,amount,shipped\n"
        let count = mb * 1_048_576 / row.utf8.count
        let emulator = try DomoEmulator(["datasets": ["big-1": emulatedDataset(
            name: "Big", columns: [("id", "LONG"), ("name", "STRING"), ("amount", "DOUBLE"), ("shipped", "DATETIME")],
            csv: header, extra: ["chunk_size": 262_144, "repeat_row": row, "repeat_count": count])]])
        defer { emulator.stop() }
        let spool = emulator.directory.appendingPathComponent("big.csv").path
        let before = Self.peakRSSMiB()
        let started = ContinuousClock.now
        let bytes = try await withClient(emulator) { client in try await client.export(datasetId: "big-1", to: spool) }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        #expect(bytes == Int64(header.utf8.count + row.utf8.count * count))
        let attrs = try FileManager.default.attributesOfItem(atPath: spool)
        #expect((attrs[.size] as? NSNumber)?.int64Value == bytes)
        print("DOMO export volume: \(bytes) bytes in \(String(format: "%.2f", seconds)) s, peak RSS before \(before) MiB, after \(Self.peakRSSMiB()) MiB")
    }
}
