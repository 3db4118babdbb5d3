/// What the catalog says, read over the load's own snapshot connection.
enum PGCatalog {
    /// An SQL string literal.
    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// A quoted identifier.
    static func ident(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    struct Relation {
        var oid: UInt32
        /// `"schema"."name"`.
        var qualified: String
        var display: String
    }

    /// The table or view `name` (`schema.table` or a name on the search path, as psql takes it).
    static func relation(_ name: String, on c: PGConnection) throws -> Relation {
        let rows: [[String?]]
        do {
            rows = try c.simpleQuery("""
                select c.oid, n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where c.oid = to_regclass(\(literal(name)))
                """)
        } catch PGError.server(let code, _, _) where code == "42602" || code == "3F000" {
            rows = []   // an invalid name or an unknown schema: no such table
        }
        guard let r = rows.first, let oid = r[0].flatMap({ UInt32($0) }), let schema = r[1], let rel = r[2] else {
            throw PGError.usage("table '\(name)' does not exist in database '\(c.settings.database)' (list them with: inlet pg URL --list-tables)")
        }
        return Relation(oid: oid, qualified: ident(schema) + "." + ident(rel), display: "\(schema).\(rel)")
    }

    /// Types by oid, with every domain's base and array's element, recursively.
    static func types(_ oids: Set<UInt32>, on c: PGConnection) throws -> [UInt32: PGType] {
        var known: [UInt32: PGType] = [:]
        var wanted = oids
        while !wanted.isEmpty {
            let rows = try c.simpleQuery("""
                select oid, typname, typtype, typbasetype, typtypmod, typelem, typcategory from pg_type
                where oid in (\(wanted.map(String.init).joined(separator: ",")))
                """)
            wanted = []
            for r in rows {
                guard let oid = r[0].flatMap({ UInt32($0) }) else { continue }
                let t = PGType(oid: oid, name: r[1] ?? "?", kind: r[2]?.first ?? "b", baseOID: r[3].flatMap { UInt32($0) } ?? 0,
                               baseTypmod: r[4].flatMap { Int32($0) } ?? -1, elementOID: r[5].flatMap { UInt32($0) } ?? 0,
                               category: r[6]?.first ?? "X")
                known[oid] = t
                for next in [t.baseOID, t.category == "A" ? t.elementOID : 0] where next != 0 && known[next] == nil { wanted.insert(next) }
            }
            wanted.subtract(known.keys)
            if rows.isEmpty { break }
        }
        return known
    }

    /// `attnotnull` of table columns, by (table oid, attnum).
    static func notNull(_ columns: [(UInt32, Int16)], on c: PGConnection) throws -> Set<String> {
        guard !columns.isEmpty else { return [] }
        let pairs = columns.map { "(\($0.0),\($0.1))" }.joined(separator: ",")
        let rows = try c.simpleQuery("select attrelid, attnum from pg_attribute where attnotnull and (attrelid::int8, attnum) in (\(pairs))")
        return Set(rows.map { "\($0[0] ?? ""):\($0[1] ?? "")" })
    }

    /// The primary key's columns, in key order.
    static func primaryKey(of table: UInt32, on c: PGConnection) throws -> [String] {
        try c.simpleQuery("""
            select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
            where i.indrelid = \(table) and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)
            """).compactMap { $0[0] }
    }

    /// Tables and views a user can read, with the planner's row estimates.
    static func listTables(on c: PGConnection) throws -> [(name: String, kind: String, rows: String)] {
        try c.simpleQuery("""
            select n.nspname || '.' || c.relname, case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
              when 'p' then 'partitioned table' when 'f' then 'foreign table' else 'table' end,
              case when c.reltuples < 0 then '?' else c.reltuples::int8::text end
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'v', 'm', 'p', 'f') and n.nspname not in ('pg_catalog', 'information_schema')
              and n.nspname not like 'pg_toast%' and has_table_privilege(c.oid, 'select')
            order by 1
            """).map { ($0[0] ?? "", $0[1] ?? "", $0[2] ?? "?") }
    }
}
