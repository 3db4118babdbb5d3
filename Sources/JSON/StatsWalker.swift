/// Pass 1 over one record: checks its syntax strictly and adds every value to the statistics
/// of its field. A record must be an object; keys may not repeat within an object.
struct StatsWalker {
    var c: JSONCursor
    let record: Int
    let line: Int
    /// Numbers objects as they are visited, to catch a key seen twice in one object.
    var objectSerial: Int

    init(_ p: UnsafePointer<UInt8>, _ n: Int, record: Int, line: Int, allowNaN: Bool, serial: Int) {
        c = JSONCursor(p, n, allowNaN: allowNaN)
        self.record = record
        self.line = line
        objectSerial = serial
    }

    /// The record: one object, then nothing but whitespace.
    mutating func walkRecord(into root: FieldStats) throws {
        guard c.peek() == 0x7B else {
            if c.i >= c.n { throw c.problem("expected a record") }
            throw RecordProblem(offset: c.i, message: "a record must be an object ({…}), found \(kindName(c.p[c.i]))")
        }
        try object(root, depth: 1)
        if c.peek() != nil { throw c.problem("expected the end of the record after its object") }
    }

    private func kindName(_ b: UInt8) -> String {
        switch b {
        case 0x5B: return "an array"
        case 0x22: return "a string"
        case 0x74, 0x66: return "a boolean"
        case 0x6E: return "null"
        case 0x2D, 0x30 ... 0x39: return "a number"
        default: return "something that is not JSON"
        }
    }

    mutating func value(_ s: FieldStats, depth: Int) throws {
        guard let b = c.peek() else { throw c.problem("expected a value") }
        let start = c.i
        switch b {
        case 0x22:
            let t = try c.string()
            if t.end == t.start {
                s.emptyStrings += 1
            } else if t.escaped {
                let text = try c.unescaped(t.start, t.end)
                text.withUnsafeBufferPointer { s.strings.observe($0.baseAddress!, $0.count, line: line) }
            } else {
                s.strings.observe(c.p + t.start, t.end - t.start, line: line)
            }
            s.note(.string, Witness(c.p + start, c.i - start, record: record, line: line))
        case 0x7B:
            s.note(.object, Witness(text: "{…}", record: record, line: line))
            try object(s, depth: depth + 1)
        case 0x5B:
            try c.nest(depth)
            s.arrays += 1
            s.note(.array, Witness(text: "[…]", record: record, line: line))
            c.i += 1
            if c.peek() == 0x5D { c.i += 1; return }
            let e = s.elementStats()
            while true {
                try value(e, depth: depth + 1)
                guard let next = c.peek() else { throw c.problem("expected ',' or ']' in an array") }
                c.i += 1
                if next == 0x5D { return }
                guard next == 0x2C else { c.i -= 1; throw c.problem("expected ',' or ']' in an array") }
            }
        case 0x74, 0x66:
            try c.literal(b == 0x74 ? JSONCursor.trueWord : JSONCursor.falseWord)
            s.booleans += 1
            s.note(.boolean, Witness(c.p + start, c.i - start, record: record, line: line))
        case 0x6E:
            try c.literal(JSONCursor.nullWord)
            s.nulls += 1
        default:
            guard b == 0x2D || b &- 0x30 < 10 || (c.allowNaN && (b == 0x4E || b == 0x49)) else { throw c.problem(c.notAValue(b)) }
            let t = try c.number()
            s.numbers.observe(c.p + t.start, t.end - t.start, line: line)
            s.note(.number, Witness(c.p + t.start, t.end - t.start, record: record, line: line))
        }
    }

    private mutating func object(_ s: FieldStats, depth: Int) throws {
        try c.nest(depth)
        s.objects += 1
        objectSerial += 1
        let serial = objectSerial
        c.i += 1
        if c.peek() == 0x7D { c.i += 1; return }
        var position = 0
        while true {
            guard c.peek() == 0x22 else { throw c.problem("expected a key in double quotes") }
            let keyAt = c.i
            let k = try c.string()
            let ref: Unmanaged<FieldStats>
            if k.escaped {
                let key = try c.unescaped(k.start, k.end)
                ref = key.withUnsafeBufferPointer { s.child($0.baseAddress!, $0.count, position: position) }
            } else {
                ref = s.child(c.p + k.start, k.end - k.start, position: position)
            }
            // The parent holds the child: borrowed for the value, not retained.
            try ref._withUnsafeGuaranteedRef { child in
                if !s.isMap {
                    if child.lastVisit == serial {
                        let name = String(decoding: UnsafeBufferPointer(start: c.p + k.start, count: k.end - k.start), as: UTF8.self)
                        throw RecordProblem(offset: keyAt, message: "duplicate key '\(name)' in one object")
                    }
                    child.lastVisit = serial
                }
                try c.expect(0x3A, "':' after a key")
                try value(child, depth: depth)
            }
            position += 1
            guard let next = c.peek() else { throw c.problem("expected ',' or '}' in an object") }
            c.i += 1
            if next == 0x7D { break }
            guard next == 0x2C else { c.i -= 1; throw c.problem("expected ',' or '}' in an object") }
        }
        s.keysTotal += position
    }
}
