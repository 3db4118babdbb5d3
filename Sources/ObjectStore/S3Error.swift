import Foundation

/// A failed S3 operation. The text names the store, key, HTTP status, S3 error code and
/// request id, and never holds credentials or signatures: messages pass through `redact`.
public struct S3Error: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// Wrong access key or secret (InvalidAccessKeyId, SignatureDoesNotMatch, …).
        case authentication
        /// Valid credentials without permission (AccessDenied).
        case accessDenied
        /// RequestTimeTooSkewed: the local clock is off.
        case clockSkew
        case noSuchBucket
        case notFound
        /// Throttling that outlived every retry.
        case throttled
        /// 5xx that outlived every retry.
        case server
        /// Other 4xx.
        case client
        /// The connection failed (refused, reset, timed out, TLS).
        case transport
        /// A response that does not make sense (bad XML, wrong length).
        case protocolViolation
    }

    public var kind: Kind
    public var operation: String
    public var bucket: String
    public var key: String?
    public var status: Int?
    public var code: String?
    public var message: String?
    public var requestID: String?
    public var attempts: Int

    /// Authentication and permission failures (the CLI's exit code 4).
    public var isAuthFailure: Bool { kind == .authentication || kind == .accessDenied }

    public var description: String {
        var where_ = "s3://\(bucket)"
        if let key { where_ += "/\(key)" }
        var text = "\(where_): \(operation) failed"
        if let status { text += ": HTTP \(status)" }
        if let code { text += " \(code)" }
        if let message, !message.isEmpty { text += ": \(message)" }
        var notes: [String] = []
        if let requestID { notes.append("request id \(requestID)") }
        if attempts > 1 { notes.append("after \(attempts) attempts") }
        if !notes.isEmpty { text += " (" + notes.joined(separator: ", ") + ")" }
        if let hint { text += ". " + hint }
        return text
    }

    var hint: String? {
        switch kind {
        case .authentication:
            return "Check the access key and secret (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or MINIO_ACCESS_KEY/MINIO_SECRET_KEY) and the region"
        case .accessDenied: return "The credentials are valid but lack permission for this bucket or key"
        case .clockSkew: return "The local clock differs too much from the server's: check the system clock (NTP)"
        case .noSuchBucket: return "Create the bucket or fix the store URL"
        default: return nil
        }
    }

    static func kind(status: Int, code: String?) -> Kind {
        switch code {
        case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "TokenRefreshRequired",
             "AuthorizationHeaderMalformed", "InvalidSecurity", "UnrecognizedClientException", "InvalidClientTokenId":
            return .authentication
        case "AccessDenied", "AllAccessDisabled", "AccountProblem": return .accessDenied
        case "RequestTimeTooSkewed": return .clockSkew
        case "NoSuchBucket": return .noSuchBucket
        case "NoSuchKey": return .notFound
        default: break
        }
        if let code, RetryPolicy.retryableCodes.contains(code), status < 500 { return .throttled }
        switch status {
        case 401: return .authentication
        case 403: return .accessDenied
        case 404: return .notFound
        case 429: return .throttled
        case 500...: return status == 503 ? .throttled : .server
        default: return .client
        }
    }

    /// Removes secrets, tokens, access key ids and anything shaped like a signature.
    static func redact(_ text: String, secrets: [String]) -> String {
        var out = text
        for s in secrets where s.count >= 4 { out = out.replacingOccurrences(of: s, with: "<redacted>") }
        // 64 hex digits in a row is a SigV4 signature (or a hash of one).
        var result = ""
        var run = ""
        func flush() { result += run.count >= 64 ? "<redacted>" : run; run = "" }
        for ch in out {
            if ch.isHexDigit { run.append(ch) } else { flush(); result.append(ch) }
        }
        flush()
        return result
    }
}
