import Foundation
import TestSupport
import Connectors
import Testing

/// OAuth against the emulator: token use, expiry, renewal on 401, bad credentials, scopes.
@Suite("DOMO auth", .serialized, .enabled(if: DomoEmulator.available))
struct DomoAuthTests {
    static let salesCSV = "id,name\n1,a\n2,b\n"
    static var config: [String: Any] {
        ["datasets": ["sales-1": emulatedDataset(name: "Sales", columns: [("id", "LONG"), ("name", "STRING")], csv: salesCSV)]]
    }

    @Test func metadataWithOneTokenReused() async throws {
        let emulator = try DomoEmulator(Self.config)
        defer { emulator.stop() }
        try await withClient(emulator) { client in
            let meta = try await client.metadata(datasetId: "sales-1")
            #expect(meta.name == "Sales")
            #expect(meta.rows == 2)
            #expect(meta.columns == [DomoColumn(name: "id", type: .long), DomoColumn(name: "name", type: .string)])
            #expect(meta.updatedAt == "2026-11-20T08:00:00Z")
            #expect(meta.updatedAtDate == ISO8601DateFormatter().date(from: "2026-11-20T08:00:00Z"))
            _ = try await client.metadata(datasetId: "sales-1")
            #expect(client.statistics.tokenRequests == 1)
            #expect(client.statistics.apiRequests == 2)
        }
        #expect(emulator.count("/oauth/token") == 1)
        #expect(emulator.count("/v1/datasets/sales-1") == 2)
    }

    @Test func tokenRenewedBeforeItExpires() async throws {
        // A 16 s token is renewed at half-life, so after 8.5 s the client asks for a new one itself.
        // (Long enough that the first two calls finish well before half-life on a loaded machine.)
        var config = Self.config
        config["expires_in"] = 16
        let emulator = try DomoEmulator(config)
        defer { emulator.stop() }
        try await withClient(emulator) { client in
            _ = try await client.metadata(datasetId: "sales-1")
            _ = try await client.metadata(datasetId: "sales-1")
            #expect(emulator.count("/oauth/token") == 1)
            try await Task.sleep(nanoseconds: 8_500_000_000)
            _ = try await client.metadata(datasetId: "sales-1")
            #expect(client.statistics.renewalsAfterUnauthorized == 0)
        }
        #expect(emulator.count("/oauth/token") == 2)
        #expect(emulator.count("/v1/datasets/sales-1") == 3)
    }

    @Test func rejectedTokenIsRenewedOnce() async throws {
        // DOMO says the token lasts an hour but stops honouring it after 2 s (revoked).
        var config = Self.config
        config["token_valid_seconds"] = 2
        let emulator = try DomoEmulator(config)
        defer { emulator.stop() }
        try await withClient(emulator) { client in
            _ = try await client.metadata(datasetId: "sales-1")
            try await Task.sleep(nanoseconds: 2_300_000_000)
            let meta = try await client.metadata(datasetId: "sales-1")
            #expect(meta.name == "Sales")
            #expect(client.statistics.renewalsAfterUnauthorized == 1)
        }
        #expect(emulator.count("/oauth/token") == 2)
        #expect(emulator.count("/v1/datasets/sales-1") == 3)
    }

    @Test func tokenRejectedAgainAfterRenewalFailsAuthentication() async throws {
        var config = Self.config
        config["token_valid_seconds"] = 0
        let emulator = try DomoEmulator(config)
        defer { emulator.stop() }
        let error = try await withClient(emulator) { client in
            await domoError { _ = try await client.metadata(datasetId: "sales-1") }
        }
        let e = try #require(error)
        #expect("\(e)" == "DOMO authentication failed (client id abcd…, HTTP 401): check DOMO_CLIENT_ID and DOMO_CLIENT_SECRET")
        #expect(e.isRemote)
        #expect(emulator.count("/oauth/token") == 2)
        #expect(emulator.count("/v1/datasets/sales-1") == 2)
    }

    @Test func csvExportWithBadTokenGets406HtmlAndFailsAsAuthentication() async throws {
        var config = Self.config
        config["token_valid_seconds"] = 0
        let emulator = try DomoEmulator(config)
        defer { emulator.stop() }
        let spool = emulator.directory.appendingPathComponent("out.csv").path
        let error = try await withClient(emulator) { client in
            await domoError { try await client.export(datasetId: "sales-1", to: spool) }
        }
        let e = try #require(error)
        #expect("\(e)".hasPrefix("DOMO authentication failed (client id abcd…, HTTP 406)"))
        #expect(emulator.count("/v1/datasets/sales-1/data") == 2)
        #expect(!FileManager.default.fileExists(atPath: spool))
    }

    @Test func badCredentials() async throws {
        let emulator = try DomoEmulator(Self.config)
        defer { emulator.stop() }
        var env = emulator.environment
        env["DOMO_CLIENT_SECRET"] = "wrong-secret-value"
        let client = try DomoClient(environment: env, options: fastOptions())
        let error = await domoError { _ = try await client.metadata(datasetId: "sales-1") }
        try await client.shutdown()
        let e = try #require(error)
        #expect("\(e)".hasPrefix("DOMO authentication failed (client id abcd…, HTTP 401)"))
        #expect(!"\(e)".contains("wrong-secret-value"))
        #expect(!"\(e)".contains(DomoEmulator.clientId))
        // Bad credentials are not retried, and no API call is made without a token.
        #expect(emulator.count("/oauth/token") == 1)
        #expect(emulator.count("/v1/datasets/sales-1") == 0)
    }

    @Test func missingDataScopeIsAPermissionError() async throws {
        var config = Self.config
        config["granted_scope"] = "user data"
        let emulator = try DomoEmulator(config)
        defer { emulator.stop() }
        var options = fastOptions()
        options.scope = "user"
        let error = try await withClient(emulator, options) { client in
            await domoError { _ = try await client.metadata(datasetId: "sales-1") }
        }
        let e = try #require(error)
        guard case .permissionDenied = e else { Issue.record("expected permissionDenied, got \(e)"); return }
        #expect("\(e)".contains("HTTP 403"))
        #expect("\(e)".contains("'data' scope"))
    }

    @Test func unknownDatasetIsNotFound() async throws {
        let emulator = try DomoEmulator(Self.config)
        defer { emulator.stop() }
        let (meta, export) = try await withClient(emulator) { client in
            (await domoError { _ = try await client.metadata(datasetId: "nope-1") },
             await domoError { try await client.export(datasetId: "nope-1", to: emulator.directory.appendingPathComponent("x").path) })
        }
        #expect(meta?.description == "DOMO dataset nope-1 not found")
        #expect(export?.description == "DOMO dataset nope-1 not found")
        #expect(emulator.count("/v1/datasets/nope-1") == 1)
    }
}
