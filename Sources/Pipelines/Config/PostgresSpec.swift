import Connectors
import Yams

extension PipelineSpec {
    static let postgresKeys = ["url", "table", "query", "columns", "where", "incremental", "primary_key", "parallel", "iam_auth", "infinity"]

    /// The `postgres:` block (issue 23's contract): url, table or query, columns, where,
    /// incremental {cursor_column, initial_value}, primary_key, parallel, iam_auth, infinity.
    static func postgresSource(_ map: ConfigMap) throws -> PostgresOptions {
        guard let pg = try map.map("postgres", known: postgresKeys) else {
            throw map.fail(nil, "kind postgres needs a 'postgres:' block with 'table' or 'query'")
        }
        var o = PostgresOptions()
        // The url usually holds a password: errors about it show it as written (${DATABASE_URL}).
        o.url = try pg.string("url") ?? ""
        if !o.url.isEmpty, !(o.url.hasPrefix("postgres://") || o.url.hasPrefix("postgresql://")) {
            throw pg.failValue("url", "'url' must start with postgres:// or postgresql:// (got '\(pg.written("url"))')")
        }
        o.table = try pg.nonEmpty("table")
        o.query = try pg.nonEmpty("query")
        guard (o.table == nil) != (o.query == nil) else {
            throw pg.fail(o.table == nil ? nil : "query", "give 'table' or 'query', exactly one of the two")
        }
        o.columns = try pg.stringList("columns")
        if o.columns != nil, o.query != nil { throw pg.fail("columns", "'columns' goes with 'table'; a query names its own columns") }
        o.whereClause = try pg.nonEmpty("where")
        if o.whereClause != nil, o.query != nil { throw pg.fail("where", "'where' goes with 'table'; put the condition in the query") }
        if let inc = try pg.map("incremental", known: ["cursor_column", "initial_value"]) {
            guard let c = try inc.nonEmpty("cursor_column") else { throw inc.fail(nil, "'incremental' is missing 'cursor_column'") }
            o.cursorColumn = c
            o.initialValue = try inc.string("initial_value")
            if o.query != nil { throw inc.fail(nil, "'incremental' needs 'table': it reads each row's transaction id (xmin), which a query does not give") }
        }
        o.primaryKey = try pg.stringList("primary_key")
        if let n = try pg.int("parallel") {
            guard (1 ... 64).contains(n) else { throw pg.fail("parallel", "'parallel' must be 1 to 64") }
            o.parallel = n
        }
        o.iamAuth = try pg.bool("iam_auth") ?? false
        if let inf = try pg.string("infinity") {
            guard ["error", "null"].contains(inf) else { throw pg.fail("infinity", "'infinity' must be error or null") }
            o.infinityAsNull = inf == "null"
        }
        return o
    }
}
