import Crypto
import Foundation

/// AWS Signature Version 4, as pure functions, one per stage of the algorithm:
/// canonical request → string to sign → signing key → signature.
/// Nothing here does I/O or reads the clock; callers pass the time in.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// SHA-256 of the empty string, the payload hash of every body-less request.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    // MARK: Stage 1: canonical request

    /// `key=value` pairs, both encoded RFC 3986-style, sorted by encoded key then value,
    /// joined with `&`. A parameter without a value signs as `key=`.
    public static func canonicalQuery(_ items: [(name: String, value: String)]) -> String {
        let encoded = items.map { (SigV4Encoding.encode($0.name), SigV4Encoding.encode($0.value)) }
        // Byte order (String < on ASCII-only text is byte order).
        let sorted = encoded.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Lower-cased names, values trimmed with inner runs of spaces collapsed, repeated names
    /// joined with `,` in order of appearance, sorted by name. Returns the canonical header
    /// block (each line ends in `\n`) and the `;`-joined signed header list.
    public static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, signed: String) {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            if values[lower] == nil { order.append(lower) }
            values[lower, default: []].append(normalizeHeaderValue(value))
        }
        let names = order.sorted()
        var block = ""
        for n in names { block += n + ":" + values[n]!.joined(separator: ",") + "\n" }
        return (block, names.joined(separator: ";"))
    }

    static func normalizeHeaderValue(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for ch in value {
            if ch == " " || ch == "\t" || ch == "\n" || ch == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.append(ch)
            }
        }
        return out
    }

    /// The canonical request. `canonicalURI` is already encoded (see `SigV4Encoding.canonicalURI`).
    public static func canonicalRequest(method: String, canonicalURI: String, canonicalQuery: String,
                                        headers: [(name: String, value: String)], payloadHash: String) -> (request: String, signedHeaders: String) {
        let (block, signed) = canonicalHeaders(headers)
        let request = [method, canonicalURI, canonicalQuery, block, signed, payloadHash].joined(separator: "\n")
        return (request, signed)
    }

    // MARK: Stage 2: string to sign

    /// `date/region/service/aws4_request`.
    public static func scope(date: String, region: String, service: String) -> String {
        "\(date)/\(region)/\(service)/aws4_request"
    }

    public static func stringToSign(canonicalRequest: String, timestamp: String, scope: String) -> String {
        [algorithm, timestamp, scope, hexSHA256(Array(canonicalRequest.utf8))].joined(separator: "\n")
    }

    // MARK: Stage 3: signing key

    /// HMAC chain `AWS4`+secret → date → region → service → `aws4_request`.
    public static func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        var key = hmac(key: Array(("AWS4" + secret).utf8), Array(date.utf8))
        key = hmac(key: key, Array(region.utf8))
        key = hmac(key: key, Array(service.utf8))
        return hmac(key: key, Array("aws4_request".utf8))
    }

    // MARK: Stage 4: signature

    public static func signature(signingKey: [UInt8], stringToSign: String) -> String {
        hex(hmac(key: signingKey, Array(stringToSign.utf8)))
    }

    // MARK: Helpers

    public static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    public static func hexSHA256<D: DataProtocol>(_ data: D) -> String {
        hex(SHA256.hash(data: data))
    }

    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `(timestamp "20130524T000000Z", date "20130524")` for a point in time, in UTC.
    public static func timestamp(_ date: Date) -> (timestamp: String, date: String) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secs = seconds % 86_400
        if secs < 0 { secs += 86_400; days -= 1 }
        let (y, m, d) = civilFromDays(days)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let day = "\(y)" + two(m) + two(d)
        let time = two(secs / 3600) + two(secs / 60 % 60) + two(secs % 60)
        return (day + "T" + time + "Z", day)
    }

    /// Proleptic Gregorian (year, month, day) from days since 1970-01-01 (H. Hinnant's algorithm).
    static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
