import Crypto
import Foundation
import ObjectStore
import Testing

/// The store behind `S3FaultProxy`: transient faults are retried to success and counted;
/// a permanent fault fails clearly and leaves no multipart upload open.
@Suite(.enabled(if: S3TestServer.available || TestEnvironment.required))
struct S3FaultInjectionTests {
    /// A thread-safe count of matching requests, for rules like "the first two part uploads".
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func next(_ name: String) -> Int { lock.lock(); defer { lock.unlock() }; counts[name, default: 0] += 1; return counts[name]! }
    }

    static func multipartTuning() -> S3Tuning {
        var t = S3Tuning()
        t.multipartThreshold = 5 << 20
        t.minimumPartSize = 5 << 20
        return t
    }

    static func bigFile(_ dir: URL, seed: UInt64) throws -> (URL, [UInt8]) {
        let data = testBytes(count: (5 << 20) * 2 + 777, seed: seed)
        let url = dir.appendingPathComponent("big-\(seed).bin")
        try Data(data).write(to: url)
        return (url, data)
    }

    @Test func slowDownAndResetsDuringUploadAreRetried() async throws {
        let server = try S3TestServer.shared()
        let counter = Counter()
        let proxy = try S3FaultProxy(upstream: server.endpoint) { request in
            let isPart = request.method == "PUT" && request.target.contains("partNumber=")
            if isPart {
                switch counter.next("part") {
                case 1, 2: return .answer(status: 503, code: "SlowDown")
                case 3: return .resetDuringRequestBody
                default: return .pass
                }
            }
            if request.method == "POST" && request.target.contains("uploads") && counter.next("create") == 1 {
                return .answer(status: 500, code: "InternalError")
            }
            return .pass
        }
        defer { proxy.stop() }
        let store = try server.store(endpoint: proxy.endpoint, tuning: Self.multipartTuning())
        let dir = try TestEnvironment.temporaryDirectory("s3-faults")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (file, data) = try Self.bigFile(dir, seed: 11)
        try await store.put(key: "retried/big.bin", fromFile: file.path)
        #expect(store.retryCount == 4, "faults: \(proxy.injectedFaults)")
        #expect(proxy.injectedFaults.count == 4)

        let direct = try server.store(prefix: store.config.prefix)
        #expect(try await direct.get(key: "retried/big.bin", range: nil) == data)
        #expect(direct.retryCount == 0)
        try await direct.shutdown()
        try await store.shutdown()
    }

    @Test func resetMidResponseBodyAndSlowAnswersAreRetried() async throws {
        let server = try S3TestServer.shared()
        let counter = Counter()
        let proxy = try S3FaultProxy(upstream: server.endpoint) { request in
            guard request.method == "GET", !request.target.contains("list-type") else {
                return request.method == "PUT" && counter.next("put") == 1 ? .resetDuringRequestBody : .pass
            }
            switch counter.next("get") {
            case 1: return .resetDuringResponseBody
            case 2: return .delay(6) // longer than the read timeout below
            case 3: return .answer(status: 503, code: "SlowDown")
            case 4: return .pass // the get's fourth attempt succeeds
            case 5: return .resetDuringResponseBody // the download, on its first try
            default: return .pass
            }
        }
        defer { proxy.stop() }
        var tuning = S3Tuning()
        tuning.readTimeout = .seconds(3) // room for a loaded CI machine; the injected delay is longer
        let store = try server.store(endpoint: proxy.endpoint, tuning: tuning)
        let data = testBytes(count: 2_000_000, seed: 12)
        try await store.put(key: "slow/object.bin", data: data)
        #expect(store.retryCount == 1)
        #expect(try await store.get(key: "slow/object.bin", range: nil) == data)
        #expect(store.retryCount == 4, "faults: \(proxy.injectedFaults)")

        let dir = try TestEnvironment.temporaryDirectory("s3-faults-download")
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("object.bin")
        try await store.download(key: "slow/object.bin", toFile: target.path)
        #expect(try Data(contentsOf: target) == Data(data))
        #expect(store.retryCount == 5)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["object.bin"], "no partial download left")
        try await store.shutdown()
    }

    @Test func permanentServerErrorFailsClearlyAndAbortsTheUpload() async throws {
        let server = try S3TestServer.shared()
        let prefix = "perm-\(UUID().uuidString.prefix(8).lowercased())"
        // The previously published version.
        let direct = try server.store(prefix: prefix)
        try await direct.put(key: "data/object.bin", data: [1, 2, 3, 4])

        let proxy = try S3FaultProxy(upstream: server.endpoint) { request in
            request.method == "PUT" && request.target.contains("partNumber=2") ? .answer(status: 500, code: "InternalError") : .pass
        }
        defer { proxy.stop() }
        let store = try server.store(prefix: prefix, endpoint: proxy.endpoint, tuning: Self.multipartTuning(),
                                     retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxBackoff: .milliseconds(50)))
        let dir = try TestEnvironment.temporaryDirectory("s3-permanent")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (file, _) = try Self.bigFile(dir, seed: 13)
        do {
            try await store.put(key: "data/object.bin", fromFile: file.path)
            Issue.record("a permanent 500 did not fail the upload")
        } catch let error as S3Error {
            #expect(error.status == 500)
            #expect(error.code == "InternalError")
            #expect(error.kind == .server)
            #expect(error.attempts == 3)
            #expect(error.requestID == "PROXY500")
            let text = error.description
            #expect(text.contains("s3://\(server.bucket)/\(prefix)/data/object.bin"), "\(text)")
            #expect(text.contains("UploadPart 2/3") && text.contains("HTTP 500 InternalError") && text.contains("after 3 attempts"), "\(text)")
            #expect(!text.contains(server.secretAccessKey))
        }
        #expect(store.retryCount == 2)
        #expect(try openUploads(server, prefix: prefix) == 0, "the failed upload was aborted")
        #expect(try await direct.get(key: "data/object.bin", range: nil) == [1, 2, 3, 4], "the old version is intact")
        try await store.shutdown()
        try await direct.shutdown()
    }

    /// SIGTERM while `inlet upload` has a multipart upload open (its second part held up by the
    /// proxy): the process exits 143 and the upload is aborted, not left billed and invisible.
    @Test func signalDuringAMultipartUploadAbortsIt() throws {
        let server = try S3TestServer.shared()
        let prefix = "signal-\(UUID().uuidString.prefix(8).lowercased())"
        let proxy = try S3FaultProxy(upstream: server.endpoint) { request in
            request.method == "PUT" && request.target.contains("partNumber=2") ? .delay(20) : .pass
        }
        defer { proxy.stop() }
        let dir = try TestEnvironment.temporaryDirectory("s3-signal")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Hex text neither a dictionary nor snappy shrinks: a Parquet file past the 16 MiB
        // multipart threshold.
        let digits = Array("0123456789abcdef".utf8), random = testBytes(count: 520_000 * 24, seed: 5)
        var text = Array("id,token\n".utf8)
        text.reserveCapacity(520_000 * 58)
        for i in 0 ..< 520_000 {
            text += Array("\(i),".utf8)
            for b in random[i * 24 ..< i * 24 + 24] { text.append(digits[Int(b >> 4)]); text.append(digits[Int(b & 15)]) }
            text.append(UInt8(ascii: "\n"))
        }
        let csv = dir.appendingPathComponent("tokens.csv")
        try Data(text).write(to: csv)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestEnvironment.inletBinary)
        p.arguments = ["upload", csv.path, "--dataset-id", "tokens", "--store", "s3://\(server.bucket)/\(prefix)"]
        p.environment = ProcessInfo.processInfo.environment.merging([
            "AWS_ENDPOINT_URL_S3": proxy.endpoint, "AWS_ACCESS_KEY_ID": server.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": server.secretAccessKey, "AWS_REGION": server.region, "AWS_SESSION_TOKEN": "", "NO_COLOR": "1",
        ]) { $1 }
        let errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(90)
        while p.isRunning, Date() < deadline, try openUploads(server, prefix: prefix) == 0 { usleep(100_000) }
        let early = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        #expect(p.isRunning, "the upload ended before it could be signalled: \(early)")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        #expect(p.terminationStatus == 128 + SIGTERM, "\(stderr)")
        #expect(try openUploads(server, prefix: prefix) == 0, "the multipart upload was left open")
        #expect(!stderr.contains(server.secretAccessKey))
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let server = try S3TestServer.shared()
        let proxy = try S3FaultProxy(upstream: server.endpoint) { _ in .answer(status: 400, code: "InvalidRequest") }
        defer { proxy.stop() }
        let store = try server.store(endpoint: proxy.endpoint)
        await #expect(throws: S3Error.self) { try await store.put(key: "k", data: [1]) }
        #expect(store.retryCount == 0)
        #expect(store.counters.requests == 1)
        try await store.shutdown()
    }

    @Test func clockSkewSaysToCheckTheClock() async throws {
        let server = try S3TestServer.shared()
        let proxy = try S3FaultProxy(upstream: server.endpoint) { _ in .answer(status: 403, code: "RequestTimeTooSkewed") }
        defer { proxy.stop() }
        let store = try server.store(endpoint: proxy.endpoint)
        do {
            // GET, not HEAD: a HEAD answer has no body to carry the error code.
            _ = try await store.get(key: "k", range: nil)
            Issue.record("no error")
        } catch let error as S3Error {
            #expect(error.kind == .clockSkew)
            #expect(error.description.contains("check the system clock"))
        }
        try await store.shutdown()
    }
}
