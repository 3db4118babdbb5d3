#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ObjectStore

/// How a load or a clear takes its dataset's lease.
public struct LeaseOptions: Sendable {
    /// A holder that stops renewing (killed, paused, cut off) loses the lease this long after
    /// its last renewal. Renewals run every quarter of it.
    public var ttl: Duration
    /// How long to wait for a busy dataset before failing; zero fails at once.
    public var wait: Duration
    /// false (`--no-lease`): no lease at all, so two machines' loads of one dataset may interleave.
    public var enabled: Bool
    /// Lines for a person: waiting for a holder, a lease taken over from a dead one.
    public var notice: (@Sendable (String) -> Void)?

    public init(ttl: Duration = .seconds(120), wait: Duration = .zero, enabled: Bool = true,
                notice: (@Sendable (String) -> Void)? = nil) {
        self.ttl = ttl
        self.wait = wait
        self.enabled = enabled
        self.notice = notice
    }
}

/// The body of `datasets/{id}/_lease`: who holds the dataset and until when. Secrets never go in it.
public struct LeaseHolder: Sendable, Codable, Equatable, CustomStringConvertible {
    public var dataset: String
    public var host: String
    public var pid: Int32
    public var runId: String
    /// `load` or `clear`.
    public var operation: String
    public var acquiredAt: Date
    public var renewedAt: Date
    public var expiresAt: Date
    public var ttlSeconds: Double
    /// Counts renewals, so that no two bodies of one holder are the same.
    public var renewal: Int

    public var description: String {
        "host \(host), pid \(pid), run \(runId), \(operation) since \(Self.text(acquiredAt)), lease valid until \(Self.text(expiresAt))"
    }

    static func text(_ d: Date) -> String {
        UTCText.iso8601(d, milliseconds: false)
    }

    func encoded() throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(UTCText.iso8601(date, milliseconds: true))
        }
        return Array(try e.encode(self)) + [0x0A]
    }

    static func decode(_ bytes: [UInt8]) -> LeaseHolder? {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = f.date(from: text) { return date }
            f.formatOptions = [.withInternetDateTime]
            guard let date = f.date(from: text) else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad date")) }
            return date
        }
        return try? d.decode(LeaseHolder.self, from: Data(bytes))
    }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(cString: buffer)
    }
}

