import Foundation
import NIOHTTP1

/// What went wrong loading an API. URLs in messages have their secrets blanked out.
public enum ApiError: ClassifiedError, CustomStringConvertible {
    /// A status that is not retried (4xx but 429), or a retried one after the last attempt.
    case httpStatus(request: String, status: Int, attempts: Int, body: String)
    /// The connection failed or dropped, after the last attempt.
    case network(request: String, attempts: Int, detail: String)
    /// The token endpoint refused the client or answered without a token.
    case token(url: String, detail: String)
    /// A page that is not JSON.
    case invalidBody(request: String, detail: String)
    /// The records are not where `records` says.
    case recordsNotFound(request: String, path: String, found: String)
    case notAnObject(request: String, index: Int, found: String)
    /// A paginator that hands back a next page it already gave.
    case paginatorLoop(request: String, what: String)
    /// A record whose incremental cursor is absent or not comparable.
    case badCursor(request: String, index: Int, path: String, detail: String)
    /// A field the run needs (a primary key, a child's parent field) is missing.
    case missingField(request: String, index: Int, path: String, neededBy: String)
    case invalidConfig(String)

    public var errorClass: ErrorClass {
        switch self {
        case .httpStatus, .network, .token: return .remote
        case .invalidBody, .notAnObject, .badCursor, .missingField: return .badData
        case .recordsNotFound, .paginatorLoop, .invalidConfig: return .usage
        }
    }

    public var description: String {
        switch self {
        case let .httpStatus(request, status, attempts, body):
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
            return "\(request): HTTP \(status) \(reason)\(tries)" + (body.isEmpty ? "" : ": \(body)")
        case let .network(request, attempts, detail):
            return "\(request): \(detail)" + (attempts > 1 ? " (after \(attempts) attempts)" : "")
        case let .token(url, detail):
            return "OAuth2 token from \(url): \(detail)"
        case let .invalidBody(request, detail):
            return "\(request): the response is not valid JSON (\(detail))"
        case let .recordsNotFound(request, path, found):
            return "\(request): no array of records at '\(path)' (records:) in the response, found \(found)"
        case let .notAnObject(request, index, found):
            return "\(request): record \(index + 1) of the page is \(found), not an object"
        case let .paginatorLoop(request, what):
            return "\(request): the paginator handed back \(what) a second time; stopping instead of looping (check the paginator's settings)"
        case let .badCursor(request, index, path, detail):
            return "\(request): record \(index + 1) of the page: incremental cursor '\(path)' \(detail) (on_missing_cursor: include loads such records)"
        case let .missingField(request, index, path, neededBy):
            return "\(request): record \(index + 1) of the page has no '\(path)', which \(neededBy) needs"
        case let .invalidConfig(message):
            return message
        }
    }
}
