import ArgumentParser
import Connectors
import Foundation
import JSON
import Pipelines

/// `upload`'s options for many objects: local globs, folders and `s3://` URLs (the files
/// source; `kind: files` in a config has the same settings as keys).
struct FilesCommandOptions: ParsableArguments {
    @Flag(help: "Many files: folder names key=value in their paths become typed columns.")
    var hiveColumns = false

    @Option(help: ArgumentHelp("Many files: add a string column holding each row's object key (or path).", valueName: "name"))
    var fileColumn: String?

    @Option(help: ArgumentHelp("Many files: a corrupt or unreadable file fails the load (fail, default) or is left out and listed (skip).", valueName: "fail|skip"))
    var badFiles = "fail"

    @Flag(help: "Many files: a pattern that matches nothing loads nothing instead of failing (exit 2).")
    var allowEmpty = false

    @Option(help: ArgumentHelp("S3 objects downloaded at once (default 8).", valueName: "n"))
    var concurrency = 8

    @Option(help: ArgumentHelp("Downloaded S3 objects kept under TMPDIR for the second pass, e.g. 10GiB (default); beyond it they are fetched again.", valueName: "size"))
    var spoolLimit = "10GiB"

    @Flag(help: "Many files: load only the objects the dataset's state does not list, and append them.")
    var incremental = false

    @Flag(help: "Many files: delete the loaded objects once the load has published (off by default).")
    var deleteSource = false

    @Option(help: ArgumentHelp("Many files: leave out objects last modified before this instant (2025-01-01T00:00:00Z) or date (2025-01-01, UTC).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Many files: once the load has published, move the loaded objects under this folder or s3:// prefix.", valueName: "url"))
    var moveTo: String?

    @Option(help: ArgumentHelp("Many files, --incremental: an object changed since its load fails the load (fail, default), is left as loaded (skip), or is loaded again (reload, with --primary-key).", valueName: "fail|skip|reload"))
    var onChange = "fail"

    func validate() throws {
        guard BadFilesPolicy(rawValue: badFiles) != nil else { throw ValidationError("--bad-files must be fail or skip, not '\(badFiles)'") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be 1 or more") }
        guard ByteSize.parse(spoolLimit) != nil else { throw ValidationError("--spool-limit must be a size like 10GiB or 500MB, not '\(spoolLimit)'") }
        if let since, FilesState.parseDate(since) == nil {
            throw ValidationError("--since must be an ISO 8601 time like 2025-01-01T00:00:00Z or a date like 2025-01-01, not '\(since)'")
        }
        guard ChangedObjectPolicy(rawValue: onChange) != nil else {
            throw ValidationError("--on-change must be \(ChangedObjectPolicy.allCases.map(\.rawValue).joined(separator: ", ")), not '\(onChange)'")
        }
    }

    /// Whether `inputs` name many objects (or one Parquet file): the files source reads them.
    static func needsFilesSource(_ inputs: [String], format: String) -> Bool {
        guard inputs.count == 1, let only = inputs.first else { return true }
        if only.lowercased().hasPrefix("s3://") || Glob.hasWildcards(only) || format == "parquet" { return true }
        var folder: ObjCBool = false
        if FileManager.default.fileExists(atPath: only, isDirectory: &folder), folder.boolValue { return true }
        var name = (only as NSString).lastPathComponent.lowercased()
        for suffix in [".gz", ".zst", ".zstd"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        return name.hasSuffix(".parquet") || name.hasSuffix(".pq")
    }

    func settings(_ inputs: [String], format: String, csv: CSVSettings, json: JSONOptions) throws -> FilesSettings {
        var s = FilesSettings(urls: inputs)
        s.format = FilesFormat(rawValue: format) ?? .auto
        s.csv = csv
        s.json = json
        s.hiveColumns = hiveColumns
        s.fileColumn = fileColumn
        s.badFiles = BadFilesPolicy(rawValue: badFiles) ?? .fail
        s.allowEmpty = allowEmpty
        s.concurrency = concurrency
        s.spoolLimit = ByteSize.parse(spoolLimit) ?? s.spoolLimit
        s.incremental = incremental
        s.deleteSource = deleteSource
        s.since = since.flatMap(FilesState.parseDate)
        s.moveTo = moveTo
        s.onChange = ChangedObjectPolicy(rawValue: onChange) ?? .fail
        do { try s.validate() } catch let e as InvalidSetting { throw ValidationError(e.asOption) }
        return s
    }
}
