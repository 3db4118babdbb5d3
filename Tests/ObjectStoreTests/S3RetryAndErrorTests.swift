import Foundation
import Testing
@testable import ObjectStore

@Suite struct S3RetryAndErrorTests {
    @Test func standardModeClassification() {
        for status in [500, 502, 503, 504] { #expect(RetryPolicy.isRetryable(status: status, code: nil)) }
        #expect(RetryPolicy.isRetryable(status: 503, code: "SlowDown"))
        #expect(RetryPolicy.isRetryable(status: 400, code: "RequestTimeout"))
        #expect(RetryPolicy.isRetryable(status: 200, code: "InternalError"))
        for (status, code) in [(400, "InvalidRequest"), (403, "SignatureDoesNotMatch"), (403, "AccessDenied"),
                               (404, "NoSuchKey"), (403, "RequestTimeTooSkewed"), (409, "BucketNotEmpty")] {
            #expect(!RetryPolicy.isRetryable(status: status, code: code), "\(status) \(code)")
        }
    }

    @Test func backoffIsExponentialCappedAndJittered() {
        let p = RetryPolicy(maxAttempts: 5, baseDelay: .seconds(1), maxBackoff: .seconds(20))
        #expect(p.backoffCeiling(retry: 1) == .seconds(1))
        #expect(p.backoffCeiling(retry: 2) == .seconds(2))
        #expect(p.backoffCeiling(retry: 4) == .seconds(8))
        #expect(p.backoffCeiling(retry: 6) == .seconds(20))
        #expect(p.backoffCeiling(retry: 60) == .seconds(20))
        var rng = SystemRandomNumberGenerator()
        let delays = (0..<200).map { _ in p.delay(retry: 3, using: &rng) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(4) })
        #expect(Set(delays).count > 150, "full jitter spreads the delays")
        #expect(delays.contains { $0 < .seconds(1) } && delays.contains { $0 > .seconds(3) })
        #expect(RetryPolicy.standard.maxAttempts == 5)
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test func errorKindsAndHints() {
        #expect(S3Error.kind(status: 403, code: "SignatureDoesNotMatch") == .authentication)
        #expect(S3Error.kind(status: 403, code: "InvalidAccessKeyId") == .authentication)
        #expect(S3Error.kind(status: 403, code: "AccessDenied") == .accessDenied)
        #expect(S3Error.kind(status: 403, code: "RequestTimeTooSkewed") == .clockSkew)
        #expect(S3Error.kind(status: 404, code: "NoSuchBucket") == .noSuchBucket)
        #expect(S3Error.kind(status: 503, code: "SlowDown") == .throttled)
        #expect(S3Error.kind(status: 500, code: "InternalError") == .server)
        let e = S3Error(kind: .clockSkew, operation: "PUT", bucket: "lake", key: "a/b.parquet", status: 403,
                        code: "RequestTimeTooSkewed", message: "The difference between the request time and the current time is too large.",
                        requestID: "REQ123", attempts: 1)
        #expect(e.description == "s3://lake/a/b.parquet: PUT failed: HTTP 403 RequestTimeTooSkewed: The difference between the request time and the current time is too large. (request id REQ123). The local clock differs too much from the server's: check the system clock (NTP)")
    }

    @Test func redactionRemovesSecretsAndSignatures() {
        let signature = String(repeating: "ab12", count: 16)
        let text = "Signature=\(signature) secret=wJalrXUtnFEMI token=FwoGZX key=AKIDTEST etag=d41d8cd98f00b204e9800998ecf8427e"
        let out = S3Error.redact(text, secrets: ["wJalrXUtnFEMI", "FwoGZX", "AKIDTEST", ""])
        #expect(!out.contains(signature) && !out.contains("wJalrXUtnFEMI") && !out.contains("FwoGZX") && !out.contains("AKIDTEST"))
        #expect(out.contains("d41d8cd98f00b204e9800998ecf8427e"), "32-hex ETags are not signatures")
    }
}
