import Columnar
import Foundation
import JSON

/// A REST API pipeline's `api:` block, checked: where the records are, how to authenticate,
/// page and resume. The config's keys are documented in the README.
public struct ApiSpec: Sendable {
    public var baseURL: String
    public var headers: [(String, String)] = []
    public var auth: ApiAuth = .none
    public var timeoutSeconds: Double = 30
    /// Attempts after the first for 429, 5xx and dropped connections.
    public var maxRetries = 5
    public var initialBackoffSeconds: Double = 1
    public var maxBackoffSeconds: Double = 60
    /// Client-side limit shared by every request of the pipeline (children too).
    public var requestsPerSecond: Double?
    public var resource: ApiResource
    public var children: [ApiChildSpec] = []
    /// Children fetched at once (parent pages go in order).
    public var concurrency = 4
    /// Records become rows as a JSON file's do: `flatten`, `schema`, the type options.
    public var json = JSONOptions()
    /// Values the config took from `${VAR}` (in params, headers, the URL…), with the text as
    /// written: messages show `${VAR}`, never the value.
    public var variables: [(value: String, written: String)] = []

    public init(baseURL: String, resource: ApiResource) {
        self.baseURL = baseURL
        self.resource = resource
    }
}

/// One endpoint's records and how to walk its pages.
public struct ApiResource: Sendable {
    /// `/repos/{owner}/{repo}/issues`; `{name}` is filled from `pathParams` (or a parent record).
    public var path: String
    public var pathParams: [String: String] = [:]
    public var method = "GET"
    /// POST's JSON body.
    public var jsonBody: JSONValue?
    public var params: [(String, String)] = []
    /// Where the array of records is in each page.
    public var records: JSONPath
    public var paginator: PaginatorSpec = .singlePage
    public var maxPages: Int?
    public var incremental: IncrementalSpec?
    /// Paths to the fields that identify a record; records seen twice in a run are kept once.
    public var primaryKey: [JSONPath] = []

    public init(path: String, records: JSONPath) {
        self.path = path
        self.records = records
    }
}

/// How the next page is found.
public enum PaginatorSpec: Sendable, Equatable {
    /// RFC 8288 `Link: <…>; rel="next"`.
    case headerLink
    /// The next page's URL in the body.
    case jsonLink(nextURLPath: JSONPath)
    /// A value in the body sent back as a query parameter (Stripe, Slack).
    case cursor(cursorPath: JSONPath, cursorParam: String, hasMorePath: JSONPath?)
    /// `offset`/`limit` parameters; the offset moves by the records each page held.
    case offset(limit: Int, offsetParam: String, limitParam: String, totalPath: JSONPath?, stopAfterEmptyPage: Bool)
    case pageNumber(pageParam: String, start: Int, totalPagesPath: JSONPath?, stopAfterEmptyPage: Bool)
    case singlePage

    public var name: String {
        switch self {
        case .headerLink: return "header_link"
        case .jsonLink: return "json_link"
        case .cursor: return "cursor"
        case .offset: return "offset"
        case .pageNumber: return "page_number"
        case .singlePage: return "single_page"
        }
    }
}

/// Resuming where the last published load stopped.
public struct IncrementalSpec: Sendable {
    /// A field of each record: a timestamp, a date or an integer.
    public var cursorPath: JSONPath
    /// The query parameter that gets the start value.
    public var param: String
    public var initialValue: String?
    /// Start this far before the last value (timestamps): late writes are fetched again.
    public var lagSeconds: Double = 0
    /// A record without a comparable cursor value: an error (default) or loaded anyway.
    public var includeMissingCursor = false

    public init(cursorPath: JSONPath, param: String) {
        self.cursorPath = cursorPath
        self.param = param
    }
}

/// One more dataset, fetched once per parent record.
public struct ApiChildSpec: Sendable {
    public var datasetId: String
    public var path: String
    /// Child path or query parameter ← a field of the parent record.
    public var paramsFromParent: [(String, JSONPath)] = []
    public var params: [(String, String)] = []
    public var records: JSONPath
    public var paginator: PaginatorSpec = .singlePage
    public var maxPages: Int?
    /// Child column ← a field of the parent record, copied into each child row.
    public var parentFields: [(String, JSONPath)] = []

    public init(datasetId: String, path: String, records: JSONPath) {
        self.datasetId = datasetId
        self.path = path
        self.records = records
    }
}
