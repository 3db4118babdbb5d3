import Columnar
import Foundation
import Inference
import JSON
import ObjectStore

/// Many objects (S3 or local files, CSV, JSON or Parquet, compressed or not) as one source
/// (`kind: files`, `inlet upload 'glob'`): one dataset schema over all of them, by column name.
///
/// 1. List: each pattern from its literal prefix; drop what the state says was loaded.
/// 2. Pass 1: download (S3, up to `concurrency` at once, into the spool) and scan each object
///    on all cores; fold the statistics into one schema in key order (`FilesUnion`).
/// 3. Pass 2: each object again, in key order, converted under the dataset's types and
///    conformed to its columns (`FilesPass`); objects the spool could not keep are fetched again.
/// The state (`FilesState`) records what was loaded; after the publish the objects may be
/// deleted or moved.
public final class FilesSource: Source {
    public let settings: FilesSettings
    /// The environment a landing bucket is configured from (the lake's, unless `settings.landing`).
    let environment: [String: String]
    private var landing: (any Landing)?
    private var spool: Spool?
    private var rejects: FilesRejects?
    private var loaded: [(object: LandingObject, relative: String)] = []
    private var openPass: FilesPass?
    /// Pass 1 while pass 2 runs beside it.
    private var scan: RunningScan?
    /// Whether this load holds a `PoolWaitSlots` slot.
    private var slot = false

    public var name: String { settings.urls.joined(separator: ", ") }

    public init(settings: FilesSettings, environment: [String: String]) {
        self.settings = settings
        self.environment = environment
    }

    public func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass {
        try settings.validate()
        let locations = try settings.urls.map { try FilesLocation($0) }
        let landing = try makeLanding(locations)
        self.landing = landing
        let before = try FilesState(json: state)

        // 1. List.
        var objects: [LandingObject] = []
        var relative: [String: String] = [:]
        for (url, location) in zip(settings.urls, locations) {
            let prefix = Self.literalFolder(location.glob)
            for o in try await landing.list(location) where relative[o.url] == nil {
                objects.append(o)
                relative[o.url] = prefix.isEmpty || !o.key.hasPrefix(prefix) ? o.key : String(o.key.dropFirst(prefix.count))
            }
            events.detail("\(url): \(objects.count) object(s) so far")
        }
        objects.sort { $0.url.utf8.lexicographicallyPrecedes($1.url.utf8) }
        if objects.isEmpty && !settings.allowEmpty { throw FilesError.noMatch(patterns: settings.urls) }

        var warnings: [String] = []
        var chosen: [LandingObject] = []
        var older = 0, since = 0
        for o in objects {
            if let s = settings.since, let m = o.modified, m < s { since += 1; continue }
            guard settings.incremental else { chosen.append(o); continue }
            switch before.standing(of: o) {
            case .new: chosen.append(o)
            case .loaded: break
            case .beforeWatermark: older += 1
            case let .changed(was):
                switch settings.onChange {
                case .fail:
                    throw FilesError.changed(url: o.url, was: "\(was.size) bytes, \(was.version)", now: "\(o.size) bytes, \(o.version)")
                case .skip:
                    warnings.append("\(o.url) changed since it was loaded; its old rows stay and the new version is not loaded (on_change: skip)")
                case .reload:
                    // The load merges by key (checked with the config): its new rows replace the old.
                    events.detail("\(o.url) changed since it was loaded: loaded again (on_change: reload)")
                    chosen.append(o)
                }
            }
        }
        if since > 0 { events.detail("\(since) object(s) last modified before \(settings.since!) left out (since)") }
        if older > 0 { events.detail("\(older) object(s) last modified before the state's watermark taken as loaded") }
        events.detail("\(chosen.count) of \(objects.count) object(s) to load")
        loaded = chosen.map { ($0, relative[$0.url] ?? $0.key) }
        let stored = settings.incremental ? before.columns : []
        if chosen.isEmpty {
            let reason = objects.isEmpty ? "nothing new to load: no object matches (allow_empty)" : "nothing new to load: none of the \(objects.count) object(s) listed is new"
            return NothingToLoad(reason: reason, source: SourceIdentity(name: name, size: 0, sha256: ""), report: SourceReport(warnings: warnings))
        }

        // 2. Pass 1, and 3. pass 2 as the lake pulls batches.
        var read = try ReadOptions(settings)
        read.rejects = try FilesRejects(settings)
        rejects = read.rejects
        let spool = landing.isLocal ? nil : try Spool(limit: settings.spoolLimit)
        self.spool = spool
        let passes = FilesPassMaker(landing: landing, spool: spool, read: read, settings: settings, events: events,
                                    before: before, stored: stored, warnings: warnings)
        let total = chosen.reduce(0) { $0 + $1.size }
        let speculation = try FilesSpeculation(environment: environment)
        let applies = speculation.applies(local: landing.isLocal, rejecting: read.rejects != nil, bytes: total, spoolLimit: settings.spoolLimit)
        if applies, !landing.isLocal {
            slot = PoolWaitSlots.shared.take()
            if !slot { events.detail("other loads in this process write during their pass 1: pass 2 waits for pass 1") }
        }
        guard applies, landing.isLocal || slot else {
            return opened(try passes.afterScan(try await FilesScan.run(chosen, landing: landing, spool: spool, read: read, settings: settings, events: events)))
        }
        let running = FilesScan.start(chosen, landing: landing, spool: spool, read: read, settings: settings, events: events,
                                      speculation: (max(1, total / FilesSpeculation.share), speculation == .always,
                                                    { try passes.plan($0, detail: { _ in }) }))
        scan = running
        guard let first = try await runBlocking({ running.state.waitForSpeculation() }) else {
            // Not worth it, or the first objects failed or have no common plan: pass 1 ends, and tells why.
            releaseSlot()
            let outcome = try await running.outcome()
            events.phaseEnded(speculation == .always ? "load" : "scan")
            return opened(try passes.afterScan(outcome))
        }
        running.progress.rename("load")
        events.detail("writing under the types of the first objects (1/\(FilesSpeculation.share) of the input) while the others are read; an object that changes them ends the attempt")
        return opened(passes.attempt(0, first, running: running) { [weak self] pass, duringScan in
            self?.openPass = pass
            // Pass 2 after pass 1 waits for nothing on the pool: another load may take the slot.
            if !duringScan { self?.releaseSlot() }
        })
    }

