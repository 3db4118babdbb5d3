import Foundation
import SigV4
import Testing

/// Our signer against botocore's S3SigV4Auth: for random keys and queries full of the
/// characters that break signers, the same request at the same time gets the same signature.
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required))
struct S3SignatureCrossCheckTests {
    struct Case: Codable {
        var method: String
        var host: String
        /// Raw (decoded) path, bucket included.
        var path: String
        var query: [[String]]
        var headers: [[String]]
        var body: String
        var payloadHash: String
        var epoch: Int
        var token: String?
        var ours = ""
    }

    /// A seeded generator, so a failure can be reproduced.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphabet: [String] = ["a", "Z", "0", "-", "_", ".", "~", "+", "=", "(", ")", "!", "*", "'", ":", "@", "$", "&", ";",
                                     ",", "%", " ", "/", "?", "#", "\u{e9}", "\u{65e5}", "\u{1F600}", "date=2025-01-01/", "%2F", "%20"]

    static func randomText<G: RandomNumberGenerator>(_ rng: inout G, maxLength: Int) -> String {
        (0..<Int.random(in: 1...maxLength, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
    }

    @Test func signaturesMatchBotocore() throws {
        var rng = SplitMix(state: 20_250_101)
        var cases: [Case] = []
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        for i in 0..<300 {
            let key = Self.randomText(&rng, maxLength: 12).replacingOccurrences(of: "//", with: "/x/")
            let path = "/bucket-\(i % 3)/" + (key.hasPrefix("/") ? "k" + key : key)
            var query: [[String]] = []
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                query.append([Self.randomText(&rng, maxLength: 4), Bool.random(using: &rng) ? "" : Self.randomText(&rng, maxLength: 8)])
            }
            if i % 4 == 0 { query.append(["prefix", "date=2025-01-01/"]) }
            var headers: [[String]] = []
            if i % 5 == 0 { headers.append(["Range", "bytes=0-\(i)"]) }
            if i % 7 == 0 { headers.append(["Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="]) }
            if i % 6 == 0 { headers.append(["x-amz-meta-note", "  a   b  "]) }
            let body = i % 2 == 0 ? "" : "body \(i) \u{e9}"
            let payload = SigV4.hexSHA256(Array(body.utf8))
            cases.append(Case(method: ["GET", "PUT", "POST", "DELETE", "HEAD"][i % 5], host: i % 2 == 0 ? "127.0.0.1:9000" : "bucket.s3.eu-west-1.amazonaws.com",
                              path: path, query: query, headers: headers, body: body, payloadHash: payload,
                              epoch: 1_700_000_000 + i * 86_399, token: i % 9 == 0 ? "FwoGZXIvYXdzE+/token=" : nil))
        }
        for i in cases.indices {
            let c = cases[i]
            let signer = SigV4Signer(credentials: SigV4Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: c.token),
                                     region: c.host.hasSuffix("amazonaws.com") ? "eu-west-1" : "us-east-1")
            let signed = signer.sign(SigV4Request(method: c.method, path: c.path, query: c.query.map { ($0[0], $0[1]) },
                                                  headers: [("Host", c.host)] + c.headers.map { ($0[0], $0[1]) }, payloadHash: c.payloadHash),
                                     at: Date(timeIntervalSince1970: TimeInterval(c.epoch)))
            cases[i].ours = signed.authorization
        }
        let dir = try TestEnvironment.temporaryDirectory("sigv4-crosscheck")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("cases.json")
        try JSONEncoder().encode(cases).write(to: input)
        let out = try runPython(#"""
            import datetime, json, sys
            import botocore.auth
            from botocore.auth import S3SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            from botocore.utils import percent_encode

            cases = json.load(open(sys.argv[1]))
            secret = sys.argv[2]
            results = []
            for c in cases:
                now = datetime.datetime.fromtimestamp(c["epoch"], datetime.timezone.utc).replace(tzinfo=None)
                botocore.auth.get_current_datetime = lambda now=now: now
                # botocore's serializer puts keys in the URL with percent_encode(safe='/~'); the S3 signer uses that path as is.
                url = ("https://" if "amazonaws" in c["host"] else "http://") + c["host"] + percent_encode(c["path"], safe="/~")
                headers = {name: value for name, value in c["headers"]}
                # botocore hashes the body itself (S3SigV4Auth replaces any X-Amz-Content-SHA256 given).
                request = AWSRequest(method=c["method"], url=url, headers=headers, data=c["body"].encode(),
                                     params=[tuple(q) for q in c["query"]])
                region = "eu-west-1" if c["host"].endswith("amazonaws.com") else "us-east-1"
                S3SigV4Auth(Credentials("AKIDEXAMPLE", secret, c.get("token")), "s3", region).add_auth(request)
                results.append(request.headers["Authorization"])
            print(json.dumps(results))
            """#, [input.path, secret])
        let theirs = try JSONDecoder().decode([String].self, from: Data(out.utf8))
        #expect(theirs.count == cases.count)
        var mismatches = 0
        for (c, their) in zip(cases, theirs) where c.ours != their {
            mismatches += 1
            if mismatches <= 5 { Issue.record("\(c.method) \(c.path) \(c.query) \(c.headers):\n ours   \(c.ours)\n theirs \(their)") }
        }
        #expect(mismatches == 0)
    }
}