/// One dataset's lease in the store itself, so loads on different machines exclude each other.
///
/// Taking it creates `datasets/{id}/_lease` only if absent (S3 `If-None-Match: *`, a local
/// `link(2)`). The holder renews it in the background every quarter of the TTL, each time only if
/// it is still the version it wrote (`If-Match`). A holder that stops renewing (killed, paused
/// past the TTL) loses it: the next taker replaces the expired lease on condition of the exact
/// version it judged expired, so of two waiters only one wins. Before publishing, a load renews
/// once more (`confirm`): one that lost its lease stops there and publishes nothing.
///
/// Expiry compares the holder's clock (the `expires_at` it wrote) with the taker's: machines
/// sharing a lake must keep their clocks in sync (NTP), as S3's signatures already require.
public actor DatasetLease {
    public nonisolated let dataset: DatasetID
    nonisolated let store: any ObjectStore
    nonisolated let key: String
    private var holder: LeaseHolder
    private var etag: String
    private var lost: LakeError?
    private var renewals: Task<Void, Error>?
    private var renewer: Task<Void, Error>?
    private var exitToken: Int?

    /// Stores already seen to honour both conditions, so each process probes a store once.
    private static let probed = ProbedStores()

    public static func key(_ id: DatasetID) -> String { DatasetLayout.prefix(id) + "_lease" }

    private init(store: any ObjectStore, dataset: DatasetID, holder: LeaseHolder, etag: String) {
        self.store = store
        self.dataset = dataset
        key = Self.key(dataset)
        self.holder = holder
        self.etag = etag
    }

    /// Takes the lease, waiting up to `options.wait` for a live holder; throws `.busy` naming the
    /// holder, or `.noConditionalWrites` when the store ignores the conditions a lease rests on.
    public static func acquire(store: any ObjectStore, dataset: DatasetID, runId: String, operation: String,
                               options: LeaseOptions) async throws -> DatasetLease {
        let key = Self.key(dataset)
        let ttl = options.ttl.seconds
        let started = ContinuousClock.now
        var waitingNoticed = false
        while true {
            let now = Date()
            let mine = LeaseHolder(dataset: dataset.rawValue, host: LeaseHolder.hostName, pid: getpid(), runId: runId,
                                   operation: operation, acquiredAt: now, renewedAt: now,
                                   expiresAt: now.addingTimeInterval(ttl), ttlSeconds: ttl, renewal: 0)
            let body = try mine.encoded()
            do {
                let etag = try await store.put(key: key, data: body, if: .absent)
                try await probe(store, key: key, dataset: dataset, releasing: key)
                return await DatasetLease(store: store, dataset: dataset, holder: mine, etag: etag).started(options)
            } catch ObjectStoreError.preconditionFailed {}

            // Held: read by whom. The body read after the ETag is that version or a later one.
            guard let info = try await store.head(key: key), let seen = info.etag else { continue }
            let bytes: [UInt8]
            do { bytes = try await store.get(key: key, range: nil) } catch ObjectStoreError.notFound { continue }
            let other = LeaseHolder.decode(bytes)
            let expires = other?.expiresAt ?? (info.lastModified ?? now).addingTimeInterval(ttl)
            if Date() >= expires {
                do {
                    let etag = try await store.put(key: key, data: body, if: .matches(etag: seen))
                    try await probe(store, key: key, dataset: dataset, releasing: key)
                    options.notice?("dataset '\(dataset)': took over the lease of a holder that stopped renewing it (\(other?.description ?? "an unreadable lease"))")
                    return await DatasetLease(store: store, dataset: dataset, holder: mine, etag: etag).started(options)
                } catch ObjectStoreError.preconditionFailed {
                    continue   // renewed, released or taken meanwhile
                }
            }
            let holderText = other?.description ?? "an unreadable lease object \(key), valid until \(LeaseHolder.text(expires))"
            let waited = ContinuousClock.now - started
            guard waited < options.wait else { throw LakeError.busy(dataset: dataset.rawValue, holder: holderText) }
            if !waitingNoticed {
                waitingNoticed = true
                options.notice?("dataset '\(dataset)' is busy (\(holderText)); waiting up to \(Int(options.wait.seconds)) s")
            }
            let untilExpiry = max(0.05, expires.timeIntervalSinceNow)
            let step = min(1.0, untilExpiry, (options.wait - waited).seconds)
            try await Task.sleep(for: .milliseconds(Int(max(0.05, step) * 1000)))
        }
    }

    /// A store that ignores `If-None-Match` or `If-Match` writes anyway, which a second
    /// conditional write of a different body shows: such a lease would protect nothing. The
    /// probe writes an object of its own beside the lease (never the lease itself: a holder
    /// paused after taking its lease may find it released by another process, and an absent
    /// key would then look like an ignored condition).
    /// On a store that fails the probe, the lease just written (`releasing`) is deleted again.
    private static func probe(_ store: any ObjectStore, key: String, dataset: DatasetID, releasing lease: String) async throws {
        guard !probed.contains(store.displayName) else { return }
        let probeKey = key + ".probe-" + UUID().uuidString.lowercased()
        let marker = Array("{\"probe\":\"\(UUID().uuidString)\"}\n".utf8)
        _ = try await store.put(key: probeKey, data: marker, if: .absent)
        var ignored: String?
        for (condition, header) in [(WriteCondition.absent, "If-None-Match"), (.matches(etag: "\"inlet-probe\""), "If-Match")] {
            do {
                _ = try await store.put(key: probeKey, data: Array("{\"probe\":\"second\"}\n".utf8), if: condition)
            } catch ObjectStoreError.preconditionFailed {
                continue
            }
            ignored = header
            break
        }
        try? await store.delete(keys: [probeKey])
        if let ignored {
            try? await store.delete(keys: [lease])
            throw LakeError.noConditionalWrites(store: store.displayName, header: ignored)
        }
        probed.insert(store.displayName)
    }

    private func started(_ options: LeaseOptions) -> DatasetLease {
        exitToken = ExitCleanup.register { [self] in await self.release() }
        let interval = Duration.seconds(max(0.05, options.ttl.seconds / 4))
        renewer = housekeepingTask { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled, await self.renewInBackground() else { return }
            }
        }
        return self
    }

    /// Renews now and throws `.leaseLost` if another holder has it: called just before a load
    /// publishes (and before its manifest), so a holder that lost its lease writes nothing more.
    public func confirm() async throws {
        if let lost { throw lost }
        try await renewInTurn()
    }

    /// Stops renewing and deletes the lease if it is still this holder's.
    public func release() async {
        renewer?.cancel()
        renewer = nil
        if let exitToken { ExitCleanup.unregister(exitToken) }
        exitToken = nil
        _ = try? await renewals?.value
        guard lost == nil else { return }
        lost = .leaseLost(dataset: dataset.rawValue, detail: "it was released")
        if let info = try? await store.head(key: key), info.etag == etag {
            try? await store.delete(keys: [key])
        }
    }

    /// One renewal at a time: two in flight would carry the same ETag, and the second would
    /// take the first's success for someone else's write.
    private func renewInTurn() async throws {
        let previous = renewals
        let next = housekeepingTask { _ = try? await previous?.value; try await self.renewOnce() }
        renewals = next
        try await next.value
    }

    private func renewOnce() async throws {
        if let lost { throw lost }
        var next = holder
        let now = Date()
        next.renewedAt = now
        next.expiresAt = now.addingTimeInterval(holder.ttlSeconds)
        next.renewal += 1
        do {
            etag = try await store.put(key: key, data: try next.encoded(), if: .matches(etag: etag))
            holder = next
        } catch ObjectStoreError.preconditionFailed {
            let current = (try? await store.get(key: key, range: nil)).flatMap(LeaseHolder.decode)
            let error = LakeError.leaseLost(dataset: dataset.rawValue,
                                            detail: current.map { "another process holds it now (\($0))" } ?? "its lease object was removed or replaced")
            lost = error
            throw error
        }
    }

    /// False once renewing is over (the lease lost); a failed request is retried at the next
    /// tick while the lease is still valid.
    private func renewInBackground() async -> Bool {
        do {
            try await renewInTurn()
            return true
        } catch {
            if lost != nil { return false }
            if Date() >= holder.expiresAt {
                lost = .leaseLost(dataset: dataset.rawValue, detail: "it could not be renewed before it expired at \(LeaseHolder.text(holder.expiresAt)): \(error)")
                return false
            }
            return true
        }
    }
}

/// A process-wide set of store names, behind a lock.
final class ProbedStores: @unchecked Sendable {
    private let lock = NSLock()
    private var names: Set<String> = []
    func contains(_ name: String) -> Bool { lock.lock(); defer { lock.unlock() }; return names.contains(name) }
    func insert(_ name: String) { lock.lock(); names.insert(name); lock.unlock() }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
