import Foundation
import TestSupport
import Connectors
import Testing

/// Renders every error the client can produce against the emulator and searches the text for the
/// client secret, the full client id, the Basic credential and every token the emulator issued.
@Suite("DOMO secrets stay out of errors", .enabled(if: DomoEmulator.available))
struct DomoSecretsTests {
    @Test func noErrorTextContainsASecret() async throws {
        let secret = DomoEmulator.clientSecret
        let csv = "a\n1\n"
        let emulator = try DomoEmulator([
            "datasets": [
                "ok-1": emulatedDataset(name: "Ok", columns: [("a", "LONG")], csv: csv),
                "cut-1": emulatedDataset(name: "Cut", columns: [("a", "LONG")], csv: csv + "2\n3\n", extra: ["drop_after_bytes": 3]),
            ],
            // A server that echoes the secret back in its error body must not get it into our messages.
            "faults": [
                ["path": "/v1/datasets/echo-1", "status": 500, "times": 100,
                 "body": "{\"message\":\"internal error for client_secret=\(secret)\"}"],
                ["path": "/v1/datasets/limit-1", "status": 429, "retry_after": 0, "times": 100,
                 "body": "rate limited \(secret)"],
                ["path": "/v1/datasets/bad-1", "status": 418, "times": 100, "body": "teapot \(secret)"],
            ],
        ])
        defer { emulator.stop() }
        let spool = emulator.directory.appendingPathComponent("s.csv").path
        var errors: [DomoError] = []
        func collect(_ e: DomoError?) { if let e { errors.append(e) } }

        try await withClient(emulator, fastOptions(attempts: 2)) { client in
            _ = try await client.metadata(datasetId: "ok-1")
            collect(await domoError { _ = try await client.metadata(datasetId: "echo-1") })
            collect(await domoError { _ = try await client.metadata(datasetId: "limit-1") })
            collect(await domoError { _ = try await client.metadata(datasetId: "bad-1") })
            collect(await domoError { _ = try await client.metadata(datasetId: "missing-1") })
            collect(await domoError { try await client.export(datasetId: "cut-1", to: spool) })
            collect(await domoError { _ = try await client.metadata(datasetId: "../x") })
        }
        var wrong = emulator.environment
        wrong["DOMO_CLIENT_SECRET"] = secret + "-old"
        let badClient = try DomoClient(environment: wrong, options: fastOptions())
        collect(await domoError { _ = try await badClient.metadata(datasetId: "ok-1") })
        try await badClient.shutdown()
        var noSecret = emulator.environment
        noSecret["DOMO_CLIENT_SECRET"] = nil
        collect(await domoError { _ = try DomoClient(environment: noSecret) })

        #expect(errors.count == 8)
        let tokens = emulator.issuedTokens
        #expect(!tokens.isEmpty)
        let basic = Data("\(DomoEmulator.clientId):\(secret)".utf8).base64EncodedString()
        let forbidden = [secret, basic, DomoEmulator.clientId] + tokens
        for error in errors {
            for text in ["\(error)", String(reflecting: error), error.localizedDescription] {
                for value in forbidden {
                    #expect(!text.contains(value), "leaked into: \(text)")
                }
            }
        }
        // The echoed bodies were summarised, with the secret blanked.
        #expect(errors[0].description.contains("internal error for client_secret=‹redacted›"))
        #expect(errors[2].description.contains("HTTP 418"))
    }
}
