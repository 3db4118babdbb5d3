import Columnar
import Inference

/// Pass 2 over one record: appends its values to the column builders, as the plans say.
struct ConvertWalker {
    var c: JSONCursor
    /// Per struct plan visited at a depth: the field matched at each key position last time,
    /// tried first (records usually repeat their key order).
    var hints: [[Int]] = []

    init(_ p: UnsafePointer<UInt8>, _ n: Int, allowNaN: Bool) {
        c = JSONCursor(p, n, allowNaN: allowNaN)
    }

    /// The record (an object) into the root struct builder.
    mutating func walkRecord(_ root: StructPlan, into b: inout ColumnBuilder) throws {
        guard c.peek() == 0x7B else { throw c.problem("expected a record (an object)") }
        try object(root, into: &b, depth: 1)
        if c.peek() != nil { throw c.problem("expected the end of the record after its object") }
    }

    mutating func value(_ plan: ValuePlan, into b: inout ColumnBuilder, depth: Int) throws {
        guard let first = c.peek() else { throw c.problem("expected a value") }
        if first == 0x6E {
            try c.literal(JSONCursor.nullWord)
            b.appendNull()
            return
        }
        switch plan {
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
        case let .scalar(parser):
            try scalar(parser, first, into: &b, depth: depth)
        case let .structure(plan):
            guard first == 0x7B else { throw mismatch("an object", first) }
            try object(plan, into: &b, depth: depth + 1)
        case let .list(element):
            guard first == 0x5B else { throw mismatch("a list", first) }
            try c.nest(depth)
            c.i += 1
            if c.peek() == 0x5D {
                c.i += 1
            } else {
                while true {
                    try value(element, into: &b.elements, depth: depth + 1)
                    guard let next = c.peek() else { throw c.problem("expected ',' or ']' in an array") }
                    c.i += 1
                    if next == 0x5D { break }
                    guard next == 0x2C else { c.i -= 1; throw c.problem("expected ',' or ']' in an array") }
                }
            }
            b.endList()
        case let .map(values):
            guard first == 0x7B else { throw mismatch("an object (a map)", first) }
            try c.nest(depth)
            c.i += 1
            if c.peek() == 0x7D {
                c.i += 1
            } else {
                var seen = Set<[UInt8]>()
                while true {
                    guard c.peek() == 0x22 else { throw c.problem("expected a key in double quotes") }
                    let keyAt = c.i
                    let k = try c.string()
                    let key = k.escaped ? try c.unescaped(k.start, k.end) : Array(UnsafeBufferPointer(start: c.p + k.start, count: k.end - k.start))
                    guard seen.insert(key).inserted else {
                        throw RecordProblem(offset: keyAt, message: "duplicate key '\(String(decoding: key, as: UTF8.self))' in one object")
                    }
                    key.withUnsafeBytes { b.mapKeys.append(bytes: $0) }
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

    private mutating func scalar(_ parser: ValueParser, _ first: UInt8, into b: inout ColumnBuilder, depth: Int) throws {
        let start = c.i
        switch first {
        case 0x22:
            let t = try c.string()
            if t.end == t.start {
                if parser.isText { b.append(bytes: EmptyCollection<UInt8>()) } else { b.appendNull() }
                return
            }
            let ok: Bool
            if t.escaped {
                let text = try c.unescaped(t.start, t.end)
                ok = text.withUnsafeBufferPointer { parser.append($0.baseAddress!, $0.count, to: &b) }
            } else {
                ok = parser.append(c.p + t.start, t.end - t.start, to: &b)
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
            if !parser.append(c.p + start, c.i - start, to: &b) { throw misfit(start, b.type) }
        }
    }

    private mutating func object(_ plan: StructPlan, into b: inout ColumnBuilder, depth: Int) throws {
        try c.nest(depth)
        c.i += 1
        var seen = [Bool](repeating: false, count: plan.names.count)
        if hints.count < depth { hints.append(contentsOf: repeatElement([], count: depth - hints.count)) }
        if c.peek() == 0x7D {
            c.i += 1
        } else {
            var position = 0
            while true {
                guard c.peek() == 0x22 else { throw c.problem("expected a key in double quotes") }
                let keyAt = c.i
                let k = try c.string()
                let hint = position < hints[depth - 1].count ? hints[depth - 1][position] : position
                let found: Int?
                if k.escaped {
                    let key = try c.unescaped(k.start, k.end)
                    found = key.withUnsafeBufferPointer { plan.field($0.baseAddress!, $0.count, hint: hint) }
                } else {
                    found = plan.field(c.p + k.start, k.end - k.start, hint: hint)
                }
                let base = c.p
                func name() -> String { String(decoding: UnsafeBufferPointer(start: base + k.start, count: k.end - k.start), as: UTF8.self) }
                guard let f = found else {
                    throw RecordProblem(offset: keyAt, message: "key '\(name())' is not a field of the declared or inferred struct (fields: \(plan.names.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ")))")
                }
                if seen[f] { throw RecordProblem(offset: keyAt, message: "duplicate key '\(name())' in one object") }
                seen[f] = true
                if position < hints[depth - 1].count { hints[depth - 1][position] = f } else { hints[depth - 1].append(f) }
                try c.expect(0x3A, "':' after a key")
                try value(plan.plans[f], into: &b[field: f], depth: depth)
                position += 1
                guard let next = c.peek() else { throw c.problem("expected ',' or '}' in an object") }
                c.i += 1
                if next == 0x7D { break }
                guard next == 0x2C else { c.i -= 1; throw c.problem("expected ',' or '}' in an object") }
            }
        }
        // Fields absent from this object are null in it.
        for f in seen.indices where !seen[f] { b[field: f].appendNull() }
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
