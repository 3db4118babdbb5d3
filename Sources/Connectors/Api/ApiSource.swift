import Columnar
import Foundation
import JSON
import ObjectStore

/// A REST API endpoint's records as a source (the old ETL's `ApiETL`, made real): every page,
/// fetched in order into a spool, then typed over the whole run by the JSON reader. With
/// `incremental`, a run starts where the dataset's published state says and publishes the new
/// high mark with its rows. With children, it also writes what each child fetch needs.
public final class ApiSource: SchemaFollowing {
    public let spec: ApiSpec
    let client: ApiHTTPClient
    /// Where child resources read their parents from (nil: no children).
    public let parents: ParentRecords?
    private let label: String
    private var spool: RecordSpool?
    private var followed = FollowedSchema()

    public func follow(_ stored: Schema) { followed.follow(stored) }

    /// The JSON reader's options: the spec's, with the dataset's stored types when appending.
    var jsonOptions: JSONOptions { followed.options(spec.json) }

    /// `label` names temp files (the pipeline's name); `client` may be shared with the children.
    public init(spec: ApiSpec, label: String, client: ApiClient, parents: ParentRecords? = nil) {
        self.spec = spec
        self.client = client.http
        self.parents = parents
        self.label = label
    }

    public var name: String { "api:" + ResourceWalk.join(spec.baseURL, spec.resource.path) }

    /// The first request, with the incremental start when there is one.
    func firstRequest(_ cursor: IncrementalCursor?) throws -> ApiRequest {
        let r = spec.resource
        var params = r.params
        if let cursor, let start = cursor.startText { params.append((cursor.spec.param, start)) }
        let url = ResourceWalk.join(spec.baseURL, try ResourceWalk.fill(r.path, r.pathParams))
        let body = try r.jsonBody.map { try JSONEncoder().encode($0) }.map(Array.init)
        return ApiRequest(method: r.method, base: url, params: params, body: body)
    }

    private func walk(_ cursor: IncrementalCursor?) throws -> ResourceWalk {
        ResourceWalk(client: client, first: try firstRequest(cursor), records: spec.resource.records,
                     paginator: spec.resource.paginator, maxPages: spec.resource.maxPages)
    }

    /// A dry run fetches the first page only: its schema, the request, and what would come next.
    public func plan(state: JSONValue?) async throws -> SourcePlan? {
        let cursor = try spec.resource.incremental.map { try IncrementalCursor(spec: $0, state: state, keyed: !spec.resource.primaryKey.isEmpty) }
        let first = try firstRequest(cursor)
        let spool = try RecordSpool(label: label + "-dry-run")
        defer { spool.remove() }
        let summary = try await walk(cursor).run(pages: 1, page: spool.beginPage) { doc, range, _, _ in
            try spool.append(doc.text(of: range))
        }
        try spool.finish()
        var lines = ["dry run: \(client.shown(first))", "first page: \(summary.records) records"]
        if let next = summary.next { lines.append("next: \(client.shown(next))") } else { lines.append("next: none (the first page is the last)") }
        if spool.records > 0 {
            let reader = try JSONReader(path: spool.path, options: jsonOptions)
            let decision = try reader.infer()
            for c in decision.columns { lines.append("  \(c.name)  \(c.type)  (\(c.reason))") }
        }
        return SourcePlan(lines: lines, rows: Int64(summary.records))
    }

