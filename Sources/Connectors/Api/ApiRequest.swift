import Foundation

/// One request as it goes out: the full URL (query included), method, body.
struct ApiRequest: Sendable, Equatable {
    var method: String
    var url: String
    var body: [UInt8]?

    /// `base` (scheme, host, path) with `params` as its query, percent-encoded.
    init(method: String, base: String, params: [(String, String)], body: [UInt8]? = nil) {
        self.method = method
        var url = base
        for (name, value) in params { url = URLQuery.setting(name, to: value, in: url) }
        self.url = url
        self.body = body
    }

    init(method: String, url: String, body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.body = body
    }

    func setting(_ name: String, to value: String) -> ApiRequest {
        ApiRequest(method: method, url: URLQuery.setting(name, to: value, in: url), body: body)
    }
}

/// Query strings as servers read them: only unreserved characters stay as they are (a `+` in a
/// timestamp's offset is `%2B`, not a space).
enum URLQuery {
    static func encode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case 0x30 ... 0x39, 0x41 ... 0x5A, 0x61 ... 0x7A, 0x2D, 0x2E, 0x5F, 0x7E: out.unicodeScalars.append(Unicode.Scalar(b))
            default: out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    static func decode(_ s: Substring) -> String {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
    }

    /// `url` with its parameter `name` set to `value` (replaced where present, else appended).
    static func setting(_ name: String, to value: String, in url: String) -> String {
        let (head, fragment) = split(url, at: "#")
        let (path, query) = split(head, at: "?")
        var pairs = query.map { $0.split(separator: "&", omittingEmptySubsequences: true).map(String.init) } ?? []
        let item = encode(name) + "=" + encode(value)
        if let k = pairs.firstIndex(where: { decode($0.split(separator: "=", maxSplits: 1).first ?? "") == name }) {
            pairs[k] = item
        } else {
            pairs.append(item)
        }
        return path + "?" + pairs.joined(separator: "&") + (fragment.map { "#" + $0 } ?? "")
    }

    /// The value of parameter `name` in `url`, decoded.
    static func value(_ name: String, in url: String) -> String? {
        guard let query = split(split(url, at: "#").0, at: "?").1 else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if decode(parts[0]) == name { return parts.count > 1 ? decode(parts[1]) : "" }
        }
        return nil
    }

    private static func split(_ s: String, at c: Character) -> (String, String?) {
        guard let i = s.firstIndex(of: c) else { return (s, nil) }
        return (String(s[..<i]), String(s[s.index(after: i)...]))
    }

    /// `reference` resolved against `base` (RFC 3986): a next link may be relative.
    static func resolve(_ reference: String, against base: String) -> String {
        if reference.contains("://") { return reference }
        return URL(string: reference, relativeTo: URL(string: base))?.absoluteString ?? reference
    }
}
