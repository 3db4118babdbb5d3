/// Final column names: an empty (or blank) name becomes `column_N` (N = 1-based position);
/// a repeated name gets `_2`, `_3`, ... (skipping suffixes already taken). Every change is
/// reported.
func finalizeHeader(_ raw: [String]) -> (names: [String], renames: [HeaderRename]) {
    var names = raw.enumerated().map { i, n in n.allSatisfy(\.isWhitespace) ? "column_\(i + 1)" : n }
    var taken = Set<String>()
    var used = Set(names)
    for i in names.indices {
        let base = names[i]
        if taken.contains(base) {
            var k = 2
            while used.contains("\(base)_\(k)") { k += 1 }
            names[i] = "\(base)_\(k)"
            used.insert(names[i])
        }
        taken.insert(names[i])
    }
    let renames = names.indices.compactMap { i in
        names[i] == raw[i] ? nil : HeaderRename(position: i + 1, original: raw[i], renamed: names[i])
    }
    return (names, renames)
}
