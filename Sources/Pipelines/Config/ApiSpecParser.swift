import Columnar
import Connectors
import Foundation
import JSON
import Lake

/// `kind: api`: the `api:` block, checked key by key (README "REST APIs").
extension PipelineSpec {
    static let apiKeys = ["base_url", "headers", "auth", "timeout_seconds", "max_retries", "initial_backoff_seconds", "max_backoff_seconds",
                          "requests_per_second", "resource", "children", "concurrency", "flatten", "schema", "decimals", "date_order"]
    static let authKeys = ["type", "token", "name", "value", "location", "username", "password", "token_url", "client_id",
                           "client_secret", "scope", "auth_style"]
    static let resourceKeys = ["path", "path_params", "method", "json_body", "params", "records", "paginator", "max_pages",
                               "incremental", "primary_key"]
    static let paginatorKeys = ["type", "next_url_path", "cursor_path", "cursor_param", "has_more_path", "limit", "offset_param",
                                "limit_param", "total_path", "stop_after_empty_page", "page_param", "start", "total_pages_path"]
    static let incrementalKeys = ["cursor_path", "param", "initial_value", "lag_seconds", "on_missing_cursor"]
    static let childKeys = ["dataset_id", "path", "params_from_parent", "params", "records", "paginator", "max_pages", "parent_fields"]

