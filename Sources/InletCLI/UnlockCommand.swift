import ArgumentParser
import Foundation
import Lake

struct Unlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Break a dataset's lease by hand, when its holder is known to be dead (asks first on a terminal).",
        discussion: """
        A holder killed with kill -9 loses its lease by itself once it expires (--lease-ttl); unlock is for not
        waiting that long. A holder that is in fact still running fails before it publishes. Example:
          inlet unlock orders
        """
    )

    @Argument(help: "The dataset id.")
    var datasetId: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var global: GlobalOptions

    func validate() throws { try validateDatasetID(datasetId) }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console, store: global.store) { store in
            let id = try DatasetID(datasetId)
            let lake = openLake(store)
            guard let (holder, etag) = try await lake.leaseHolder(id) else {
                if console.json { return try console.emitJSON(UnlockJSON(dataset: id.rawValue, broken: false, holder: nil)) }
                return console.out("dataset \(id) has no lease in \(store.displayName)")
            }
            let who = holder?.description ?? "an unreadable lease object"
            if !yes, isatty(STDIN_FILENO) == 1 {
                guard console.confirm("Dataset \(id) is held by \(who).\nBreak this lease? A holder still running then fails before it publishes.") else {
                    console.out("lease kept")
                    throw ExitCode(ExitStatus.failure.rawValue)
                }
            }
            guard try await lake.breakLease(id, etag: etag) else {
                throw CLIError.usage("dataset \(id)'s lease changed while unlocking (renewed or released); run 'inlet unlock \(id)' again to see who holds it now")
            }
            if console.json { return try console.emitJSON(UnlockJSON(dataset: id.rawValue, broken: true, holder: holder)) }
            console.out("broke the lease of dataset \(id) (\(who))")
        }
    }
}

/// `inlet unlock --json`.
private struct UnlockJSON: Encodable {
    let dataset: String
    let broken: Bool
    let holder: LeaseHolder?
}