    /// The pass `close()` finishes and `published()` asks what was loaded.
    private func opened(_ pass: FilesPass) -> FilesPass {
        openPass = pass
        return pass
    }

    private func releaseSlot() {
        if slot { PoolWaitSlots.shared.give() }
        slot = false
    }

    /// The landing store of the patterns: local files, or one S3 bucket (the lake's endpoint
    /// and credentials unless `landing` gives others).
    private func makeLanding(_ locations: [FilesLocation]) throws -> any Landing {
        var buckets = Set<String>()
        var local = false
        for l in locations {
            switch l {
            case let .s3(bucket, _): buckets.insert(bucket)
            case .local: local = true
            }
        }
        if local, !buckets.isEmpty { throw InvalidSetting(setting: "url", message: "mixes local paths and s3:// URLs; give one kind") }
        if local { return LocalLanding() }
        guard buckets.count == 1, let bucket = buckets.first else {
            throw InvalidSetting(setting: "url", message: "names several buckets (\(buckets.sorted().joined(separator: ", "))); one source reads one bucket")
        }
        let env = settings.landing?.environment(over: environment) ?? environment
        let config = try S3Config.fromEnvironment(env, storeURL: "s3://\(bucket)")
        return S3Landing(store: try S3Store(config: config))
    }

    /// The folder part of a pattern's literal prefix: what `move_to` keeps object paths below.
    static func literalFolder(_ glob: Glob) -> String {
        guard let prefix = glob.literalPrefixes.first, let slash = prefix.lastIndex(of: "/") else { return "" }
        return String(prefix[...slash])
    }

    public func published() async throws {
        // The objects skipped as bad stay.
        let read = Set((openPass?.completion?.readings ?? []).map(\.object.url))
        let loaded = self.loaded.filter { read.contains($0.object.url) }
        guard let landing, !loaded.isEmpty, settings.deleteSource || settings.moveTo != nil else { return }
        do {
            if let target = settings.moveTo {
                try await landing.move(loaded, to: target)
            } else {
                try await landing.delete(loaded.map(\.object))
            }
        } catch {
            throw FilesCleanupError(action: settings.moveTo.map { "moving the loaded objects to \($0)" } ?? "deleting the loaded objects",
                                    underlying: error)
        }
    }

    public func close() async {
        openPass?.finish()
        openPass = nil
        await scan?.stop()
        scan = nil
        releaseSlot()
        spool?.remove()
        spool = nil
        rejects?.remove()
        rejects = nil
        if let landing {
            self.landing = nil
            // Awaited, not waited for: blocking a pool thread on a task that needs one can
            // starve the pool (several loads closing at once) into a deadlock.
            await landing.shutdown()
        }
    }
}

/// The data was published, but the source objects could not be deleted or moved afterwards.
public struct FilesCleanupError: Error, CustomStringConvertible {
    public let action: String
    public let underlying: Error
    public var description: String { "the load was published, but \(action) failed: \(underlying)" }
}