    static func apiSource(_ map: ConfigMap) throws -> ApiSpec {
        guard let api = try map.map("api", known: apiKeys) else { throw map.fail(nil, "kind api needs an 'api:' block with 'base_url' and 'resource'") }
        guard let base = try api.nonEmpty("base_url") else { throw api.fail(nil, "missing required key 'base_url'") }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw api.failValue("base_url", "'base_url' must start with http:// or https:// (got '\(base)')")
        }
        guard let r = try api.map("resource", known: resourceKeys) else { throw api.fail(nil, "missing required key 'resource'") }
        var spec = ApiSpec(baseURL: base, resource: try resource(r))
        spec.headers = try api.stringPairs("headers") ?? []
        spec.variables = api.variableValues()
        spec.auth = try auth(api)
        spec.timeoutSeconds = try positive(api, "timeout_seconds") ?? spec.timeoutSeconds
        spec.maxRetries = try api.int("max_retries") ?? spec.maxRetries
        guard spec.maxRetries >= 0 else { throw api.fail("max_retries", "'max_retries' must be 0 or more") }
        spec.initialBackoffSeconds = try positive(api, "initial_backoff_seconds") ?? spec.initialBackoffSeconds
        spec.maxBackoffSeconds = try positive(api, "max_backoff_seconds") ?? spec.maxBackoffSeconds
        spec.requestsPerSecond = try positive(api, "requests_per_second")
        spec.concurrency = try api.int("concurrency") ?? spec.concurrency
        guard spec.concurrency >= 1 else { throw api.fail("concurrency", "'concurrency' must be 1 or more") }
        spec.json = try jsonOptions(api)
        var seen: Set<String> = []
        for c in try api.maps("children", known: childKeys) ?? [] {
            let child = try self.child(c, pathParams: spec.resource.pathParams)
            guard seen.insert(child.datasetId).inserted else { throw c.fail("dataset_id", "two children load dataset '\(child.datasetId)'") }
            spec.children.append(child)
        }
        return spec
    }

    private static func positive(_ map: ConfigMap, _ key: String) throws -> Double? {
        guard let v = try map.double(key) else { return nil }
        guard v > 0 else { throw map.fail(key, "'\(key)' must be more than 0") }
        return v
    }

    private static func path(_ map: ConfigMap, _ key: String) throws -> JSONPath? {
        guard let text = try map.string(key) else { return nil }
        do { return try JSONPath(text) } catch let e as JSONPathError { throw map.fail(key, "'\(key)': \(e)") }
    }

    private static func requiredPath(_ map: ConfigMap, _ key: String, _ what: String) throws -> JSONPath {
        guard let p = try path(map, key) else { throw map.fail(nil, "\(what) needs '\(key)'") }
        return p
    }

    private static func jsonOptions(_ api: ConfigMap) throws -> JSONOptions {
        var s = CSVSettings()
        s.decimals = try api.string("decimals") ?? s.decimals
        s.dateOrder = try api.string("date_order") ?? s.dateOrder
        var o = JSONOptions()
        do {
            s.schema = try schema(api)
            try s.validate()
            o.inference = try s.inferenceOptions()
        } catch let e as InvalidSetting {
            throw api.failValue(e.setting, "'\(e.setting)' \(e.message)")
        }
        o.flatten = try api.bool("flatten") ?? false
        return o
    }

    private static func auth(_ api: ConfigMap) throws -> ApiAuth {
        guard let a = try api.map("auth", known: authKeys) else { return .none }
        let type = try a.requiredString("type")
        func need(_ key: String) throws -> String {
            guard let v = try a.nonEmpty(key) else { throw a.fail(nil, "auth type \(type) needs '\(key)'") }
            return v
        }
        switch type {
        case "bearer": return .bearer(token: try need("token"))
        case "api_key":
            let location = try a.string("location") ?? "header"
            guard location == "header" || location == "query" else { throw a.fail("location", "'location' must be header or query") }
            return .apiKey(name: try need("name"), value: try need("value"), inQuery: location == "query")
        case "basic": return .basic(username: try need("username"), password: try a.string("password") ?? "")
        case "oauth2_client_credentials":
            var o = OAuth2ClientCredentials(tokenURL: try need("token_url"), clientId: try need("client_id"), clientSecret: try need("client_secret"))
            o.scope = try a.nonEmpty("scope")
            let style = try a.string("auth_style") ?? "basic"
            guard style == "basic" || style == "body" else { throw a.fail("auth_style", "'auth_style' must be basic or body") }
            o.basicAuthStyle = style == "basic"
            return .oauth2(o)
        default:
            let known = ["bearer", "api_key", "basic", "oauth2_client_credentials"]
            let hint = nearest(type, in: known).map { "did you mean '\($0)'? " } ?? ""
            throw a.fail("type", "unknown auth type '\(type)' (\(hint)types: \(known.joined(separator: ", ")))")
        }
    }

    private static func resource(_ r: ConfigMap) throws -> ApiResource {
        guard let p = try r.nonEmpty("path") else { throw r.fail(nil, "missing required key 'path'") }
        var res = ApiResource(path: p, records: try path(r, "records") ?? JSONPath("$"))
        res.pathParams = Dictionary(try r.stringPairs("path_params") ?? []) { a, _ in a }
        for name in placeholders(p) where res.pathParams[name] == nil {
            throw r.fail("path", "path '\(p)' names {\(name)}, which path_params does not give")
        }
        res.method = (try r.string("method") ?? "GET").uppercased()
        guard res.method == "GET" || res.method == "POST" else { throw r.fail("method", "'method' must be GET or POST") }
        res.jsonBody = try r.json("json_body")
        if res.jsonBody != nil, res.method != "POST" { throw r.fail("json_body", "'json_body' goes with method: POST") }
        res.params = try r.stringPairs("params") ?? []
        res.paginator = try paginator(r)
        res.maxPages = try r.int("max_pages")
        if let m = res.maxPages, m < 1 { throw r.fail("max_pages", "'max_pages' must be 1 or more") }
        res.primaryKey = try (r.stringList("primary_key") ?? []).map { text in
            do { return try JSONPath(text) } catch let e as JSONPathError { throw r.fail("primary_key", "'primary_key': \(e)") }
        }
        if let i = try r.map("incremental", known: incrementalKeys) {
            var inc = IncrementalSpec(cursorPath: try requiredPath(i, "cursor_path", "incremental"),
                                      param: try i.nonEmpty("param") ?? { throw i.fail(nil, "incremental needs 'param' (the query parameter that gets the start value)") }())
            inc.initialValue = try i.nonEmpty("initial_value")
            inc.lagSeconds = try i.double("lag_seconds") ?? 0
            guard inc.lagSeconds >= 0 else { throw i.fail("lag_seconds", "'lag_seconds' must be 0 or more") }
            let missing = try i.string("on_missing_cursor") ?? "fail"
            guard missing == "fail" || missing == "include" else { throw i.fail("on_missing_cursor", "'on_missing_cursor' must be fail or include") }
            inc.includeMissingCursor = missing == "include"
            res.incremental = inc
        }
        return res
    }

    private static func paginator(_ r: ConfigMap) throws -> PaginatorSpec {
        guard let p = try r.map("paginator", known: paginatorKeys) else { return .singlePage }
        let type = try p.requiredString("type")
        switch type {
        case "header_link": return .headerLink
        case "json_link": return .jsonLink(nextURLPath: try requiredPath(p, "next_url_path", "paginator json_link"))
        case "cursor":
            guard let param = try p.nonEmpty("cursor_param") else { throw p.fail(nil, "paginator cursor needs 'cursor_param'") }
            return .cursor(cursorPath: try requiredPath(p, "cursor_path", "paginator cursor"), cursorParam: param,
                           hasMorePath: try path(p, "has_more_path"))
        case "offset":
            guard let limit = try p.int("limit"), limit > 0 else { throw p.fail("limit", "paginator offset needs 'limit' (the page size, 1 or more)") }
            return .offset(limit: limit, offsetParam: try p.nonEmpty("offset_param") ?? "offset", limitParam: try p.nonEmpty("limit_param") ?? "limit",
                           totalPath: try path(p, "total_path"), stopAfterEmptyPage: try p.bool("stop_after_empty_page") ?? true)
        case "page_number":
            return .pageNumber(pageParam: try p.nonEmpty("page_param") ?? "page", start: try p.int("start") ?? 1,
                               totalPagesPath: try path(p, "total_pages_path"), stopAfterEmptyPage: try p.bool("stop_after_empty_page") ?? true)
        case "single_page": return .singlePage
        default:
            let known = ["header_link", "json_link", "cursor", "offset", "page_number", "single_page"]
            let hint = nearest(type, in: known).map { "did you mean '\($0)'? " } ?? ""
            throw p.fail("type", "unknown paginator type '\(type)' (\(hint)types: \(known.joined(separator: ", ")))")
        }
    }

    /// `pathParams`: the resource's, which fill a child path's other placeholders ({owner}).
    private static func child(_ c: ConfigMap, pathParams: [String: String]) throws -> ApiChildSpec {
        guard let id = try c.nonEmpty("dataset_id") else { throw c.fail(nil, "a child needs 'dataset_id'") }
        do { _ = try DatasetID(id) } catch { throw c.fail("dataset_id", "\(error)") }
        guard let p = try c.nonEmpty("path") else { throw c.fail(nil, "a child needs 'path'") }
        var child = ApiChildSpec(datasetId: id, path: p, records: try path(c, "records") ?? JSONPath("$"))
        child.params = try c.stringPairs("params") ?? []
        child.paramsFromParent = try pathPairs(c, "params_from_parent")
        child.parentFields = try pathPairs(c, "parent_fields")
        child.paginator = try paginator(c)
        child.maxPages = try c.int("max_pages")
        for name in placeholders(p) where pathParams[name] == nil && !child.paramsFromParent.contains(where: { $0.0 == name }) {
            throw c.fail("path", "path '\(p)' names {\(name)}, which neither params_from_parent nor the resource's path_params gives")
        }
        return child
    }

    private static func pathPairs(_ map: ConfigMap, _ key: String) throws -> [(String, JSONPath)] {
        try (map.stringPairs(key) ?? []).map { name, text in
            do { return (name, try JSONPath(text)) } catch let e as JSONPathError { throw map.fail(key, "'\(key).\(name)': \(e)") }
        }
    }

    static func placeholders(_ path: String) -> [String] {
        var out: [String] = []
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.append(String(rest[rest.index(after: open) ..< close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }
}
