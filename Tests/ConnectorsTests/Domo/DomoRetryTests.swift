import Foundation
import TestSupport
@testable import Connectors
import Testing

/// 429, 5xx and network failures against the emulator.
@Suite("DOMO retries", .serialized, .enabled(if: DomoEmulator.available))
struct DomoRetryTests {
    static func config(faults: [[String: Any]]) -> [String: Any] {
        ["datasets": ["sales-1": emulatedDataset(name: "Sales", columns: [("id", "LONG")], csv: "id\n1\n2\n")],
         "faults": faults]
    }

    @Test func rateLimitedThenSuccessHonoursRetryAfter() async throws {
        let emulator = try DomoEmulator(Self.config(faults: [
            ["path": "/v1/datasets/sales-1", "status": 429, "retry_after": 1, "times": 2],
        ]))
        defer { emulator.stop() }
        let started = ContinuousClock.now
        let meta = try await withClient(emulator, fastOptions(attempts: 4)) { client in
            let meta = try await client.metadata(datasetId: "sales-1")
            #expect(client.statistics.retries == 2)
            return meta
        }
        let elapsed = ContinuousClock.now - started
        #expect(meta.name == "Sales")
        #expect(emulator.count("/v1/datasets/sales-1") == 3)
        // Two Retry-After: 1 waits, far above the 0.05 s backoff the options would otherwise use.
        #expect(elapsed >= .seconds(2))
    }

    @Test func serverErrorsRetriedThenFailClearly() async throws {
        let emulator = try DomoEmulator(Self.config(faults: [
            ["path": "/v1/datasets/sales-1/data", "status": 503, "times": 10,
             "body": "{\"status\":503,\"message\":\"Service Unavailable\"}"],
        ]))
        defer { emulator.stop() }
        let spool = emulator.directory.appendingPathComponent("sales.csv").path
        let error = try await withClient(emulator, fastOptions(attempts: 3)) { client in
            await domoError { try await client.export(datasetId: "sales-1", to: spool) }
        }
        let e = try #require(error)
        #expect("\(e)" == "DOMO export of dataset sales-1 failed with HTTP 503 after 3 attempts: Service Unavailable")
        #expect(e.isRemote)
        #expect(emulator.count("/v1/datasets/sales-1/data") == 3)
        #expect(!FileManager.default.fileExists(atPath: spool))
    }

    @Test func serverErrorOnTokenEndpointIsRetried() async throws {
        let emulator = try DomoEmulator(Self.config(faults: [
            ["path": "/oauth/token", "status": 500, "times": 1],
        ]))
        defer { emulator.stop() }
        let meta = try await withClient(emulator) { client in try await client.metadata(datasetId: "sales-1") }
        #expect(meta.columns.count == 1)
        #expect(emulator.count("/oauth/token") == 2)
    }

    @Test func droppedConnectionIsRetried() async throws {
        let emulator = try DomoEmulator(Self.config(faults: [
            ["path": "/v1/datasets/sales-1", "drop": true, "times": 2],
        ]))
        defer { emulator.stop() }
        let meta = try await withClient(emulator, fastOptions(attempts: 3)) { client in
            try await client.metadata(datasetId: "sales-1")
        }
        #expect(meta.name == "Sales")
        #expect(emulator.count("/v1/datasets/sales-1") == 3)
    }

    @Test func unreachableHostFailsAsNetworkError() async throws {
        // A port nobody listens on: bind the emulator, learn its port, stop it.
        let emulator = try DomoEmulator(Self.config(faults: []))
        let env = emulator.environment
        emulator.stop()
        var options = fastOptions(attempts: 2)
        options.authTimeout = 1
        let client = try DomoClient(environment: env, options: options)
        let error = await domoError { _ = try await client.metadata(datasetId: "sales-1") }
        try await client.shutdown()
        let e = try #require(error)
        // Refused connects are retried by the connection pool until the auth deadline, so the
        // last error is either the refusal or the deadline; both name the request and attempts.
        switch e {
        case let .network(what, attempts, _), let .timedOut(what, _, attempts):
            #expect(what == "token request")
            #expect(attempts == 2)
        default:
            Issue.record("expected a network error or timeout, got \(e)")
        }
        #expect(e.isRemote)
    }

    @Test func backoffDoubles() async throws {
        var options = DomoClientOptions()
        #expect(options.initialBackoff == 1 && options.maxAttempts == 5 && options.dataIdleTimeout == 300 && options.authTimeout == 30)
        options.initialBackoff = 0.5
        options.maxBackoff = 3
        let client = try DomoClient(environment: ["DOMO_CLIENT_ID": "a", "DOMO_CLIENT_SECRET": "b"], options: options)
        #expect((1...5).map { client.backoff(after: $0) } == [0.5, 1, 2, 3, 3])
        try await client.shutdown()
    }
}
