import ArgumentParser
import Columnar
import Connectors
import Foundation
import Lake
import Pipelines

/// `inlet pg`: a PostgreSQL table or query into a dataset, ad hoc (a pipeline of kind
/// postgres does the same from inlet.yaml). It parses and prints; the load is `LoadJob`'s.
struct Pg: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pg",
        abstract: "Load a PostgreSQL table or query into a dataset, with types from the catalog.",
        discussion: """
        Without URL, PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE and ~/.pgpass apply, as
        for psql; a URL on the command line is visible to other users of the machine, so prefer them.
        Examples:
          inlet pg postgres://app@db.internal/shop --table public.orders --dataset-id orders --partition-col created_at
          inlet pg --query "select id, total from orders where total > 0" --dataset-id big-orders
          inlet pg postgres://app@db.internal/shop --list-tables
        """
    )

    @Argument(help: ArgumentHelp("postgres://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]", valueName: "url"))
    var url: String?

    @Flag(help: "List the tables and views the user can read, then stop.")
    var listTables = false

    @Option(help: ArgumentHelp("The table (schema.table or a name on the search path).", valueName: "table"))
    var table: String?

    @Option(help: ArgumentHelp("A SELECT to load instead of a table.", valueName: "sql"))
    var query: String?

    @Option(name: .customLong("where"), help: ArgumentHelp("An SQL condition on the table's rows.", valueName: "sql"))
    var whereClause: String?

    @Option(help: ArgumentHelp("Only these columns, comma-separated.", valueName: "a,b"))
    var columns: String?

    @Option(help: ArgumentHelp("The dataset to write.", valueName: "id"))
    var datasetId: String?

    @Option(help: ArgumentHelp("Partition by this DATE or TIMESTAMP column.", valueName: "column"))
    var partitionCol: String?

    @Option(help: ArgumentHelp("Connections reading one snapshot, by page ranges (tables, PostgreSQL 14+).", valueName: "n"))
    var parallel = 1

    @Flag(help: "Log in with an RDS IAM token (AWS_REGION and the AWS credentials) instead of a password.")
    var iamAuth = false

    @Flag(help: "Load ±infinity dates and timestamps as null instead of failing.")
    var infinityNull = false

    @OptionGroup var load: LoadCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1 ... 64).contains(parallel) else { throw ValidationError("--parallel must be 1 to 64") }
        if listTables { return }
        guard (table == nil) != (query == nil) else { throw ValidationError("give --table or --query (exactly one), or --list-tables") }
        if query != nil, whereClause != nil || columns != nil { throw ValidationError("--where and --columns go with --table") }
        guard let datasetId else { throw ValidationError("missing --dataset-id") }
        try validateDatasetID(datasetId)
    }

    func options() -> PostgresOptions {
        var o = PostgresOptions()
        o.url = url ?? ""
        o.table = table
        o.query = query
        o.whereClause = whereClause
        o.columns = columns?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        o.parallel = parallel
        o.iamAuth = iamAuth
        o.infinityAsNull = infinityNull
        return o
    }

    func run() async throws {
        let console = global.console
        let source = PostgresSource(options: options(), environment: StoreResolver.environment)
        if listTables {
            return try await CommandRunner.run(console) {
                let tables = try await runBlocking { try source.listTables() }
                if console.json {
                    try console.emitJSON(tables.map { ["name": $0.name, "kind": $0.kind, "rows": $0.rows] })
                } else {
                    for line in Format.table(["table", "kind", "rows (estimate)"], tables.map { [$0.name, $0.kind, $0.rows] }) { console.out(line) }
                }
            }
        }
        try await CommandRunner.run(console, store: global.store) { store in
            let job = try load.job(source, dataset: try DatasetID(datasetId ?? ""), partitionColumn: partitionCol, console: console)
            try await SingleLoad.run(job, store: store, console: console)
        }
    }
}
