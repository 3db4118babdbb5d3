import Foundation
import ObjectStore
import Testing

/// Not a test: times a large upload with S3Store and with boto3's upload_file against the
/// same server, and reports Inlet's peak memory. Runs only with INLET_S3_BENCH_MIB set:
///   INLET_S3_BENCH_MIB=1024 INLET_TEST_PYTHON=… swift test --filter S3UploadBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["INLET_S3_BENCH_MIB"] != nil))
struct S3UploadBenchmark {
    @Test func uploadVersusBoto3() async throws {
        let mib = Int(ProcessInfo.processInfo.environment["INLET_S3_BENCH_MIB"] ?? "") ?? 1024
        let server = try S3TestServer.shared()
        let dir = try TestEnvironment.temporaryDirectory("s3-bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bench.bin")
        // Random-looking data, written in 8 MiB blocks.
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        for block in 0..<(mib / 8) { try handle.write(contentsOf: testBytes(count: 8 << 20, seed: UInt64(block + 1))) }
        try handle.close()
        let rssBefore = Self.memoryKiB("VmRSS"), peakBefore = Self.memoryKiB("VmHWM")

        let store = try server.store(prefix: "bench")
        let start = Date()
        try await store.put(key: "inlet.bin", fromFile: file.path)
        let inletSeconds = Date().timeIntervalSince(start)
        let peak = Self.memoryKiB("VmHWM")
        #expect(try await store.head(key: "inlet.bin")?.size == Int64(mib) << 20)
        try await store.delete(keys: ["inlet.bin"])
        try await store.shutdown()

        let out = try runPython(server.pythonPreamble + """
            import sys, time
            from boto3.s3.transfer import TransferConfig
            t = time.time()
            s3.upload_file(sys.argv[1], bucket, "bench/boto3.bin", Config=TransferConfig(multipart_threshold=16 << 20, multipart_chunksize=8 << 20, max_concurrency=4))
            print(time.time() - t)
            s3.delete_object(Bucket=bucket, Key="bench/boto3.bin")
            """, [file.path])
        let botoSeconds = Double(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
        print("""
            S3 upload benchmark, \(mib) MiB to \(server.endpoint):
              inlet  \(String(format: "%.2f", inletSeconds)) s (\(String(format: "%.0f", Double(mib) / inletSeconds)) MiB/s)
              boto3  \(String(format: "%.2f", botoSeconds)) s (\(String(format: "%.0f", Double(mib) / botoSeconds)) MiB/s)
              ratio inlet/boto3 \(String(format: "%.2f", inletSeconds / botoSeconds))
              test process RSS before upload \(rssBefore / 1024) MiB, peak RSS before \(peakBefore / 1024) MiB, after \(peak / 1024) MiB
            """)
    }

    static func memoryKiB(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}
