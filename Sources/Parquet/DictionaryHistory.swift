/// What dictionaries did for each column across the files of one load, shared by their writers.
///
/// A chunk judges its own dictionary only after 8192 values, so the short chunks of a
/// many-partition load (a few hundred rows each) never find out that ids, amounts or free
/// text are all distinct: each hashes every value into a dictionary as big as its data, and
/// writes a file larger than plain encoding would. Shared across the load's files, the
/// column's record lets later chunks start plain.
///
/// Chunks record into a fresh tally; `settle()` makes it count for chunks started afterwards.
/// Called between rounds of concurrent writing, it keeps every decision independent of which
/// thread finished first, so the same input still gives the same files.
public final class DictionaryHistory: @unchecked Sendable {
    private struct Tally { var values = 0, distinct = 0 }
    private struct State {
        var settled: [Int: Tally] = [:]
        var fresh: [Int: Tally] = [:]
    }
    // Guarded by `lock`.
    private var state = State()
    private let lock = PthreadLock()

    public init() {}

    private func withLock<T>(_ body: (inout State) -> T) -> T {
        lock.withLock { body(&state) }
    }

    /// A chunk of column `column` held `values` non-null values, `distinct` of them different.
    func record(column: Int, values: Int, distinct: Int) {
        guard values > 0 else { return }
        withLock {
            $0.fresh[column, default: Tally()].values += values
            $0.fresh[column, default: Tally()].distinct += distinct
        }
    }

    /// Chunks recorded so far count from now on.
    public func settle() {
        withLock { s in
            for (column, t) in s.fresh {
                s.settled[column, default: Tally()].values += t.values
                s.settled[column, default: Tally()].distinct += t.distinct
            }
            s.fresh = [:]
        }
    }

    /// Whether the column's settled chunks, over at least `minimumValues` values, were 90%
    /// distinct: a dictionary repeats such values and adds an index to each.
    func dictionaryWasUseless(column: Int, minimumValues: Int) -> Bool {
        withLock { s in
            guard let t = s.settled[column], t.values >= minimumValues else { return false }
            return t.distinct * 10 >= t.values * 9
        }
    }
}
