import ArgumentParser
import Lake

/// The dataset lease options of every command that writes a dataset (see `DatasetLease`).
struct LeaseCommandOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds to wait for a dataset another process is loading (default 0: fail at once, exit 2).", valueName: "s"))
    var wait: Double = 0

    @Option(help: ArgumentHelp("Seconds a holder that stops renewing keeps the dataset's lease (default 120).", valueName: "s"))
    var leaseTtl: Double = 120

    @Flag(help: "Take no lease (unsafe: loads of one dataset from two machines may then interleave). For stores without conditional writes.")
    var noLease = false

    func validate() throws {
        guard wait >= 0, wait.isFinite else { throw ValidationError("--wait must be 0 or more seconds") }
        guard leaseTtl >= 1, leaseTtl.isFinite else { throw ValidationError("--lease-ttl must be at least 1 second") }
    }

    func options(_ console: Console) -> LeaseOptions {
        LeaseOptions(ttl: .milliseconds(Int64(leaseTtl * 1000)), wait: .milliseconds(Int64(wait * 1000)), enabled: !noLease,
                     notice: { console.status($0) })
    }
}
