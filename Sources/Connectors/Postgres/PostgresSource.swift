import Columnar
import Foundation
import Inference

/// A PostgreSQL table or query as a source. Column types come from the catalog, so there is one
/// pass and no second; the rows stream through `COPY … TO STDOUT (FORMAT binary)` inside one
/// `REPEATABLE READ, READ ONLY` transaction, whose snapshot the other connections of a
/// `parallel` load import, each reading a range of the table's pages. Incremental loads keep
/// a cursor and the snapshot's xmin horizon (`PGState`).
public final class PostgresSource: Source {
    public let options: PostgresOptions
    let environment: [String: String]
    private var readers: PGPartReaders?
    private var connections: [PGConnection] = []

    public private(set) var name: String

    public init(options: PostgresOptions, environment: [String: String]) {
        self.options = options
        self.environment = environment
        name = "postgres:" + (options.table ?? "query")
    }

    /// The settings to connect with, and the password to use (an IAM token when asked).
    func connect() throws -> PGConnection {
        let settings = try PGSettings(url: options.url, environment: environment)
        let password = options.iamAuth ? try RDSAuthToken.make(settings: settings, environment: environment) : nil
        return try PGConnection(settings, password: password)
    }

    /// `inlet pg URL --list-tables`.
    public func listTables() throws -> [(name: String, kind: String, rows: String)] {
        let c = try connect()
        defer { c.close() }
        return try PGCatalog.listTables(on: c)
    }

    public func open(state: JSONValue?, events: SourceEvents) async throws -> any SourcePass {
        // Blocking I/O: off the cooperative pool.
        try await runBlocking { try self.openBlocking(state: state, events: events) }
    }

    private func openBlocking(state: JSONValue?, events: SourceEvents) throws -> any SourcePass {
        let leader = try connect()
        connections = [leader]
        try leader.simpleQuery("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        var parallel = max(1, options.parallel)
        if parallel > 1 && options.table == nil {
            events.warning("parallel: \(parallel) reads tables only; this query is read over one connection")
            parallel = 1
        }
        if parallel > 1 && leader.serverVersion < 140_000 {
            events.warning("parallel: \(parallel) splits tables by page ranges (PostgreSQL 14 or later); this server is \(leader.serverVersion / 10000): one connection")
            parallel = 1
        }
        // The first statement fixes the transaction's snapshot; export it for the other connections.
        var snapshot = try Self.snapshot(leader, export: parallel > 1)
        if parallel > 1 && snapshot.exported == nil {
            events.warning("this server cannot export snapshots (a read replica?): one connection, so the dataset stays one consistent view")
            parallel = 1
            snapshot = try Self.snapshot(leader, export: false)
        }
        let previous = options.incremental ? PGState(state) : nil
        var plan = try PGLoadPlan.make(options, state: previous, snapshot: snapshot, on: leader)
        name = plan.sourceName
        // plan.warnings go in the report, which prints them once (and in --json).
        events.detail("\(plan.sourceName): \(plan.columns.count) columns, snapshot xmin \(snapshot.xmin), \(parallel) connection(s)")

        var parts = [plan.copySQL()]
        if parallel > 1, let rel = plan.relation {
            let pages = Int(try leader.simpleQuery("SELECT pg_relation_size(\(rel.oid)) / current_setting('block_size')::int8").first?.first??.description ?? "0") ?? 0
            let n = min(parallel, max(1, pages))
            let bounds = (0 ... n).map { pages * $0 / n }
            parts = (0 ..< n).map { k in
                var range: [String] = []
                if k > 0 { range.append("ctid >= '(\(bounds[k]),0)'::tid") }
                if k < n - 1 { range.append("ctid < '(\(bounds[k + 1]),0)'::tid") }
                return plan.copySQL(extra: range.isEmpty ? nil : range.joined(separator: " AND "))
            }
            for _ in 1 ..< parts.count {
                let c = try connect()
                connections.append(c)
                try c.simpleQuery("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT \(PGCatalog.literal(snapshot.exported!))")
            }
        }
        plan.schema.metadata["inlet.snapshot_xmin"] = String(snapshot.xmin)
        let readers = PGPartReaders(connections: connections, parts: parts, plan: plan, infinityAsNull: options.infinityAsNull)
        self.readers = readers
        readers.start()
        return Pass(plan: plan, readers: readers, snapshot: snapshot, previous: previous, events: events)
    }

    static func snapshot(_ c: PGConnection, export: Bool) throws -> PGSnapshotInfo {
        let sql = "SELECT \(export ? "pg_export_snapshot()" : "NULL"), pg_snapshot_xmin(pg_current_snapshot())::text, pg_snapshot_xmax(pg_current_snapshot())::text"
        let row: [String?]
        do {
            row = try c.simpleQuery(sql).first ?? []
        } catch PGError.server where export {
            // Hot standbys and some managed services refuse to export: roll back, read with one.
            try c.simpleQuery("ROLLBACK; BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return PGSnapshotInfo(exported: nil, xmin: 0, xmax: 0)
        }
        guard row.count == 3, let xmin = row[1].flatMap({ UInt64($0) }), let xmax = row[2].flatMap({ UInt64($0) }) else {
            throw PGError.protocolViolation("unexpected answer reading the snapshot")
        }
        return PGSnapshotInfo(exported: row[0] ?? nil, xmin: xmin, xmax: xmax)
    }

    public func close() {
        readers?.stop()
        readers = nil
        for c in connections { c.close() }
        connections = []
    }

    final class Pass: SourcePass {
        let plan: PGLoadPlan
        let readers: PGPartReaders
        let snapshot: PGSnapshotInfo
        let previous: PGState?
        let events: SourceEvents
        private var ended = false

        init(plan: PGLoadPlan, readers: PGPartReaders, snapshot: PGSnapshotInfo, previous: PGState?, events: SourceEvents) {
            self.plan = plan
            self.readers = readers
            self.snapshot = snapshot
            self.previous = previous
            self.events = events
        }

        var schema: Schema { plan.schema }

        func next() throws -> RecordBatch? {
            guard let b = try readers.queue.pop() else {
                if !ended { ended = true; events.phaseEnded("load") }
                return nil
            }
            events.progress("load", readers.bytesRead, nil, readers.rowsRead)
            return b
        }

        func identity() async throws -> SourceIdentity {
            SourceIdentity(name: plan.sourceName, size: readers.bytesRead, sha256: "")
        }

        /// The cursor's new high mark (or the old one when no row came) and this snapshot's horizon.
        var state: JSONValue? {
            guard let i = plan.cursorColumn else { return nil }
            let c = plan.columns[i]
            var last = previous?.lastValue, raw = previous?.lastRaw
            // In-flight rows may bring only lower values: the mark never moves back.
            if let m = readers.cursorMax, m > (raw ?? .min) {
                let utc: Bool = { if case .timestamp(_, true) = c.type { return true }; return false }()
                last = PGState.literal(m, decode: c.decode, utc: utc)
                raw = m
            }
            return PGState(cursorColumn: c.name, lastValue: last, lastRaw: raw, xminHorizon: snapshot.xmin).json
        }

        var report: SourceReport {
            SourceReport(columns: plan.columns.map {
                ColumnReport(name: $0.name, type: $0.type.name, nullCount: 0, format: nil,
                             reason: "PostgreSQL \($0.pgType)\($0.castToText || $0.arrayCast ? " read as text" : "")\($0.nullable ? "" : ", NOT NULL")")
            }, warnings: plan.warnings)
        }
    }
}
