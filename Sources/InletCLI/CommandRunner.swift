import ArgumentParser
import Foundation
import ObjectStore

/// Runs a command body and turns any failure into one clear error line (the cause under
/// `-v`) and the documented exit code.
enum CommandRunner {
    static func run(_ console: Console, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let (status, message) = ErrorClassifier.classify(error)
            console.error(message)
            console.detail("cause: \(String(reflecting: error))")
            throw ExitCode(status.rawValue)
        }
    }

    /// As `run`, with the lake's store opened first and closed after.
    static func run(_ console: Console, store option: String?, _ body: (any ObjectStore) async throws -> Void) async throws {
        try await run(console) {
            let store = try StoreResolver.open(option)
            do {
                try await body(store)
            } catch {
                await StoreResolver.close(store)
                throw error
            }
            await StoreResolver.close(store)
        }
    }
}
