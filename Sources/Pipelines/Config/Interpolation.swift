/// `${VAR}` in config values, from the environment (which includes `.env`). A variable that is
/// not set is an error naming it. Values read this way may be secrets: messages about a value
/// show the text as written (`${DOMO_CLIENT_SECRET}`), never what it became.
struct Interpolation {
    let environment: [String: String]

    /// The value with every `${NAME}` replaced; the name of the first unset variable as the error.
    func expand(_ text: String) -> Result<String, UnsetVariable> {
        guard text.contains("${") else { return .success(text) }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                out += rest[open.lowerBound...]
                return .success(out)
            }
            let name = String(rest[open.upperBound ..< close])
            guard let value = environment[name] else { return .failure(UnsetVariable(name: name)) }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        return .success(out + rest)
    }

    /// Each set `${NAME}` in `text` with its value: what messages must show as `${NAME}`.
    func variables(in text: String) -> [(value: String, written: String)] {
        var out: [(String, String)] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            let name = String(rest[open.upperBound ..< close])
            if let value = environment[name], !value.isEmpty { out.append((value, "${\(name)}")) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    struct UnsetVariable: Error { let name: String }
}
