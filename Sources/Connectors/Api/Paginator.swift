import Foundation
import JSON
import NIOHTTP1

/// The walk over an endpoint's pages: the first request, then from each page the next one
/// (nil: the last page). A next URL or cursor handed back a second time is an error, never a loop.
struct Paginator {
    let spec: PaginatorSpec
    private var offset = 0
    private var page = 0
    private var seen: Set<String> = []

    init(_ spec: PaginatorSpec) { self.spec = spec }

    mutating func first(_ request: ApiRequest) -> ApiRequest {
        seen.insert(request.url)
        switch spec {
        case let .offset(limit, offsetParam, limitParam, _, _):
            offset = 0
            return request.setting(offsetParam, to: "0").setting(limitParam, to: String(limit))
        case let .pageNumber(pageParam, start, _, _):
            page = start
            return request.setting(pageParam, to: String(start))
        default:
            return request
        }
    }

    /// The request for the page after `response`, which held `count` records; nil at the end.
    mutating func next(after request: ApiRequest, response: ApiResponse, page doc: JSONDocument, count: Int,
                       shown: String) throws -> ApiRequest? {
        switch spec {
        case .singlePage:
            return nil
        case .headerLink:
            guard let link = response.headers["link"].lazy.compactMap(Self.nextLink).first else { return nil }
            return try follow(link, from: request, shown: shown)
        case let .jsonLink(path):
            guard let r = doc.locate(path), let link = doc.plainText(at: r), !link.isEmpty else { return nil }
            return try follow(link, from: request, shown: shown)
        case let .cursor(cursorPath, cursorParam, hasMorePath):
            if let hasMorePath, doc.locate(hasMorePath).map(doc.scalar) != .bool(true) { return nil }
            guard let r = doc.locate(cursorPath), let cursor = doc.plainText(at: r), !cursor.isEmpty else { return nil }
            guard seen.insert("cursor:" + cursor).inserted else { throw ApiError.paginatorLoop(request: shown, what: "cursor '\(cursor)'") }
            return request.setting(cursorParam, to: cursor)
        case let .offset(limit, offsetParam, _, totalPath, stopAfterEmptyPage):
            let total = totalPath.flatMap { doc.locate($0) }.flatMap(doc.plainText).flatMap { Int($0) }
            if count == 0, stopAfterEmptyPage || total == nil { return nil }
            // By the records received, not the limit asked for: a server that caps the page size
            // below `limit` would otherwise have records skipped.
            offset += count > 0 ? count : limit
            if let total, offset >= total { return nil }
            return request.setting(offsetParam, to: String(offset))
        case let .pageNumber(pageParam, start, totalPagesPath, stopAfterEmptyPage):
            let totalPages = totalPagesPath.flatMap { doc.locate($0) }.flatMap(doc.plainText).flatMap { Int($0) }
            if count == 0, stopAfterEmptyPage || totalPages == nil { return nil }
            if let totalPages, page - start + 1 >= totalPages { return nil }
            page += 1
            return request.setting(pageParam, to: String(page))
        }
    }

    private mutating func follow(_ link: String, from request: ApiRequest, shown: String) throws -> ApiRequest {
        let url = URLQuery.resolve(link, against: request.url)
        guard seen.insert(url).inserted else {
            throw ApiError.paginatorLoop(request: shown, what: "next URL \(Self.withoutQuery(url))")
        }
        // A next link carries its own query; a POST's body goes with it.
        return ApiRequest(method: request.method, url: url, body: request.body)
    }

    private static func withoutQuery(_ url: String) -> String {
        url.firstIndex(of: "?").map { String(url[..<$0]) + "?…" } ?? url
    }

    /// The target of `rel="next"` in one `Link` header value (RFC 8288), if any.
    static func nextLink(_ header: String) -> String? {
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let target = String(rest[rest.index(after: open) ..< close])
            let params = rest[rest.index(after: close)...]
            let end = params.firstIndex(of: "<") ?? params.endIndex
            for param in params[..<end].split(separator: ";") {
                let parts = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, parts[0].lowercased() == "rel" else { continue }
                // `rel="next"` up to the comma before the next link; the value may list several.
                let rels = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\", \t")).lowercased().split(separator: " ")
                if rels.contains("next") { return target }
            }
            rest = params[end...]
        }
        return nil
    }
}
