import Columnar
import Foundation

/// Everything decided before the rows flow, on the snapshot's connection: each column's type
/// from the catalog, the primary key, the incremental filter, and the SQL of each part.
struct PGLoadPlan {
    var columns: [PGColumnPlan]
    var schema: Schema
    var primaryKey: [String]
    /// `FROM …` (table or subquery) and `WHERE …` (may be empty), shared by every part.
    var from: String
    var conditions: [String]
    /// What the manifest names: `postgres:db/schema.table` or `postgres:db/query`.
    var sourceName: String
    var relation: PGCatalog.Relation?
    var cursorColumn: Int?
    var warnings: [String] = []
    /// `DISTINCT ON (key)` for a query with a primary key.
    var distinctOn: String?

    /// The SELECT list: each column, cast to text where the lake takes its text.
    var selectList: String {
        columns.map { c in
            let q = PGCatalog.ident(c.name)
            let src = relation == nil ? "q." + q : q
            if c.castToText { return "\(src)::text AS \(q)" }
            if c.arrayCast { return "\(src)::text[] AS \(q)" }
            return src
        }.joined(separator: ", ")
    }

    /// One part's COPY statement; `extra` adds its ctid range.
    func copySQL(extra: String? = nil) -> String {
        var conds = conditions
        if let extra { conds.append(extra) }
        var sql = "SELECT " + (distinctOn.map { "DISTINCT ON (\($0)) " } ?? "") + selectList + " FROM " + from
        if !conds.isEmpty { sql += " WHERE " + conds.joined(separator: " AND ") }
        if let d = distinctOn { sql += " ORDER BY \(d)" + (cursorColumn.map { ", \(PGCatalog.ident(columns[$0].name)) DESC" } ?? "") }
        return "COPY (\(sql)) TO STDOUT (FORMAT binary)"
    }

    /// Reads the catalog for `options` over `c` (inside the load's transaction).
    static func make(_ options: PostgresOptions, state: PGState?, snapshot: PGSnapshotInfo, on c: PGConnection) throws -> PGLoadPlan {
        var relation: PGCatalog.Relation?
        let from: String
        let sourceName: String
        if let table = options.table {
            let r = try PGCatalog.relation(table, on: c)
            relation = r
            from = r.qualified
            sourceName = "postgres:\(c.settings.database)/\(r.display)"
        } else if let query = options.query {
            from = "(\(query)) AS q"
            sourceName = "postgres:\(c.settings.database)/query"
        } else {
            throw PGError.usage("give 'table' or 'query'")
        }
        let list = options.columns.map { $0.map(PGCatalog.ident).joined(separator: ", ") } ?? "*"
        let described: [PGConnection.Described]
        do {
            described = try c.describe("SELECT \(list) FROM \(from)")
        } catch let PGError.server(code, message, _) {
            throw PGError.server(code: code, message: message, context: options.table != nil ? "reading table '\(options.table!)'" : "query")
        }
        var seen = Set<String>()
        for d in described where !seen.insert(d.name).inserted {
            throw PGError.usage("the query returns two columns named '\(d.name)'; give each a name of its own (AS …)")
        }
        let types = try PGCatalog.types(Set(described.map(\.typeOID)), on: c)
        // NOT NULL is the table's promise; a query's join may still yield nulls.
        let notNull = relation == nil ? [] : try PGCatalog.notNull(described.filter { $0.tableOID != 0 }.map { ($0.tableOID, $0.attnum) }, on: c)
        var columns: [PGColumnPlan] = []
        for d in described {
            guard var t = types[d.typeOID] else { throw PGError.protocolViolation("type \(d.typeOID) of column '\(d.name)' is not in pg_type") }
            var typmod = d.typmod
            let declared = t.name
            while t.kind == "d", let base = types[t.baseOID] { typmod = t.baseTypmod; t = base }
            let nullable = !notNull.contains("\(d.tableOID):\(d.attnum)") || (options.infinityAsNull && (t.name == "date" || t.name.hasPrefix("timestamp")))
            guard let plan = PGTypeMapping.plan(name: d.name, type: t, typmod: typmod, nullable: nullable, types: types) else {
                let fix = relation != nil ? "leave it out with 'columns:' or use 'query' with a cast (\(d.name)::text)" : "cast it in the query (\(d.name)::text)"
                throw PGError.usage("column '\(d.name)' has type \(declared), which Inlet cannot map to Parquet: \(fix)")
            }
            columns.append(plan)
        }
        var conditions: [String] = []
        if let w = options.whereClause {
            guard relation != nil else { throw PGError.usage("'where' goes with 'table'; put the condition in the query") }
            conditions.append("(\(w))")
        }
        var primaryKey = options.primaryKey ?? []
        if primaryKey.isEmpty, let r = relation { primaryKey = try PGCatalog.primaryKey(of: r.oid, on: c) }
        var plan = PGLoadPlan(columns: columns, schema: Schema([]), primaryKey: primaryKey, from: from, conditions: conditions,
                              sourceName: sourceName, relation: relation)
        for k in primaryKey where !columns.contains(where: { $0.name == k }) {
            throw PGError.usage("primary key column '\(k)' is not among the columns read")
        }
        if relation == nil, !primaryKey.isEmpty { plan.distinctOn = primaryKey.map { "q." + PGCatalog.ident($0) }.joined(separator: ", ") }
        if let cursor = options.cursorColumn {
            try plan.addIncremental(cursor: cursor, initial: options.initialValue, state: state, snapshot: snapshot)
        }
        try plan.settleNumerics(on: c)
        plan.schema = Schema(plan.columns.map { Field($0.name, $0.type, nullable: $0.nullable) },
                             metadata: ["inlet.source": sourceName])
        return plan
    }

