import ArgumentParser
import Foundation
import Pipelines

/// Maps every error to an exit code and its one-line message: the command line's own errors
/// here, the library layers' by their `FailureKind`.
enum ErrorClassifier {
    static func classify(_ error: Error) -> (ExitStatus, String) {
        switch error {
        case let e as CLIError: return (e.status, e.message)
        case let e as ValidationError: return (.usage, e.message)
        default: return (status(FailureKind.of(error)), failureMessage(error))
        }
    }

    static func status(_ kind: FailureKind) -> ExitStatus {
        switch kind {
        case .usage: return .usage
        case .badData: return .badData
        case .remote: return .remote
        case .other: return .failure
        }
    }
}