    public func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass {
        let resource = spec.resource
        var cursor = try resource.incremental.map { try IncrementalCursor(spec: $0, state: state, keyed: !resource.primaryKey.isEmpty) }
        let spool = try RecordSpool(label: label)
        self.spool = spool
        try parents?.reset()
        var dedupe = KeyDedupe(paths: resource.primaryKey)
        let children = ChildNeeds(spec.children)
        let started = Date()
        let summary = try await walk(cursor).run(page: spool.beginPage) { doc, range, index, shown in
            let key = try dedupe.key(doc, range) { ApiError.missingField(request: shown, index: index, path: $0, neededBy: "primary_key") }
            if let path = cursor?.spec.cursorPath {
                // Observed in place: a copy per record would copy its window of fingerprints too.
                let scalar = doc.locate(path, in: range).map(doc.scalar)
                let verdict = try cursor!.observe(scalar, key: key) { ApiError.badCursor(request: shown, index: index, path: path.description, detail: $0) }
                if verdict == .skip { return }
            }
            if let key, !dedupe.firstTime(key) { return }
            if let parents { try children.write(doc, range, index: index, shown: shown, to: parents) }
            try spool.append(doc.text(of: range))
            events.progress("download", spool.bytes, nil, Int64(spool.records))
        }
        events.phaseEnded("download")
        try spool.finish()
        try parents?.finish()
        events.detail("\(name): \(summary.pages) pages, \(summary.records) records in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; \(spool.records) kept")
        var notes: [String] = []
        if summary.stoppedAtMaxPages {
            notes.append("stopped at max_pages (\(resource.maxPages ?? 0)): more pages were left (next: \(summary.next.map(client.shown) ?? "?"))")
        }
        if dedupe.duplicates > 0 { events.detail("\(name): \(dedupe.duplicates) records seen twice in this run kept once (primary_key)") }
        if let c = cursor, c.skippedOld + c.skippedSeen > 0 {
            events.detail("\(name): skipped \(c.skippedOld) records before the start value and \(c.skippedSeen) already loaded in the lag window")
        }
        let newState = cursor?.state() ?? state
        if cursor?.windowTruncated == true {
            notes.append("the lag window held more than \(IncrementalCursor.windowLimit) records; only the newest are remembered, older ones in it may load again")
        }
        let identity = SourceIdentity(name: name, size: spool.bytes, sha256: "")
        guard spool.records > 0 else {
            let since = cursor?.startText.map { " since \($0)" } ?? ""
            return NothingToLoad(reason: "no new records\(since)", source: identity, report: SourceReport(warnings: notes))
        }
        return try await SpooledRecordsPass(spool: spool, options: jsonOptions, name: name, state: newState, notes: notes, events: events)
    }

    public func close() {
        spool?.remove()
        spool = nil
    }
}

/// Records seen twice in one run (offset pages shifting under an insert, the lag window) are
/// kept once, by the fingerprint of their primary key.
struct KeyDedupe {
    let paths: [JSONPath]
    private var seen: Set<KeyFingerprint> = []
    private(set) var duplicates = 0

    init(paths: [JSONPath]) { self.paths = paths }

    /// The record's key as text (each field's text, joined by 0x1F); nil without a primary key.
    func key(_ doc: JSONDocument, _ record: Range<Int>, missing: (String) -> Error) throws -> [UInt8]? {
        guard !paths.isEmpty else { return nil }
        var out: [UInt8] = []
        for (k, path) in paths.enumerated() {
            guard let r = doc.locate(path, in: record), doc.kind(of: r) != .null else { throw missing(path.description) }
            if k > 0 { out.append(0x1F) }
            out += doc.plainText(at: r).map { Array($0.utf8) } ?? Array(doc.text(of: r))
        }
        return out
    }

    mutating func firstTime(_ key: [UInt8]) -> Bool {
        if seen.insert(KeyFingerprint(key)).inserted { return true }
        duplicates += 1
        return false
    }
}

/// The parent fields every child needs, read from each parent record.
struct ChildNeeds {
    let params: [(String, JSONPath)]
    let fields: [(String, JSONPath)]

    init(_ children: [ApiChildSpec]) {
        var params: [(String, JSONPath)] = [], fields: [(String, JSONPath)] = []
        for c in children {
            for p in c.paramsFromParent where !params.contains(where: { $0.1 == p.1 }) { params.append((p.1.description, p.1)) }
            for f in c.parentFields where !fields.contains(where: { $0.1 == f.1 }) { fields.append((f.1.description, f.1)) }
        }
        self.params = params
        self.fields = fields
    }

    func write(_ doc: JSONDocument, _ record: Range<Int>, index: Int, shown: String, to parents: ParentRecords) throws {
        var p: [(String, String)] = [], f: [(String, ArraySlice<UInt8>)] = []
        for (name, path) in params {
            guard let r = doc.locate(path, in: record), let text = doc.plainText(at: r) else {
                throw ApiError.missingField(request: shown, index: index, path: path.description, neededBy: "a child resource")
            }
            p.append((name, text))
        }
        for (name, path) in fields {
            let r = doc.locate(path, in: record)
            f.append((name, r.map { doc.text(of: $0) } ?? ArraySlice(Array("null".utf8))))
        }
        try parents.append(params: p, fields: f)
    }
}
