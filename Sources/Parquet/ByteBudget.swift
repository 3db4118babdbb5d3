#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes that threads together may hold at once: `take` waits while the budget is spent (a
/// piece larger than the whole budget waits for it to be empty), `give` returns them.
final class ByteBudget: @unchecked Sendable {
    let limit: Int
    private var used = 0
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(limit: Int) {
        self.limit = limit
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    func take(_ bytes: Int) {
        pthread_mutex_lock(mutex)
        while used > 0 && used + bytes > limit { pthread_cond_wait(cond, mutex) }
        used += bytes
        pthread_mutex_unlock(mutex)
    }

    func give(_ bytes: Int) {
        pthread_mutex_lock(mutex)
        used -= bytes
        pthread_cond_broadcast(cond)
        pthread_mutex_unlock(mutex)
    }
}
