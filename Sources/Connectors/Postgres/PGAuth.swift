import Crypto
import Foundation
import SigV4

/// The password exchanges PostgreSQL asks for: md5 and SCRAM-SHA-256 (RFC 5802 / 7677).
enum PGAuth {
    /// `md5` + hex(md5(hex(md5(password + user)) + salt)).
    static func md5Response(user: String, password: String, salt: [UInt8]) -> String {
        let inner = SigV4.hex(Insecure.MD5.hash(data: Array((password + user).utf8)))
        return "md5" + SigV4.hex(Insecure.MD5.hash(data: Array(inner.utf8) + salt))
    }

    /// One SCRAM-SHA-256 conversation: `clientFirst`, then `clientFinal(serverFirst:)`, then
    /// `verify(serverFinal:)` proves the server knew the password too.
    struct Scram {
        let password: String
        let nonce: String
        private(set) var authMessage = ""
        private(set) var saltedPassword: [UInt8] = []

        init(password: String, nonce: String? = nil) {
            self.password = password
            var rng = SystemRandomNumberGenerator()
            self.nonce = nonce ?? Data((0 ..< 18).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }).base64EncodedString()
        }

        /// The user name is empty: PostgreSQL takes it from the startup message.
        var clientFirstBare: String { "n=,r=\(nonce)" }
        var clientFirst: String { "n,," + clientFirstBare }

        mutating func clientFinal(serverFirst: String) throws -> String {
            var fields: [Character: String] = [:]
            for part in serverFirst.split(separator: ",") where part.count >= 2 && part.dropFirst().first == "=" {
                fields[part.first!] = String(part.dropFirst(2))
            }
            guard let r = fields["r"], r.hasPrefix(nonce), let s = fields["s"], let salt = Data(base64Encoded: s),
                  let i = fields["i"].flatMap({ Int($0) }), i > 0 else {
                throw PGError.protocolViolation("malformed SCRAM server-first message")
            }
            saltedPassword = Self.pbkdf2(password: Array(password.utf8), salt: Array(salt), iterations: i)
            let withoutProof = "c=biws,r=\(r)"
            authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof
            let clientKey = Self.hmac(saltedPassword, Array("Client Key".utf8))
            let storedKey = Array(SHA256.hash(data: clientKey))
            let signature = Self.hmac(storedKey, Array(authMessage.utf8))
            let proof = zip(clientKey, signature).map { $0 ^ $1 }
            return withoutProof + ",p=" + Data(proof).base64EncodedString()
        }

        func verify(serverFinal: String) throws {
            let serverKey = Self.hmac(saltedPassword, Array("Server Key".utf8))
            let expected = Data(Self.hmac(serverKey, Array(authMessage.utf8))).base64EncodedString()
            guard serverFinal.hasPrefix("v="), String(serverFinal.dropFirst(2).prefix { $0 != "," }) == expected else {
                throw PGError.connect("the server's SCRAM signature does not match: it does not know the password")
            }
        }

        static func hmac(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        }

        /// PBKDF2-HMAC-SHA-256 with one 32-byte block, as SCRAM uses it.
        static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
            let key = SymmetricKey(data: password)
            var u = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
            var out = u
            for _ in 1 ..< iterations {
                u = Array(HMAC<SHA256>.authenticationCode(for: u, using: key))
                for k in 0 ..< out.count { out[k] ^= u[k] }
            }
            return out
        }
    }
}
