import Columnar
import Foundation

/// How a files load's passes are made once its objects are chosen: the plan of a union, the
/// outcome after every object, pass 2 after pass 1, and the attempts that write during pass 1.
struct FilesPassMaker {
    let landing: any Landing
    let spool: Spool?
    let read: ReadOptions
    let settings: FilesSettings
    let events: SourceEvents
    /// The state before the load, and the columns of earlier incremental loads (their types stay).
    let before: FilesState
    let stored: [Field]
    /// Warnings of the listing (changed objects skipped).
    let warnings: [String]

    func plan(_ union: FilesUnion, detail: (String) -> Void) throws -> DatasetPlan {
        try union.plan(stored: stored, hiveColumns: settings.hiveColumns, fileColumn: settings.fileColumn, detail: detail)
    }

    /// After every object: the plan of all of them (widenings told under `-v`) and the state to publish.
    func complete(_ scan: FilesScan.Outcome) throws -> FilesCompletion {
        let whole = try plan(scan.union, detail: events.detail)
        var after = before
        after.record(scan.readings.map(\.object), maxKeys: settings.stateKeys)
        after.columns = whole.schema.fields
        after.skipped = scan.skipped
        return FilesCompletion(plan: whole, readings: scan.readings, state: after.json,
                               warnings: warnings + scan.skipped.map { "skipped \($0.url): \($0.reason)" } + scan.warnings)
    }

    /// Pass 2 after pass 1.
    func afterScan(_ scan: FilesScan.Outcome) throws -> FilesPass {
        let done = try complete(scan)
        return FilesPass(plan: done.plan, feed: KnownReadings(done, kept: scan.kept), landing: landing, spool: spool,
                         read: read, settings: settings, events: events, phase: "write")
    }

    /// Attempt `attempt`, writing under `plan` while `running` reads. After a miss it gives the
    /// next attempt, or once none is left pass 2 after pass 1; `given` hears each pass given,
    /// and whether it still writes during pass 1.
    func attempt(_ attempt: Int, _ plan: DatasetPlan, running: RunningScan,
                 given: @escaping (FilesPass, _ duringScan: Bool) -> Void) -> FilesPass {
        let feed = SpeculativeReadings(scan: running.state, attempt: attempt, plan: plan, finish: complete)
        return FilesPass(plan: plan, feed: feed, landing: landing, spool: spool, read: read, settings: settings, events: events,
                         phase: nil) {
            let pass: FilesPass
            if let next = running.state.plan(attempt: attempt + 1) {
                events.detail("attempt \(attempt + 2) of \(ScanState.maxAttempts): writing under the types of the objects up to that one")
                pass = self.attempt(attempt + 1, next, running: running, given: given)
                given(pass, true)
            } else {
                events.detail("writing again under every object's types once all are read")
                pass = try afterScan(try await running.outcome())
                events.phaseEnded("load")
                given(pass, false)
            }
            return pass
        }
    }
}
