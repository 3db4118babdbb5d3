@testable import Connectors
import Foundation
import SigV4
import Testing

/// Logins (SCRAM, md5), TLS verify-full with the right and a wrong CA, one snapshot for a
/// parallel load under a concurrent writer, each failure's one line and exit code, kill -9
/// mid-load, and RDS IAM tokens equal to botocore's.
@Suite(.enabled(if: PGTestServer.enabled), .serialized)
struct PostgresConnectionTests {
    func lake(_ name: String) throws -> (dir: URL, store: String) {
        let dir = try TestEnvironment.temporaryDirectory(name)
        return (dir, dir.appendingPathComponent("lake").path)
    }

    func pg(_ args: [String], url: String = PGTestServer.url(), store: String, env: [String: String] = [:]) throws -> ProcessOutput {
        try runInletPG(["pg", url] + args + ["--store", store], environment: env)
    }

    @Test func scramMd5AndTLSVerifyFull() throws {
        try PGTestServer.require()
        let (dir, store) = try lake("pg-tls")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ca = PGTestServer.env["INLET_TEST_PG_CA"] ?? "", wrong = PGTestServer.env["INLET_TEST_PG_WRONG_CA"] ?? ""
        let q = ["--query", "select 1::int4 as one", "--dataset-id"]
        // SCRAM-SHA-256 (the cluster's host login) over TLS, checking the server's name against the CA.
        let good = try pg(q + ["tls"], url: PGTestServer.url("sslmode=verify-full&sslrootcert=\(ca)"), store: store)
        #expect(good.status == 0, "\(good.stderr)")
        let bad = try pg(q + ["tls2"], url: PGTestServer.url("sslmode=verify-full&sslrootcert=\(wrong)"), store: store)
        #expect(bad.status == 4, "\(bad.stderr)")
        #expect(bad.stderr.lowercased().contains("certificate"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: store + "/datasets/tls2"))
        // md5, the password in the URL: never printed; the error shows it as ***.
        let md5User = PGTestServer.env["INLET_TEST_PG_MD5_USER"] ?? "", md5 = PGTestServer.env["INLET_TEST_PG_MD5_PASSWORD"] ?? ""
        let withPassword = "postgres://\(md5User):\(md5)@\(PGTestServer.host):\(PGTestServer.port)/\(PGTestServer.database)"
        let md5ok = try pg(q + ["md5"], url: withPassword, store: store, env: ["PGPASSWORD": ""])
        #expect(md5ok.status == 0, "\(md5ok.stderr)")
        let wrongPassword = withPassword.replacingOccurrences(of: ":\(md5)@", with: ":not-\(md5)@")
        let denied = try pg(q + ["md5b"], url: wrongPassword, store: store, env: ["PGPASSWORD": ""])
        #expect(denied.status == 4, "\(denied.stderr)")
        #expect(denied.stderr.contains("***"), "\(denied.stderr)")
        #expect(!denied.stderr.contains("not-\(md5)"), "the wrong password was printed")
    }

    @Test func eachFailureIsOneLineWithItsExitCode() throws {
        try PGTestServer.require()
        let (dir, store) = try lake("pg-fail")
        defer { try? FileManager.default.removeItem(at: dir) }
        try PGTestServer.psql("drop table if exists odd_types; create table odd_types (id int4, p point);")
        let cases: [(args: [String], url: String, status: Int32, says: String)] = [
            (["--table", "no_such_table"], PGTestServer.url(), 2, "--list-tables"),
            (["--query", "selec 1"], PGTestServer.url(), 2, "syntax error"),
            (["--table", "odd_types"], PGTestServer.url(), 2, "column 'p' has type point"),
            (["--table", "odd_types"], "postgres://\(PGTestServer.user)@\(PGTestServer.host):\(PGTestServer.port)/no_such_db", 4, "no_such_db"),
            (["--table", "odd_types"], "postgres://\(PGTestServer.user)@127.0.0.1:1/\(PGTestServer.database)", 4, "127.0.0.1:1"),
            // The backend ends itself after 50,000 rows: the server going away mid-load.
            (["--query", "select g::int8 as id, case when g = 50000 then pg_terminate_backend(pg_backend_pid()) end as k from generate_series(1, 100000) g"],
             PGTestServer.url(), 4, "the server closed the connection"),
        ]
        for c in cases {
            let r = try pg(c.args + ["--dataset-id", "f"], url: c.url, store: store)
            #expect(r.status == c.status, "\(c.args): \(r.stderr)")
            #expect(r.stderr.contains(c.says), "\(c.args): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning") }
            #expect(lines.count == 1, "one line: \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: store + "/datasets/f/_manifest.json"))
        }
        let wrong = try pg(["--table", "odd_types", "--dataset-id", "f"], store: store, env: ["PGPASSWORD": "wrong-password-123"])
        #expect(wrong.status == 4, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("password authentication failed"), "\(wrong.stderr)")
    }

