import Dispatch
import Foundation

/// Produces the next value on a background thread while the caller works on the current
/// one, so CSV conversion (pass 2) overlaps Parquet encoding on the other core.
/// One value in flight at a time keeps order and bounds memory to two batches.
final class Prefetcher<Value>: @unchecked Sendable {
    private let produce: () throws -> Value?
    private let queue = DispatchQueue(label: "inlet.prefetch")
    private var pending: DispatchGroup?
    private var result: Result<Value?, Error> = .success(nil)
    private var finished = false

    init(_ produce: @escaping () throws -> Value?) { self.produce = produce }

    /// The next value in order, or nil at the end; rethrows the producer's error.
    func next() throws -> Value? {
        if finished { return nil }
        let value: Value?
        if let group = pending {
            group.wait()
            value = try result.get()
        } else {
            value = try produce()
        }
        guard value != nil else { finished = true; return nil }
        let group = DispatchGroup()
        group.enter()
        queue.async { [self] in
            result = Result { try produce() }
            group.leave()
        }
        pending = group
        return value
    }

    /// Waits for work in flight (call before touching what the producer uses).
    func drain() { pending?.wait() }
}
