import Foundation
import JSON

/// One endpoint's pages, fetched in order: each page is checked as JSON, its records found at
/// the `records` path and handed on one by one, and the paginator asked for the next page.
struct ResourceWalk {
    let client: ApiHTTPClient
    let first: ApiRequest
    let records: JSONPath
    let paginator: PaginatorSpec
    let maxPages: Int?

    /// What a walk did.
    struct Summary {
        var pages = 0
        var records = 0
        /// `max_pages` stopped it while the paginator had a next page.
        var stoppedAtMaxPages = false
        /// What the paginator would have requested next (dry runs say it).
        var next: ApiRequest?
    }

    /// `page(request)` before each page's records; `record(page, range, index, request)` for each.
    func run(pages limit: Int? = nil, page: (String) -> Void = { _ in },
             record: (JSONDocument, Range<Int>, Int, String) throws -> Void) async throws -> Summary {
        var summary = Summary()
        var walker = Paginator(paginator)
        var request: ApiRequest? = walker.first(first)
        while let current = request {
            if let cap = limit ?? maxPages, summary.pages >= cap {
                summary.stoppedAtMaxPages = limit == nil
                summary.next = current
                break
            }
            try Task.checkCancellation()
            let shown = client.shown(current)
            let response = try await client.send(current)
            let doc: JSONDocument
            do { doc = try JSONDocument(response.body) } catch let e as JSONSyntaxError {
                throw ApiError.invalidBody(request: shown, detail: e.description)
            }
            let items = try Self.records(in: doc, at: records, shown: shown)
            page(shown)
            for (k, range) in items.enumerated() {
                guard doc.kind(of: range) == .object else {
                    throw ApiError.notAnObject(request: shown, index: k, found: Self.describe(doc.kind(of: range)))
                }
                try record(doc, range, k, shown)
            }
            summary.pages += 1
            summary.records += items.count
            request = try walker.next(after: current, response: response, page: doc, count: items.count, shown: shown)
        }
        return summary
    }

    /// The records of a page: the array at `path`; an object there is one record, null none.
    static func records(in doc: JSONDocument, at path: JSONPath, shown: String) throws -> [Range<Int>] {
        guard let at = doc.locate(path) else {
            throw ApiError.recordsNotFound(request: shown, path: path.description, found: "no such field")
        }
        switch doc.kind(of: at) {
        case .array: return doc.elements(of: at)
        case .object where !path.isRoot: return [at]
        case .null: return []
        case let k: throw ApiError.recordsNotFound(request: shown, path: path.description, found: describe(k))
        }
    }

    static func describe(_ kind: JSONDocument.Kind) -> String {
        switch kind {
        case .object: return "an object"
        case .array: return "a list"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// `path` with each `{name}` replaced by its value, percent-encoded as one path segment.
    static func fill(_ path: String, _ values: [String: String]) throws -> String {
        var out = ""
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open) ..< close])
            guard let value = values[name] else {
                throw ApiError.invalidConfig("path '\(path)' names {\(name)}, which no path_params (or params_from_parent) gives")
            }
            out += rest[..<open] + URLQuery.encode(value)
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// `base_url` and a path joined with exactly one slash.
    static func join(_ base: String, _ path: String) -> String {
        if path.contains("://") { return path }
        let b = base.hasSuffix("/") ? String(base.dropLast()) : base
        return path.isEmpty ? b : b + (path.hasPrefix("/") ? path : "/" + path)
    }
}
