import Columnar

/// How one output column is read from a binary COPY, decided from the catalog (never guessed).
indirect enum PGDecode: Sendable, Equatable {
    case bool, int2, int4, int8, oid, float4, float8
    /// numeric into decimal(precision, scale), exactly.
    case numeric(precision: Int, scale: Int)
    /// text, varchar, char, name, citext, enums, json, and anything cast to text in the SELECT.
    case text
    /// jsonb: a version byte, then the text.
    case jsonb
    case date, timestamp, time, uuid, bytea
    /// One-dimensional arrays of the element's decoding.
    case array(PGDecode)
}

/// A column's type in the catalog, resolved through domains to its base type.
struct PGType: Sendable {
    var oid: UInt32
    var name: String
    /// `b` base, `d` domain, `e` enum, `c` composite, `r` range, `m` multirange, `p` pseudo.
    var kind: Character
    var baseOID: UInt32
    var baseTypmod: Int32
    var elementOID: UInt32
    var category: Character
}

/// What the SELECT reads for one column and what the lake gets.
struct PGColumnPlan: Sendable {
    var name: String
    var type: DataType
    var decode: PGDecode
    var nullable: Bool
    /// Read as `"col"::text` (interval as ISO 8601, numerics too wide for decimal(38)) or `::text[]`.
    var castToText = false
    var arrayCast = false
    /// The catalog's spelling, for messages (`numeric`, `timestamptz`, `_int4`).
    var pgType: String
    /// A numeric without a typmod: its scale comes from the data (pre-scan).
    var unconstrainedNumeric = false
}

enum PGTypeMapping {
    /// The plan for a column of type `t` (domains already resolved to `base`), or nil when Inlet
    /// cannot map it. `types` resolves array elements.
    static func plan(name: String, type t: PGType, typmod: Int32, nullable: Bool, types: [UInt32: PGType]) -> PGColumnPlan? {
        if t.kind == "e" { return PGColumnPlan(name: name, type: .string, decode: .text, nullable: nullable, pgType: t.name) }
        if t.category == "A", t.elementOID != 0, let e = types[t.elementOID] {
            let elem = e.kind == "d" ? (types[e.baseOID] ?? e) : e
            guard var inner = plan(name: name, type: elem, typmod: typmod, nullable: true, types: types) else { return nil }
            if inner.unconstrainedNumeric { inner = textPlan(inner) }
            var p = PGColumnPlan(name: name, type: .list(of: inner.type), decode: .array(inner.decode), nullable: nullable, pgType: t.name)
            p.arrayCast = inner.castToText
            return p
        }
        func p(_ type: DataType, _ decode: PGDecode) -> PGColumnPlan {
            PGColumnPlan(name: name, type: type, decode: decode, nullable: nullable, pgType: t.name)
        }
        switch t.name {
        case "bool": return p(.boolean, .bool)
        case "int2": return p(.int16, .int2)
        case "int4": return p(.int32, .int4)
        case "int8": return p(.int64, .int8)
        case "oid", "xid", "cid", "regclass", "regtype", "regproc": return p(.int64, .oid)
        case "float4": return p(.float32, .float4)
        case "float8": return p(.float64, .float8)
        case "numeric":
            guard typmod >= 4 else {
                var plan = p(.decimal(precision: 38, scale: 0), .numeric(precision: 38, scale: 0))
                plan.unconstrainedNumeric = true
                return plan
            }
            let precision = Int((typmod - 4) >> 16 & 0xFFFF), scale = Int(Int16(truncatingIfNeeded: (typmod - 4) & 0xFFFF))
            // numeric(50,2) or a negative scale (PostgreSQL 15) has no exact decimal128: its text.
            guard (1 ... 38).contains(precision), (0 ... precision).contains(scale) else { return textPlan(p(.string, .text)) }
            return p(.decimal(precision: precision, scale: scale), .numeric(precision: precision, scale: scale))
        case "text", "varchar", "bpchar", "name", "citext", "char", "unknown": return p(.string, .text)
        case "json": return p(.json, .text)
        case "jsonb": return p(.json, .jsonb)
        case "date": return p(.date, .date)
        case "timestamp": return p(.timestamp(unit: .microsecond, utc: false), .timestamp)
        case "timestamptz": return p(.timestamp(unit: .microsecond, utc: true), .timestamp)
        case "time": return p(.time, .time)
        case "uuid": return p(.uuid, .uuid)
        case "bytea": return p(.binary, .bytea)
        // ISO 8601 durations (IntervalStyle iso_8601, set at login): P1Y2M3DT4H5M6S.
        case "interval": return textPlan(p(.string, .text))
        default: return nil
        }
    }

    /// The column read as its text (`::text`), into a string column.
    static func textPlan(_ plan: PGColumnPlan) -> PGColumnPlan {
        var p = plan
        p.type = .string
        p.decode = .text
        p.castToText = true
        p.unconstrainedNumeric = false
        return p
    }
}
