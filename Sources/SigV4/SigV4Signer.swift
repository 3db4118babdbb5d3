import Foundation

/// Access key, secret and optional session token. `description` never shows the secret or token.
public struct SigV4Credentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID; self.secretAccessKey = secretAccessKey; self.sessionToken = sessionToken
    }

    public var description: String { "credentials(access key \(accessKeyID.prefix(4))…, secret hidden)" }
}

/// A request to sign, described without any HTTP library: the raw path (not yet encoded),
/// raw query parameters, and the headers that will be sent (including `host`).
public struct SigV4Request: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var payloadHash: String

    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)], payloadHash: String) {
        self.method = method; self.path = path; self.query = query; self.headers = headers; self.payloadHash = payloadHash
    }
}

/// Signs requests for one service and region, composing the stages in `SigV4`.
public struct SigV4Signer: Sendable {
    public var credentials: SigV4Credentials
    public var region: String
    public var service: String
    /// S3 adds `x-amz-content-sha256` to every signed request; other services do not.
    public var addsContentSHA256: Bool

    public init(credentials: SigV4Credentials, region: String, service: String = "s3") {
        self.credentials = credentials; self.region = region; self.service = service
        self.addsContentSHA256 = service == "s3"
    }

    /// What the signer computed, kept for tests and debugging (never put in error messages).
    public struct Signed: Sendable {
        /// Headers to add to the request (`x-amz-date`, `x-amz-content-sha256`, token, `authorization`).
        public var headers: [(name: String, value: String)]
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var authorization: String
    }

    /// Header-based signing: returns the headers to add to `request.headers`.
    public func sign(_ request: SigV4Request, at date: Date) -> Signed {
        let (timestamp, day) = SigV4.timestamp(date)
        var added: [(name: String, value: String)] = [("x-amz-date", timestamp)]
        if addsContentSHA256 && !request.headers.contains(where: { $0.name.lowercased() == "x-amz-content-sha256" }) {
            added.append(("x-amz-content-sha256", request.payloadHash))
        }
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        let all = request.headers.filter { $0.name.lowercased() != "x-amz-date" && $0.name.lowercased() != "authorization" } + added
        let uri = SigV4Encoding.canonicalURI(path: request.path)
        let (creq, signedHeaders) = SigV4.canonicalRequest(
            method: request.method, canonicalURI: uri, canonicalQuery: SigV4.canonicalQuery(request.query),
            headers: all, payloadHash: request.payloadHash)
        let scope = SigV4.scope(date: day, region: region, service: service)
        let sts = SigV4.stringToSign(canonicalRequest: creq, timestamp: timestamp, scope: scope)
        let key = SigV4.signingKey(secret: credentials.secretAccessKey, date: day, region: region, service: service)
        let signature = SigV4.signature(signingKey: key, stringToSign: sts)
        let authorization = "\(SigV4.algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        added.append(("authorization", authorization))
        return Signed(headers: added, canonicalRequest: creq, stringToSign: sts, signature: signature, authorization: authorization)
    }

    /// Query-string signing (a presigned URL). Only `host` (and any `signedHeaders` given) is
    /// signed; the payload is `UNSIGNED-PAYLOAD` (S3's rule; other services such as rds-db sign
    /// the empty body's hash). Returns the full query, encoded, ending with
    /// `X-Amz-Signature`; append it to `scheme://host` + `SigV4Encoding.canonicalURI(path)`.
    public func presignedQuery(method: String, host: String, path: String, query: [(name: String, value: String)] = [],
                               signedHeaders extra: [(name: String, value: String)] = [],
                               payloadHash: String = SigV4.unsignedPayload,
                               expires: Int, at date: Date) -> (query: String, signature: String) {
        let (timestamp, day) = SigV4.timestamp(date)
        let scope = SigV4.scope(date: day, region: region, service: service)
        let headers = [("host", host)] + extra
        let signedNames = SigV4.canonicalHeaders(headers).signed
        var params = query
        params.append(("X-Amz-Algorithm", SigV4.algorithm))
        params.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"))
        params.append(("X-Amz-Date", timestamp))
        params.append(("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken { params.append(("X-Amz-Security-Token", token)) }
        params.append(("X-Amz-SignedHeaders", signedNames))
        let cq = SigV4.canonicalQuery(params)
        let (creq, _) = SigV4.canonicalRequest(method: method, canonicalURI: SigV4Encoding.canonicalURI(path: path),
                                               canonicalQuery: cq, headers: headers, payloadHash: payloadHash)
        let sts = SigV4.stringToSign(canonicalRequest: creq, timestamp: timestamp, scope: scope)
        let key = SigV4.signingKey(secret: credentials.secretAccessKey, date: day, region: region, service: service)
        let signature = SigV4.signature(signingKey: key, stringToSign: sts)
        return (cq + "&X-Amz-Signature=" + signature, signature)
    }

    /// A presigned URL for `scheme://host/path`.
    public func presignedURL(method: String, scheme: String = "https", host: String, path: String,
                             query: [(name: String, value: String)] = [], expires: Int, at date: Date) -> String {
        let (q, _) = presignedQuery(method: method, host: host, path: path, query: query, expires: expires, at: date)
        return "\(scheme)://\(host)\(SigV4Encoding.canonicalURI(path: path))?\(q)"
    }
}
