import Foundation

/// Just enough XML for S3's flat, namespace-free responses: find elements by name,
/// read their text, escape and unescape entities. No DTDs, no attributes are needed.
enum S3XML {
    /// The inner text of every `<name>…</name>` (or `<name/>`) in `xml`, outermost first, in order.
    static func elements(_ name: String, in xml: Substring) -> [Substring] {
        var found: [Substring] = []
        let open = "<" + name
        let close = "</" + name + ">"
        var cursor = xml.startIndex
        while let start = xml.range(of: open, range: cursor..<xml.endIndex) {
            // The tag name must end here: `<Key>` must not match `<KeyCount>`.
            guard start.upperBound < xml.endIndex else { break }
            let next = xml[start.upperBound]
            guard next == ">" || next == "/" || next == " " || next == "\t" || next == "\n" || next == "\r" else {
                cursor = start.upperBound; continue
            }
            guard let tagEnd = xml.range(of: ">", range: start.upperBound..<xml.endIndex) else { break }
            if xml[xml.index(before: tagEnd.lowerBound)] == "/" {
                found.append(xml[tagEnd.upperBound..<tagEnd.upperBound]); cursor = tagEnd.upperBound; continue
            }
            guard let end = xml.range(of: close, range: tagEnd.upperBound..<xml.endIndex) else { break }
            found.append(xml[tagEnd.upperBound..<end.lowerBound])
            cursor = end.upperBound
        }
        return found
    }

    /// The unescaped text of the first `<name>` in `xml`.
    static func value(_ name: String, in xml: Substring) -> String? {
        elements(name, in: xml).first.map { unescape($0) }
    }

    /// Whether the document's root element is `name` (after any `<?xml …?>` declaration).
    static func rootIs(_ name: String, in xml: String) -> Bool {
        var s = Substring(xml)
        while true {
            s = s.drop { $0.isWhitespace }
            if s.hasPrefix("<?") || s.hasPrefix("<!--") {
                guard let end = s.range(of: ">") else { return false }
                s = s[end.upperBound...]
            } else { break }
        }
        guard s.hasPrefix("<" + name) else { return false }
        let after = s.dropFirst(name.count + 1).first
        return after == ">" || after == " " || after == "/" || after == "\n" || after == "\r" || after == "\t"
    }

    static func unescape<S: StringProtocol>(_ s: S) -> String {
        guard s.contains("&") else { return String(s) }
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "&", let semi = s[i...].firstIndex(of: ";"), s.distance(from: i, to: semi) <= 10 {
                let entity = s[s.index(after: i)..<semi]
                var scalar: Unicode.Scalar?
                switch entity {
                case "amp": scalar = "&"
                case "lt": scalar = "<"
                case "gt": scalar = ">"
                case "quot": scalar = "\""
                case "apos": scalar = "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap { Unicode.Scalar($0) }
                    } else if entity.hasPrefix("#") {
                        scalar = UInt32(entity.dropFirst(1)).flatMap { Unicode.Scalar($0) }
                    }
                }
                if let scalar {
                    out.unicodeScalars.append(scalar)
                    i = s.index(after: semi)
                    continue
                }
            }
            out.append(c)
            i = s.index(after: i)
        }
        return out
    }

    /// Escapes text for element content; control characters become numeric references
    /// (keys may hold any Unicode, and XML 1.0 needs `&#xD;` for a bare carriage return).
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 { out += "&#x\(String(scalar.value, radix: 16));" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

/// The fields of an S3 `<Error>` document.
struct S3ErrorBody {
    var code: String?
    var message: String?
    var requestID: String?

    init(xml: String) {
        let s = Substring(xml)
        let error = S3XML.elements("Error", in: s).first ?? s
        code = S3XML.value("Code", in: error)
        message = S3XML.value("Message", in: error)
        requestID = S3XML.value("RequestId", in: error)
    }
}
