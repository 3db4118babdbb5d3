import Foundation

/// Spaces a pipeline's requests: at most `requestsPerSecond` (shared by concurrent child
/// fetches), and none before a rate-limit reset the server announced.
actor RequestPacer {
    private let interval: Double
    private var nextSlot = Date.distantPast
    private var pausedUntil = Date.distantPast

    init(requestsPerSecond: Double?) {
        interval = requestsPerSecond.map { $0 > 0 ? 1 / $0 : 0 } ?? 0
    }

    /// Waits for this request's turn.
    func wait() async throws {
        let now = Date()
        let start = max(now, nextSlot, pausedUntil)
        nextSlot = start.addingTimeInterval(interval)
        let delay = start.timeIntervalSince(now)
        if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
    }

    /// No request before `date` (the server said its quota resets then).
    func pause(until date: Date) {
        pausedUntil = max(pausedUntil, date)
    }
}
