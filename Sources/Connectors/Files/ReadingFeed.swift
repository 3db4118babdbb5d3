import Columnar
import Foundation

/// What pass 2 of a files source reads: pass 1's objects in key order, and after the last one
/// what the pass reports.
protocol ReadingFeed: AnyObject {
    /// The `position`-th object read, in key order (waiting for pass 1 if need be); nil after the last.
    func reading(at position: Int) throws -> ObjectReading?
    /// The same when at hand, without waiting.
    func readingIfFolded(at position: Int) -> ObjectReading?
    /// Numbers of the objects the spool did not keep: pass 2 fetches them again.
    var refetched: Set<Int> { get }
    /// The pass's outcome when known before its first object (pass 1 finished).
    var completionIfKnown: FilesCompletion? { get }
    /// After the last object: the pass's outcome.
    func completion() throws -> FilesCompletion
    /// Why the plan converted under stopped holding (a speculation that missed), else nil.
    var speculationMissed: String? { get }
}

/// What a files pass reports after its last object: the plan of every object, the objects
/// read, the state to publish, warnings.
struct FilesCompletion {
    let plan: DatasetPlan
    let readings: [ObjectReading]
    let state: JSONValue
    let warnings: [String]
}

/// The objects of a finished pass 1.
final class KnownReadings: ReadingFeed {
    private let done: FilesCompletion
    let refetched: Set<Int>

    /// `kept`: the objects whose download stays in the spool (all, when local).
    init(_ done: FilesCompletion, kept: Set<Int>) {
        self.done = done
        refetched = Set(done.readings.map(\.index).filter { !kept.contains($0) })
    }

    func reading(at position: Int) throws -> ObjectReading? { position < done.readings.count ? done.readings[position] : nil }
    func readingIfFolded(at position: Int) -> ObjectReading? { try? reading(at: position) }
    var completionIfKnown: FilesCompletion? { done }
    func completion() throws -> FilesCompletion { done }
    var speculationMissed: String? { nil }
}

/// The objects of a pass 1 still running, converted under the plan of attempt `attempt`
/// (the first objects', or after a miss the objects' up to the one that missed): each object
/// folded after it must leave that plan as it is (`ScanState` checks), and at the end the plan
/// of every object must be it.
final class SpeculativeReadings: ReadingFeed {
    private let scan: ScanState
    let attempt: Int
    let plan: DatasetPlan
    /// The outcome of the whole pass 1, with its plan (told under `-v`).
    private let finish: (FilesScan.Outcome) throws -> FilesCompletion
    private var missedAtEnd: String?

    init(scan: ScanState, attempt: Int, plan: DatasetPlan, finish: @escaping (FilesScan.Outcome) throws -> FilesCompletion) {
        self.scan = scan
        self.attempt = attempt
        self.plan = plan
        self.finish = finish
    }

    func reading(at position: Int) throws -> ObjectReading? { try scan.reading(at: position, attempt: attempt) }
    func readingIfFolded(at position: Int) -> ObjectReading? { scan.readingIfFolded(at: position, attempt: attempt) }
    /// Speculation is only tried when the spool keeps every object.
    var refetched: Set<Int> { [] }
    var completionIfKnown: FilesCompletion? { nil }

    func completion() throws -> FilesCompletion {
        let done = try finish(scan.outcome)
        if let change = done.plan.difference(from: plan) {
            // Checked object by object already; this is the whole input's plan, with `stored`.
            missedAtEnd = "every object: \(change)"
            throw SpeculationMissed(reason: missedAtEnd!)
        }
        return done
    }

    var speculationMissed: String? { scan.missed(attempt: attempt) ?? missedAtEnd }
}
