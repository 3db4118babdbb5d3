import Columnar
import Foundation
import JSON

/// A child resource as a source: its endpoint fetched once per parent record the parent's
/// load kept (`concurrency` parents at once, each one's pages in order), the parent's fields
/// copied into the front of each child record, all typed together by the JSON reader.
public final class ApiChildSource: SchemaFollowing {
    public let spec: ApiSpec
    public let child: ApiChildSpec
    let client: ApiHTTPClient
    private let parents: ParentRecords
    private let label: String
    private var spool: RecordSpool?
    private var followed = FollowedSchema()

    public func follow(_ stored: Schema) { followed.follow(stored) }

    /// The JSON reader's options: the spec's, with the dataset's stored types when appending.
    var jsonOptions: JSONOptions { followed.options(spec.json) }

    public init(spec: ApiSpec, child: ApiChildSpec, label: String, client: ApiClient, parents: ParentRecords) {
        self.spec = spec
        self.child = child
        self.client = client.http
        self.parents = parents
        self.label = label
    }

    public var name: String { "api:" + ResourceWalk.join(spec.baseURL, child.path) }

    public func plan(state: JSONValue?) async throws -> SourcePlan? {
        SourcePlan(lines: ["dry run: \(child.datasetId) fetches \(name) once per record the parent loads"])
    }

    /// The first request for one parent: path placeholders from the parent, other parent
    /// values as query parameters.
    func request(for parent: ParentRecords.Entry) throws -> ApiRequest {
        // The resource's path_params first ({owner}/{repo}), then the parent's fields.
        var pathValues = spec.resource.pathParams, query = child.params
        for (name, path) in child.paramsFromParent {
            let value = parent.params[path.description] ?? ""
            if child.path.contains("{\(name)}") { pathValues[name] = value } else { query.append((name, value)) }
        }
        return ApiRequest(method: "GET", base: ResourceWalk.join(spec.baseURL, try ResourceWalk.fill(child.path, pathValues)), params: query)
    }

    public func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass {
        let spool = try RecordSpool(label: label)
        self.spool = spool
        let started = Date()
        var fetched = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            try await parents.forEach { parent in
                if running >= max(1, spec.concurrency) {
                    try await group.next()
                    running -= 1
                }
                let first = try request(for: parent)
                var prefix: [UInt8] = []
                for (column, path) in child.parentFields {
                    prefix += jsonString(column)
                    prefix.append(0x3A)
                    prefix += parent.fields[path.description] ?? ArraySlice(Array("null".utf8))
                    prefix.append(0x2C)
                }
                let walk = ResourceWalk(client: client, first: first, records: child.records, paginator: child.paginator, maxPages: child.maxPages)
                group.addTask {
                    _ = try await walk.run(page: spool.beginPage) { doc, range, _, _ in
                        try spool.append(doc.text(of: range), prefix: prefix)
                        events.progress("download", spool.bytes, nil, Int64(spool.records))
                    }
                }
                running += 1
                fetched += 1
            }
            try await group.waitForAll()
        }
        events.phaseEnded("download")
        try spool.finish()
        events.detail("\(child.datasetId): \(fetched) parents, \(spool.records) records in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        let identity = SourceIdentity(name: name, size: spool.bytes, sha256: "")
        guard spool.records > 0 else {
            return NothingToLoad(reason: fetched == 0 ? "no parent records were loaded" : "no records for \(fetched) parents", source: identity)
        }
        return try await SpooledRecordsPass(spool: spool, options: jsonOptions, name: name, state: nil, notes: [], events: events)
    }

    public func close() {
        spool?.remove()
        spool = nil
    }
}
