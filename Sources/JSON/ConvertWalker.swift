import Columnar
import Inference

/// Pass 2 over a block's records: appends their values to the column builders, as the
/// table's plans say. One walker serves a whole block (its hints carry from record to record).
struct ConvertWalker {
    var c: JSONCursor
    let table: ConvertTable
    /// Per field slot of every struct (`ConvertTable.fieldNode`'s numbering): the field found
    /// at that key position last time, tried first (records usually repeat their key order).
    let hints: UnsafeMutablePointer<Int32>

    /// What the cursor reads before the first record.
    nonisolated(unsafe) private static let nothing = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    /// `hints` holds `table.fieldTotal` slots, owned by the caller.
    init(table: ConvertTable, hints: UnsafeMutablePointer<Int32>, allowNaN: Bool) {
        c = JSONCursor(UnsafePointer(Self.nothing), 0, allowNaN: allowNaN)
        self.table = table
        self.hints = hints
    }

    /// Fresh hints for `table`: each key position tries the field at the same position.
    static func makeHints(_ table: ConvertTable) -> UnsafeMutablePointer<Int32> {
        let h = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, table.fieldTotal))
        for s in 0 ..< table.nodeCount where table.nodes[s].kind == .structure {
            let first = Int(table.nodes[s].firstField)
            for k in 0 ..< Int(table.nodes[s].fieldCount) { h[first + k] = Int32(k) }
        }
        return h
    }

    /// The record `p[0..<n]` (an object) into the root struct builder.
    mutating func walkRecord(_ p: UnsafePointer<UInt8>, _ n: Int, into b: inout ColumnBuilder) throws {
        c = JSONCursor(p, n, allowNaN: c.allowNaN)
        guard c.peek() == 0x7B else { throw c.problem("expected a record (an object)") }
        try object(UnsafePointer(table.nodes + table.root), into: &b, depth: 1)
        if c.peek() != nil { throw c.problem("expected the end of the record after its object") }
    }

    mutating func value(_ node: UnsafePointer<ConvertTable.Node>, into b: inout ColumnBuilder, depth: Int) throws {
        guard let first = c.peek() else { throw c.problem("expected a value") }
        if first == 0x6E {
            try c.literal(JSONCursor.nullWord)
            b.appendNull()
            return
        }
        switch node.pointee.kind {
        case .text:
            if first == 0x22 {
                let t = try c.string()
                if t.escaped {
                    let text = try c.unescaped(t.start, t.end)
                    text.withUnsafeBytes { b.append(bytes: $0) }
                } else {
                    b.append(bytes: UnsafeRawBufferPointer(start: c.p + t.start, count: t.end - t.start))
                }
            } else {
                // Anything else keeps its JSON text.
                let start = c.i
                try c.skipValue(depth: depth)
                b.append(bytes: UnsafeRawBufferPointer(start: c.p + start, count: c.i - start))
            }
        case .scalar:
            try scalar(node, first, into: &b, depth: depth)
        case .structure:
            guard first == 0x7B else { throw mismatch("an object", first) }
            try object(node, into: &b, depth: depth + 1)
        case .list:
            guard first == 0x5B else { throw mismatch("a list", first) }
            let element = UnsafePointer(table.nodes + Int(node.pointee.child))
            try c.nest(depth)
            c.i += 1
            if c.peek() == 0x5D {
                c.i += 1
            } else {
                try b.withChildren { elements in
                    while true {
                        try value(element, into: &elements[0], depth: depth + 1)
                        guard let next = c.peek() else { throw c.problem("expected ',' or ']' in an array") }
                        c.i += 1
                        if next == 0x5D { break }
                        guard next == 0x2C else { c.i -= 1; throw c.problem("expected ',' or ']' in an array") }
                    }
                }
            }
            b.endList()
        case .map:
            guard first == 0x7B else { throw mismatch("an object (a map)", first) }
            let values = UnsafePointer(table.nodes + Int(node.pointee.child))
            try c.nest(depth)
            c.i += 1
            if c.peek() == 0x7D {
                c.i += 1
            } else {
                // Keys repeated in one object: compared with the object's keys so far, hashed
                // only in a large map (a set per map cost an allocation and a hash per key).
                let firstKey = b.mapKeys.count
                var many: Set<[UInt8]>?
                while true {
                    guard c.peek() == 0x22 else { throw c.problem("expected a key in double quotes") }
                    let keyAt = c.i
                    let k = try c.string()
                    let escaped = k.escaped ? try c.unescaped(k.start, k.end) : nil
                    let duplicate = try withKey(k, escaped) { key in
                        let keys = b.mapKeys.count - firstKey
                        if keys >= Self.hashedMapKeys {
                            if many == nil { many = Set((firstKey ..< b.mapKeys.count).map { Array(b.mapKeys.bytes(at: $0)) }) }
                            return !many!.insert(Array(key)).inserted
                        }
                        return (firstKey ..< b.mapKeys.count).contains { b.mapKeys.bytesEqual(at: $0, key) }
                    }
                    if duplicate {
                        let name = escaped.map { String(decoding: $0, as: UTF8.self) }
                            ?? String(decoding: UnsafeBufferPointer(start: c.p + k.start, count: k.end - k.start), as: UTF8.self)
                        throw RecordProblem(offset: keyAt, message: "duplicate key '\(name)' in one object")
                    }
                    try withKey(k, escaped) { b.mapKeys.append(bytes: $0) }
                    try c.expect(0x3A, "':' after a key")
                    try value(values, into: &b.mapValues, depth: depth + 1)
                    guard let next = c.peek() else { throw c.problem("expected ',' or '}' in an object") }
                    c.i += 1
                    if next == 0x7D { break }
                    guard next == 0x2C else { c.i -= 1; throw c.problem("expected ',' or '}' in an object") }
                }
            }
            b.endMap()
        }
    }

    /// Maps with this many keys so far check a new key against a set of them.
    static let hashedMapKeys = 16

    /// A key's bytes: its unescaped copy, or the text itself.
    @inline(__always)
    private func withKey<R>(_ k: (start: Int, end: Int, escaped: Bool), _ escaped: [UInt8]?, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let escaped { return try escaped.withUnsafeBytes(body) }
        return try body(UnsafeRawBufferPointer(start: c.p + k.start, count: k.end - k.start))
    }

    private mutating func scalar(_ node: UnsafePointer<ConvertTable.Node>, _ first: UInt8, into b: inout ColumnBuilder, depth: Int) throws {
        let start = c.i
        switch first {
        case 0x22:
            let t = try c.string()
            if t.end == t.start {
                if node.pointee.parser.isText { b.append(bytes: EmptyCollection<UInt8>()) } else { b.appendNull() }
                return
            }
            let ok: Bool
            if t.escaped {
                let text = try c.unescaped(t.start, t.end)
                ok = text.withUnsafeBufferPointer { node.pointee.parser.append($0.baseAddress!, $0.count, to: &b) }
            } else {
                ok = node.pointee.parser.append(c.p + t.start, t.end - t.start, to: &b)
            }
            if !ok { throw misfit(start, b.type) }
        case 0x7B, 0x5B:
            throw mismatch(b.type.name, first)
        default:
            if first == 0x74 || first == 0x66 {
                try c.literal(first == 0x74 ? JSONCursor.trueWord : JSONCursor.falseWord)
            } else {
                guard first == 0x2D || first &- 0x30 < 10 || (c.allowNaN && (first == 0x4E || first == 0x49)) else {
                    throw c.problem(c.notAValue(first))
                }
                _ = try c.number()
            }
            if !node.pointee.parser.append(c.p + start, c.i - start, to: &b) { throw misfit(start, b.type) }
        }
    }

    private mutating func object(_ node: UnsafePointer<ConvertTable.Node>, into b: inout ColumnBuilder, depth: Int) throws {
        try c.nest(depth)
        c.i += 1
        let count = Int(node.pointee.fieldCount), first = Int(node.pointee.firstField)
        // Which fields this object gave: a bit each (a flag array past 64 fields).
        var seenBits: UInt64 = 0
        var seenWide = count > 64 ? [Bool](repeating: false, count: count) : []
        // The fields' builders in place for the whole object (see `withChildren`).
        try b.withChildren { fields in
            if c.peek() == 0x7D {
                c.i += 1
            } else {
                var position = 0
                while true {
                    guard c.peek() == 0x22 else { throw c.problem("expected a key in double quotes") }
                    let keyAt = c.i
                    let k = try c.string()
                    let hint = position < count ? Int(hints[first + position]) : position
                    let found: Int?
                    if k.escaped {
                        let key = try c.unescaped(k.start, k.end)
                        found = key.withUnsafeBufferPointer { table.field(of: node, $0.baseAddress!, $0.count, hint: hint) }
                    } else {
                        found = table.field(of: node, c.p + k.start, k.end - k.start, hint: hint)
                    }
                    let base = c.p
                    func name() -> String { String(decoding: UnsafeBufferPointer(start: base + k.start, count: k.end - k.start), as: UTF8.self) }
                    guard let f = found else {
                        throw RecordProblem(offset: keyAt, message: "key '\(name())' is not a field of the declared or inferred struct (fields: \(table.names(of: node).joined(separator: ", ")))")
                    }
                    if count > 64 {
                        if seenWide[f] { throw RecordProblem(offset: keyAt, message: "duplicate key '\(name())' in one object") }
                        seenWide[f] = true
                    } else {
                        if seenBits & (1 << UInt64(f)) != 0 { throw RecordProblem(offset: keyAt, message: "duplicate key '\(name())' in one object") }
                        seenBits |= 1 << UInt64(f)
                    }
                    // A key past the field count is a duplicate or unknown: it threw above.
                    hints[first + position] = Int32(f)
                    try c.expect(0x3A, "':' after a key")
                    try value(UnsafePointer(table.nodes + Int(table.fieldNode[first + f])), into: &fields[f], depth: depth)
                    position += 1
                    guard let next = c.peek() else { throw c.problem("expected ',' or '}' in an object") }
                    c.i += 1
                    if next == 0x7D { break }
                    guard next == 0x2C else { c.i -= 1; throw c.problem("expected ',' or '}' in an object") }
                }
            }
            // Fields absent from this object are null in it.
            if count > 64 {
                for f in 0 ..< count where !seenWide[f] { fields[f].appendNull() }
            } else if seenBits != (count == 64 ? ~0 : (1 << UInt64(count)) - 1) {
                for f in 0 ..< count where seenBits & (1 << UInt64(f)) == 0 { fields[f].appendNull() }
            }
        }
        b.endStruct()
    }

    private func mismatch(_ expected: String, _ found: UInt8) -> RecordProblem {
        let kind: String
        switch found {
        case 0x7B: kind = "an object"
        case 0x5B: kind = "a list"
        case 0x22: kind = "a string"
        case 0x74, 0x66: kind = "a boolean"
        default: kind = "a number"
        }
        return RecordProblem(offset: c.i, message: "expected \(expected), found \(kind)")
    }

    private func misfit(_ start: Int, _ type: DataType) -> RecordProblem {
        let text = String(decoding: UnsafeBufferPointer(start: c.p + start, count: min(c.i - start, 60)), as: UTF8.self)
        return RecordProblem(offset: start, message: "value \(text) is not \(type.name.first.map { "aeio".contains($0) } == true ? "an" : "a") \(type.name)")
    }
}