    /// The cursor's filter: after the last run's high mark, or written by a transaction the
    /// last run's snapshot could not see (see `PGState`).
    private mutating func addIncremental(cursor: String, initial: String?, state: PGState?, snapshot: PGSnapshotInfo) throws {
        guard relation != nil else {
            throw PGError.usage("incremental loads need 'table' (each row's transaction id, xmin, proves nothing was missed); a query cannot give it")
        }
        guard let i = columns.firstIndex(where: { $0.name == cursor }) else {
            throw PGError.usage("cursor column '\(cursor)' is not among the columns read")
        }
        guard [.date, .timestamp, .int2, .int4, .int8].contains(columns[i].decode) else {
            throw PGError.usage("cursor column '\(cursor)' is \(columns[i].pgType); it must be a timestamp, date or integer column")
        }
        cursorColumn = i
        let col = PGCatalog.ident(cursor), type = columns[i].pgType
        if let state {
            guard state.cursorColumn == cursor else {
                throw PGError.usage("the dataset's state follows cursor column '\(state.cursorColumn)', not '\(cursor)': run once with --full-refresh")
            }
            var parts: [String] = []
            if let last = state.lastValue { parts.append("\(col) > \(PGCatalog.literal(last))::\(type)") }
            parts.append("\(snapshot.rowXid8) >= \(state.xminHorizon)")
            conditions.append("(" + parts.joined(separator: " OR ") + ")")
        } else if let initial {
            conditions.append("\(col) >= \(PGCatalog.literal(initial))::\(type)")
        }
    }

    /// A numeric without precision is decimal(38, s) with s the largest scale in the rows read,
    /// when every value fits; else its text, with a warning naming the column.
    private mutating func settleNumerics(on c: PGConnection) throws {
        let open = columns.indices.filter { columns[$0].unconstrainedNumeric }
        guard !open.isEmpty else { return }
        let prefix = relation == nil ? "q." : "", names = columns.map(\.name)
        let src = { (i: Int) in prefix + PGCatalog.ident(names[i]) }
        let aggregates = open.map { i in
            "max(scale(\(src(i)))), max(length(trunc(abs(\(src(i))))::text)), count(*) filter (where \(src(i))::text in ('NaN', 'Infinity', '-Infinity'))"
        }.joined(separator: ", ")
        var sql = "SELECT \(aggregates) FROM \(from)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        let row = try c.simpleQuery(sql).first ?? []
        for (k, i) in open.enumerated() {
            let scale = row[3 * k].flatMap { Int($0) } ?? 0
            let digits = row[3 * k + 1].flatMap { Int($0) } ?? 1
            let nonFinite = row[3 * k + 2].flatMap { Int($0) } ?? 0
            if nonFinite == 0, scale <= 38, digits + scale <= 38 {
                columns[i].type = .decimal(precision: 38, scale: scale)
                columns[i].decode = .numeric(precision: 38, scale: scale)
                columns[i].unconstrainedNumeric = false
            } else {
                columns[i] = PGTypeMapping.textPlan(columns[i])
                warnings.append("column '\(columns[i].name)' is numeric without a precision and its values do not fit decimal(38,s)\(nonFinite > 0 ? " (NaN or Infinity)" : ""): loaded as string; declare numeric(p,s) or cast it in a query")
            }
        }
    }
}