    /// parallel: 2 reads the same rows as parallel: 1, and one snapshot under a writer whose
    /// every transaction moves one unit from a row of the table's first half (the first
    /// connection's pages) to one of its second half: the loaded units always sum to zero. A
    /// second connection with a snapshot of its own would see later transfers than the first.
    @Test func parallelLoadsOneSnapshot() throws {
        try PGTestServer.require()
        try PGTestServer.psql("""
            drop table if exists par; drop table if exists par_stop; create table par_stop (x int);
            create table par (id int8 primary key, v int8 not null, pad text);
            insert into par select g, 0, repeat('x', 40) from generate_series(1, 200000) g;
            """)
        let (dir, store) = try lake("pg-par")
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = try pg(["--table", "par", "--dataset-id", "p1"], store: store)
        #expect(one.status == 0, "\(one.stderr)")
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: (PGTestServer.env["INLET_TEST_PG_BIN"] ?? "/usr/lib/postgresql/15/bin") + "/psql")
        writer.arguments = ["-X", "-q", "-c", """
            do $$ declare a int8; b int8; begin for i in 1..10000000 loop
              exit when exists (select from par_stop);
              a := 1 + floor(random() * 100000); b := 100001 + floor(random() * 100000);
              update par set v = v + case when id = a then -1 else 1 end where id in (a, b); commit;
            end loop; end $$;
            """]
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        // Killing psql would not stop its server session: the writer stops itself on this row.
        defer { _ = try? PGTestServer.psql("insert into par_stop values (1);"); writer.waitUntilExit() }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try PGTestServer.psql("select count(*) from par where v <> 0").hasPrefix("0") { usleep(20_000) }
        let two = try pg(["--table", "par", "--dataset-id", "p2", "--parallel", "2", "-v"], store: store)
        #expect(two.status == 0, "\(two.stderr)")
        #expect(two.stderr.contains("2 connection(s)"), "\(two.stderr)")
        let out = try runPython("""
            import sys, pyarrow.compute as pc, pyarrow.dataset as ds
            a = ds.dataset(sys.argv[1] + "/datasets/p1/data").to_table().sort_by("id")
            b = ds.dataset(sys.argv[1] + "/datasets/p2/data").to_table().sort_by("id")
            moved = pc.sum(pc.not_equal(b.column("v"), 0)).as_py()
            print(a.num_rows, b.num_rows, a.column("id").equals(b.column("id")), pc.sum(b.column("v")).as_py(), moved > 0)
            """, [store])
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "200000 200000 True 0 True", "one view of the table: \(out)")
    }

    /// kill -9 mid-load: the dataset is as the last good load left it.
    @Test func killedMidLoadLeavesTheLakeAsItWas() throws {
        try PGTestServer.require()
        let (dir, store) = try lake("pg-kill")
        defer { try? FileManager.default.removeItem(at: dir) }
        let small = try pg(["--query", "select g::int8 as id from generate_series(1, 10) g", "--dataset-id", "k"], store: store)
        #expect(small.status == 0, "\(small.stderr)")
        let manifest = store + "/datasets/k/_manifest.json"
        let before = try Data(contentsOf: URL(fileURLWithPath: manifest))
        let marker = "inlet_kill_\(UInt32.random(in: 0 ... .max))"
        let child = Process()
        child.executableURL = URL(fileURLWithPath: TestEnvironment.inletBinary)
        child.arguments = ["pg", PGTestServer.url(), "--query", "select g::int8 as id, '\(marker)' as m from generate_series(1, 200000000) g",
                           "--dataset-id", "k", "--store", store]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        // Wait until the server runs its COPY, then kill.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, child.isRunning,
              try PGTestServer.psql("select count(*) from pg_stat_activity where query like 'COPY%\(marker)%'").hasPrefix("0") { usleep(50_000) }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal, "killed mid-load")
        #expect(try Data(contentsOf: URL(fileURLWithPath: manifest)) == before)
        let ids = try runPython("import sys, pyarrow.dataset as ds; print(ds.dataset(sys.argv[1], exclude_invalid_files=True).to_table().num_rows)",
                                [store + "/datasets/k/data"])
        #expect(ids.trimmingCharacters(in: .whitespacesAndNewlines) == "10")
    }

    /// Our SigV4 presigner makes the token botocore's generate_db_auth_token makes for the same inputs and time.
    @Test func rdsIamTokenEqualsBotocores() throws {
        let date = Date(timeIntervalSince1970: 1_733_480_000)
        let creds = SigV4Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "tok/en+=")
        let ours = RDSAuthToken.make(host: "db.abc.eu-west-1.rds.amazonaws.com", port: 5432, user: "app_user", region: "eu-west-1",
                                     credentials: creds, at: date)
        let theirs = try runPython("""
            import datetime, sys
            from unittest import mock
            import boto3
            now = datetime.datetime.fromtimestamp(int(sys.argv[1]), datetime.timezone.utc).replace(tzinfo=None)
            with mock.patch("botocore.auth.get_current_datetime", return_value=now):
                s = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                          aws_session_token="tok/en+=", region_name="eu-west-1")
                print(s.client("rds").generate_db_auth_token("db.abc.eu-west-1.rds.amazonaws.com", 5432, "app_user"))
            """, ["1733480000"])
        // The same parameters and signature; their order in the query is free (botocore's is not sorted).
        func parts(_ token: String) -> [String] { token.split(separator: "?").last.map { $0.split(separator: "&").map(String.init).sorted() } ?? [] }
        let mine = ours, other = theirs.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(mine.hasPrefix("db.abc.eu-west-1.rds.amazonaws.com:5432/?") && other.hasPrefix("db.abc.eu-west-1.rds.amazonaws.com:5432/?"))
        #expect(parts(mine) == parts(other), "ours: \(mine)\nbotocore: \(other)")
    }
}
