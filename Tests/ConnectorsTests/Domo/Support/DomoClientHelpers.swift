import Foundation
@testable import Connectors
import TestSupport

/// Options small enough that retry tests finish quickly.
func fastOptions(attempts: Int = 3) -> DomoClientOptions {
    var options = DomoClientOptions()
    options.authTimeout = 20
    options.metadataTimeout = 20
    options.dataIdleTimeout = 20
    options.maxAttempts = attempts
    options.initialBackoff = 0.05
    options.maxBackoff = 0.2
    return options
}

/// Runs `body` with a client on `emulator` and always shuts the client down.
func withClient<T>(_ emulator: DomoEmulator, _ options: DomoClientOptions = fastOptions(),
                   _ body: (DomoClient) async throws -> T) async throws -> T {
    let client = try DomoClient(environment: emulator.environment, options: options)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// The `DomoError` `body` throws, or nil when it succeeds or throws something else.
func domoError(_ body: () async throws -> Void) async -> DomoError? {
    do {
        try await body()
        return nil
    } catch let error as DomoError {
        return error
    } catch {
        return nil
    }
}

/// A dataset for the emulator config.
func emulatedDataset(name: String, columns: [(String, String)], csv: String, extra: [String: Any] = [:]) -> [String: Any] {
    var ds: [String: Any] = [
        "name": name,
        "columns": columns.map { ["name": $0.0, "type": $0.1] },
        "csv": csv,
    ]
    ds.merge(extra) { $1 }
    return ds
}
