/// Everything that can go wrong between `config/domo_datasets.yaml` and a spooled DOMO export.
///
/// No case ever carries the client secret or an access token: the client id appears only as
/// its first four characters, and every text taken from a server body or a transport error is
/// passed through `SecretRedactor` before it lands here.
public enum DomoError: Error, CustomStringConvertible, Sendable {
    /// The YAML config is malformed or breaks a rule; `line` is 1-based.
    case invalidConfig(file: String, line: Int?, entry: String?, message: String)
    /// `DOMO_CLIENT_ID` / `DOMO_CLIENT_SECRET` missing or empty.
    case missingCredentials(variables: [String])
    /// `DOMO_API_HOST` is not an http(s) URL.
    case invalidHost(String)
    /// 401, or a 406 with an HTML body, after one token renewal; or the token endpoint refused the client.
    case authenticationFailed(clientIdPrefix: String, status: Int)
    /// 403: the client lacks the `data` scope or the dataset is not shared with it.
    case permissionDenied(clientIdPrefix: String, what: String, detail: String)
    /// 404 on a dataset's metadata or export.
    case datasetNotFound(datasetId: String)
    /// A status that was retried (429, 5xx) and still failed on the last attempt, or one we do not handle.
    case httpStatus(what: String, status: Int, attempts: Int, detail: String)
    /// Connect/read failures that persisted through every attempt.
    case network(what: String, attempts: Int, detail: String)
    /// No byte arrived for `seconds` (data idle timeout) or the request missed its deadline (auth, metadata).
    case timedOut(what: String, seconds: Double, attempts: Int)
    /// The export stopped before its end (short body or a cut chunked stream) on every attempt.
    case exportInterrupted(datasetId: String, receivedBytes: Int64, expectedBytes: Int64?, attempts: Int, detail: String)
    /// A 2xx answer we cannot use (bad JSON, an HTML page instead of CSV...).
    case invalidResponse(what: String, detail: String)
    /// The export's header row disagrees with the metadata's column list.
    case headerMismatch(datasetId: String, message: String)
    /// The metadata or a config override names something we cannot map.
    case schema(datasetId: String, message: String)
    /// The local spool file could not be written.
    case spool(path: String, detail: String)

    /// True when DOMO (or the network to it) failed: the CLI exits 4. False for local
    /// problems (config, credentials, disk): exit 2.
    public var isRemote: Bool {
        switch self {
        case .invalidConfig, .missingCredentials, .invalidHost, .spool: return false
        case .schema: return false
        case .authenticationFailed, .permissionDenied, .datasetNotFound, .httpStatus, .network, .timedOut,
             .exportInterrupted, .invalidResponse, .headerMismatch:
            return true
        }
    }

    public var description: String {
        switch self {
        case let .invalidConfig(file, line, entry, message):
            var where_ = file
            if let line { where_ += ":\(line)" }
            if let entry { where_ += " (dataset \"\(entry)\")" }
            return "\(where_): \(message)"
        case let .missingCredentials(variables):
            return "DOMO credentials missing: set \(variables.joined(separator: " and ")) in the environment or .env"
        case let .invalidHost(host):
            return "DOMO_API_HOST \"\(host)\" is not an http:// or https:// URL"
        case let .authenticationFailed(prefix, status):
            return "DOMO authentication failed (client id \(prefix)…, HTTP \(status)): check DOMO_CLIENT_ID and DOMO_CLIENT_SECRET"
        case let .permissionDenied(prefix, what, detail):
            return "DOMO refused \(what) (HTTP 403) for client id \(prefix)…: the client needs the 'data' scope and access to the dataset"
                + (detail.isEmpty ? "" : " (\(detail))")
        case let .datasetNotFound(id):
            return "DOMO dataset \(id) not found"
        case let .httpStatus(what, status, attempts, detail):
            return "DOMO \(what) failed with HTTP \(status) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
                + (detail.isEmpty ? "" : ": \(detail)")
        case let .network(what, attempts, detail):
            return "DOMO \(what) failed after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(detail)"
        case let .timedOut(what, seconds, attempts):
            return "DOMO \(what) timed out (\(formatSeconds(seconds)) s without progress) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        case let .exportInterrupted(id, received, expected, attempts, detail):
            let of = expected.map { " of \($0)" } ?? ""
            return "DOMO export of dataset \(id) was cut off after \(received)\(of) bytes on attempt \(attempts); nothing was kept"
                + (detail.isEmpty ? "" : " (\(detail))")
        case let .invalidResponse(what, detail):
            return "DOMO \(what) returned an unusable response: \(detail)"
        case let .headerMismatch(_, message):
            return message
        case let .schema(_, message):
            return message
        case let .spool(path, detail):
            return "cannot write DOMO export spool \(path): \(detail)"
        }
    }
}

private func formatSeconds(_ s: Double) -> String {
    s == s.rounded() ? String(Int(s)) : String(s)
}
