import ArgumentParser
import Foundation
import Lake
import Pipelines

public struct InletMain: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inlet",
        abstract: "Load business data into a data lake as typed, partitioned Parquet.",
        discussion: """
        The lake is a local folder (default ./lake) or s3://bucket[/prefix] (--store or INLET_STORE).
        Exit codes: 0 ok, 1 other failure, 2 usage or configuration, 3 bad input data, 4 remote service or store, 128 + the signal's number when interrupted (130 for Ctrl-C).
        """,
        version: InletVersion.number,
        subcommands: [Upload.self, CursorUsage.self, Domo.self, Api.self, Pg.self, Run.self, Preview.self, Datasets.self, Show.self, Clear.self, Unlock.self, Vacuum.self, Convert.self]
    )

    public init() {}

    /// Parses, runs and maps every failure to the documented exit codes.
    public static func runMain(_ arguments: [String]? = nil) async -> Int32 {
        OpenFiles.raiseLimit()
        Signals.install { number, cancelled in
            let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][number] ?? "signal \(number)"
            // A progress bar may be mid-line on a terminal.
            if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
            let loads = cancelled == 0 ? "" : ": \(Format.count(cancelled, "load")) cancelled before publishing, staged files removed"
            Console(json: false, quiet: false, verbose: false).error("interrupted by \(name)\(loads)")
        }
        do {
            var command = try parseAsRoot(arguments)
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            return ExitStatus.ok.rawValue
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            let code = exitCode(for: error)
            if code == .success {   // --help, --version
                print(fullMessage(for: error))
                return 0
            }
            let console = Console(json: false, quiet: false, verbose: false)
            if code == .validationFailure {
                // One style for every error: the parser's "Error: …" becomes Console's "error: …",
                // followed by its usage hint.
                var lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
                let first = lines.removeFirst()  // split always yields at least one piece
                console.error(String(first.hasPrefix("Error: ") ? first.dropFirst("Error: ".count) : first))
                if !lines.isEmpty { FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8)) }
                return ExitStatus.usage.rawValue
            }
            console.error("\(error)")
            return ExitStatus.failure.rawValue
        }
    }
}
