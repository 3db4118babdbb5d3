import Foundation

/// Reads a `.env` file: `KEY=value` lines, optional `export `, `#` comments, single quotes
/// (literal), double quotes (with `\n \t \" \\` escapes). Values never override variables
/// already present in `env`, so the real environment wins over the file.
enum DotEnv {
    /// `env` plus the file's variables that `env` lacks; `env` unchanged when the file is absent.
    static func load(path: String, into env: [String: String]) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return env }
        var merged = env
        for (key, value) in parse(String(decoding: data, as: UTF8.self)) where merged[key] == nil {
            merged[key] = value
        }
        return merged
    }

    /// The assignments of a `.env` text, in order; malformed lines are skipped.
    static func parse(_ text: String) -> [(key: String, value: String)] {
        var result: [(String, String)] = []
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let raw = lines.popFirst() {
            var line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.first == "#" { continue }
            if line.hasPrefix("export ") || line.hasPrefix("export\t") {
                line = line.dropFirst(7).drop { $0 == " " || $0 == "\t" }
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard isValidKey(key) else { continue }
            var rest = Substring(line[line.index(after: eq)...].drop { $0 == " " || $0 == "\t" })
            let value: String
            if let quote = rest.first, quote == "\"" || quote == "'" {
                rest = rest.dropFirst()
                // A quoted value may span lines until its closing quote.
                var text = String(rest)
                while closingQuote(in: text, quote: quote) == nil, let next = lines.popFirst() {
                    text += "\n" + next
                }
                let end = closingQuote(in: text, quote: quote) ?? text.endIndex
                let inner = String(text[..<end])
                value = quote == "\"" ? unescape(inner) : inner
            } else {
                // Unquoted: a ` #` starts a comment.
                var v = String(rest)
                if let hash = v.range(of: " #") ?? v.range(of: "\t#") { v = String(v[..<hash.lowerBound]) }
                value = v.trimmingCharacters(in: .whitespaces)
            }
            result.append((key, value))
        }
        return result
    }

    private static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || $0 == "." || CharacterSet.alphanumerics.contains($0) }
    }

    private static func closingQuote(in text: String, quote: Character) -> String.Index? {
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "\\" && quote == "\"" {
                i = text.index(after: i)
                if i < text.endIndex { i = text.index(after: i) }
                continue
            }
            if c == quote { return i }
            i = text.index(after: i)
        }
        return nil
    }

    private static func unescape(_ s: String) -> String {
        var out = ""
        var escaping = false
        for c in s {
            if escaping {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        if escaping { out.append("\\") }
        return out
    }
}
