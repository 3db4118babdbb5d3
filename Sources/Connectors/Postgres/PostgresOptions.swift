/// What a `kind: postgres` pipeline (or `inlet pg`) reads: the keys of its `postgres:` block.
public struct PostgresOptions: Sendable {
    /// `postgres://…`; empty: the `PG*` variables alone.
    public var url = ""
    /// `schema.table` (or `table`), or `query`: exactly one of the two.
    public var table: String?
    public var query: String?
    /// Only these columns (table sources), in this order.
    public var columns: [String]?
    /// An SQL condition on the table's rows.
    public var whereClause: String?
    /// Incremental loads: a timestamp, date or integer column, and where the first load starts.
    public var cursorColumn: String?
    public var initialValue: String?
    /// Names rows in errors; read from the catalog when absent. With `query`, rows are made
    /// unique by it (the last by cursor, or any).
    public var primaryKey: [String]?
    /// Connections reading one exported snapshot (table sources, PostgreSQL 14+).
    public var parallel = 1
    /// An RDS IAM token (SigV4, `rds-db:connect`) instead of a password.
    public var iamAuth = false
    /// ±infinity dates and timestamps become nulls instead of an error.
    public var infinityAsNull = false

    public init() {}

    public var incremental: Bool { cursorColumn != nil }
}

/// The URL may hold a password (`${DATABASE_URL}` expanded): printed or dumped, options show
/// what they read, with the URL's password as `***`.
extension PostgresOptions: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let source = table.map { "table \($0)" } ?? "query"
        return "postgres \(PostgresOptions.redactingPassword(url)) \(source)"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
    static func redactingPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].lastIndex(of: "@"),
              let colon = url[scheme.upperBound ..< at].firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}
