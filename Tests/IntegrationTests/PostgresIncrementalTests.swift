@testable import Connectors
import Foundation
import Testing

/// `kind: postgres` incremental runs through `inlet run`: the in-flight transaction (dlt#2269)
/// that began before a run and commits after it, with a cursor value below the run's high mark,
/// is loaded by the next run; a row whose cursor moved is loaded again.
@Suite(.enabled(if: PGTestServer.enabled), .serialized)
struct PostgresIncrementalTests {
    static let pipeline = """
        store: ./lake
        pipelines:
          - name: orders
            kind: postgres
            dataset_id: orders
            postgres:
              table: public.inc_orders
              incremental: {cursor_column: updated_at, initial_value: "2024-01-01T00:00:00Z"}

        """

    static func ids(_ store: String) throws -> [Int] {
        let out = try runPython("""
            import sys, pyarrow.dataset as ds
            t = ds.dataset(sys.argv[1], format="parquet", exclude_invalid_files=True).to_table()
            print(",".join(str(i) for i in sorted(t.column("id").to_pylist())))
            """, [store + "/datasets/orders/data"])
        return out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Int($0) }
    }

    /// inc_orders with rows 1, 2, 3 stamped Jan 1, 2, 3.
    static func createTable() throws {
        try PGTestServer.require()
        try PGTestServer.psql("""
            drop table if exists inc_orders;
            create table inc_orders (id int8 primary key, note text, updated_at timestamptz not null);
            insert into inc_orders values (1, 'a', '2024-01-01 10:00+00'), (2, 'b', '2024-01-02 10:00+00'), (3, 'c', '2024-01-03 10:00+00');
            """)
    }

    @Test func aTransactionInFlightDuringARunIsLoadedByTheNext() throws {
        try Self.createTable()
        let dir = try TestEnvironment.temporaryDirectory("pg-inc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("inlet.yaml")
        try Self.pipeline.write(to: config, atomically: true, encoding: .utf8)
        let store = dir.appendingPathComponent("lake").path
        let run = { try runInletPG(["run", "orders", "--config", config.path], currentDirectory: dir) }

        // A second connection begins a transaction and writes a row stamped below what run 1 will see.
        let late = try PGTestServer.session()
        defer { late.close() }
        try late.simpleQuery("BEGIN; INSERT INTO inc_orders VALUES (100, 'late', '2024-01-02 12:00+00')")

        let first = try run()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.ids(store) == [1, 2, 3])

        // A new row commits, then the late transaction: its row is below the high mark (Jan 3).
        try PGTestServer.psql("insert into inc_orders values (4, 'd', '2024-01-04 10:00+00');")
        try late.simpleQuery("COMMIT")

        let second = try run()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.ids(store) == [1, 2, 3, 4, 100], "the late commit is loaded, nothing twice")

        // An updated row (its cursor moved) comes again; append keeps both versions until merge.
        try PGTestServer.psql("update inc_orders set note = 'b2', updated_at = '2024-01-05 10:00+00' where id = 2;")
        let third = try run()
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try Self.ids(store) == [1, 2, 2, 3, 4, 100])
    }
}

extension PostgresIncrementalTests {
    /// With `primary_key` written in the config, an incremental run merges: a row whose cursor
    /// moved replaces its old version instead of being appended beside it.
    @Test func aPrimaryKeyInTheConfigMergesUpdatedRows() throws {
        try Self.createTable()
        let dir = try TestEnvironment.temporaryDirectory("pg-merge")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("inlet.yaml")
        try Self.pipeline.replacingOccurrences(of: "      table: public.inc_orders\n", with: "      table: public.inc_orders\n      primary_key: [id]\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let store = dir.appendingPathComponent("lake").path
        let first = try runInletPG(["run", "orders", "--config", config.path], currentDirectory: dir)
        #expect(first.status == 0, "\(first.stderr)")
        try PGTestServer.psql("update inc_orders set note = 'b2', updated_at = '2024-01-05 10:00+00' where id = 2; insert into inc_orders values (4, 'd', '2024-01-06 10:00+00');")
        let second = try runInletPG(["run", "orders", "--config", config.path], currentDirectory: dir)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.ids(store) == [1, 2, 3, 4], "2 replaced, 4 added")
    }
}
