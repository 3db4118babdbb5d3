import Columnar
import Delimited
import Dispatch

extension InferenceState {
    /// Observes `chunks` on up to `threads` cores (each thread its own state, merged at the end).
    /// Same result as observing them one by one in file order.
    public static func observe(_ chunks: [FieldChunk], columnNames: [String], options: InferenceOptions,
                               threads: Int = 2) -> InferenceState {
        let n = max(1, min(threads, chunks.count))
        var states = [InferenceState](repeating: InferenceState(columnNames: columnNames, options: options), count: n)
        states.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: n) { t in
                // Thread t takes chunks t, t+n, t+2n…; it alone writes slot t.
                var s = base[t]
                var i = t
                while i < chunks.count { s.observe(chunks[i]); i += n }
                base[t] = s
            }
        }
        var merged = states[0]
        for s in states.dropFirst() { merged.merge(s) }
        return merged
    }
}
