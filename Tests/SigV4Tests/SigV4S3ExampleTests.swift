import Foundation
import Testing
@testable import SigV4

/// The worked examples of the S3 documentation ("Signature Calculations for the Authorization
/// Header" and "Authenticating Requests: Using Query Parameters"): bucket `examplebucket`,
/// us-east-1, 2013-05-24T00:00:00Z, access key AKIAIOSFODNN7EXAMPLE.
@Suite struct SigV4S3ExampleTests {
    static let signer = SigV4Signer(
        credentials: SigV4Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3")
    static let date = Date(timeIntervalSince1970: 1_369_353_600) // 2013-05-24T00:00:00Z
    static let host = "examplebucket.s3.amazonaws.com"

    @Test func getObjectWithRange() {
        let signed = Self.signer.sign(SigV4Request(method: "GET", path: "/test.txt",
            headers: [("Host", Self.host), ("Range", "bytes=0-9")], payloadHash: SigV4.emptyPayloadHash), at: Self.date)
        #expect(signed.canonicalRequest == """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signed.stringToSign == """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
            """)
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(signed.headers.contains { $0 == ("x-amz-content-sha256", SigV4.emptyPayloadHash) })
        #expect(signed.headers.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test func putObjectEncodesTheDollarOnce() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = SigV4.hexSHA256(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let signed = Self.signer.sign(SigV4Request(method: "PUT", path: "/test$file.text",
            headers: [("Host", Self.host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            payloadHash: hash), at: Self.date)
        #expect(signed.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[1] == "/test%24file.text")
        #expect(signed.authorization.contains("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"))
        #expect(signed.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getLifecycleSignsAValuelessParameter() {
        let signed = Self.signer.sign(SigV4Request(method: "GET", path: "/", query: [("lifecycle", "")],
            headers: [("Host", Self.host)], payloadHash: SigV4.emptyPayloadHash), at: Self.date)
        #expect(signed.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "lifecycle=")
        #expect(signed.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjectsSortsTheQuery() {
        let signed = Self.signer.sign(SigV4Request(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
            headers: [("Host", Self.host)], payloadHash: SigV4.emptyPayloadHash), at: Self.date)
        #expect(signed.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func presignedGet() {
        let url = Self.signer.presignedURL(method: "GET", host: Self.host, path: "/test.txt", expires: 86_400, at: Self.date)
        #expect(url == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func presignedURLSignsTheSessionToken() {
        var signer = Self.signer
        signer.credentials.sessionToken = "token/with+chars="
        let url = signer.presignedURL(method: "GET", host: Self.host, path: "/test.txt", expires: 60, at: Self.date)
        #expect(url.contains("X-Amz-Security-Token=token%2Fwith%2Bchars%3D&X-Amz-SignedHeaders=host&X-Amz-Signature="))
        #expect(!url.hasSuffix("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"))
    }

    @Test func pathSegmentsAreEncodedOnceKeepingSlashes() {
        #expect(SigV4Encoding.canonicalURI(path: "/b/date=2025-01-01/a b+c%.parquet") == "/b/date%3D2025-01-01/a%20b%2Bc%25.parquet")
        #expect(SigV4Encoding.canonicalURI(path: "/b/caf\u{e9}/x~y_z-1.2") == "/b/caf%C3%A9/x~y_z-1.2")
        #expect(SigV4Encoding.canonicalURI(path: "") == "/")
        #expect(SigV4Encoding.encode("a/b") == "a%2Fb")
        #expect(SigV4Encoding.decode("a%2Fb%20c+d", plusIsSpace: true) == "a/b c d")
        #expect(SigV4Encoding.decode("100%") == "100%")
    }

    @Test func queryValuesAreEncodedAndSortedByEncodedKey() {
        let q = SigV4.canonicalQuery([("prefix", "date=2025-01-01/"), ("list-type", "2"), ("continuation-token", "a+b= c")])
        #expect(q == "continuation-token=a%2Bb%3D%20c&list-type=2&prefix=date%3D2025-01-01%2F")
        #expect(SigV4.canonicalQuery([("uploads", "")]) == "uploads=")
        #expect(SigV4.canonicalQuery([("a", "2"), ("a", "1")]) == "a=1&a=2")
    }

    @Test func credentialsDescriptionHidesTheSecret() {
        let c = SigV4Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: "tok")
        #expect(!"\(c)".contains("wJalr"))
        #expect(!"\(c)".contains("tok"))
        #expect(!"\(c)".contains("AKIAIOSFODNN7EXAMPLE"))
    }
}
