import Foundation

/// The in-order hand-off of a reading pass: the producer reserves a sequence number per block
/// (waiting while `maxInFlight` are undelivered, which is what bounds a pass's memory), jobs on
/// other threads deliver their results in any order, and the consumer takes them strictly in
/// sequence. Shared by the CSV and JSON pipelines.
public final class OrderedHandoff<Item>: @unchecked Sendable {
    private let cond = NSCondition()
    private var results: [Int: Item] = [:]
    private var nextToDeliver = 0
    private var issued = 0
    private var producerExited = false
    private var cancelled = false
    public let maxInFlight: Int

    public init(maxInFlight: Int) { self.maxInFlight = max(1, maxInFlight) }

    public var isCancelled: Bool { cond.lock(); defer { cond.unlock() }; return cancelled }

    /// A sequence number once fewer than `maxInFlight` items are undelivered; nil when cancelled.
    public func reserveSlot() -> Int? {
        cond.lock()
        defer { cond.unlock() }
        while !cancelled && issued - nextToDeliver >= maxInFlight { cond.wait() }
        if cancelled { return nil }
        issued += 1
        return issued - 1
    }

    public func deliver(_ item: Item, at seq: Int) {
        cond.lock(); results[seq] = item; cond.broadcast(); cond.unlock()
    }

    /// The producer reserves no more: `next` ends once everything reserved is delivered.
    public func producerFinished() {
        cond.lock(); producerExited = true; cond.broadcast(); cond.unlock()
    }

    /// The next item in sequence, or nil at the end.
    public func next() -> Item? {
        cond.lock()
        defer { cond.unlock() }
        while results[nextToDeliver] == nil && !(producerExited && nextToDeliver >= issued) { cond.wait() }
        guard let item = results.removeValue(forKey: nextToDeliver) else { return nil }
        nextToDeliver += 1
        cond.broadcast()
        return item
    }

    /// Stops the producer (its next reservation is nil) and waits until it has exited.
    public func cancel() {
        cond.lock()
        cancelled = true
        cond.broadcast()
        while !producerExited { cond.wait() }
        cond.unlock()
    }
}
