#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raising the process's open-file limit (RLIMIT_NOFILE) at start.
enum OpenFiles {
    #if os(Linux)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    /// Raises the soft limit to the hard limit, capped at `cap`: exports often span thousands of
    /// dates, and the usual soft limit of 1024 would force a partitioned load's files to close
    /// and reopen as new parts.
    static func raiseLimit(upTo cap: Int = 65_536) {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return }
        let wanted = min(limit.rlim_max, rlim_t(cap))
        if limit.rlim_cur < wanted {
            limit.rlim_cur = wanted
            _ = setrlimit(resource, &limit)
        }
    }
}
