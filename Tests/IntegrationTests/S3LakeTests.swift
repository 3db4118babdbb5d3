import Foundation
import Testing

/// `inlet upload`, `show`, `datasets` and `clear` with `--store s3://…` against moto (which
/// checks every signature), read back straight from S3 by pyarrow and polars.
@Suite(.enabled(if: S3TestServer.available || TestEnvironment.required), .serialized)
struct S3LakeTests {
    let server: S3TestServer
    let prefix = "lake-\(UUID().uuidString.prefix(8).lowercased())"

    init() throws { server = try S3TestServer.shared() }

    var env: [String: String] {
        ["AWS_ENDPOINT_URL_S3": server.endpoint, "AWS_ACCESS_KEY_ID": server.accessKeyID,
         "AWS_SECRET_ACCESS_KEY": server.secretAccessKey, "AWS_REGION": server.region, "AWS_SESSION_TOKEN": ""]
    }

    var storeURL: String { "s3://\(server.bucket)/\(prefix)" }

    static let readBack = #"""
import csv, os, sys, pyarrow.fs as pafs, pyarrow.dataset as ds, polars as pl
endpoint, region, bucket, prefix, src = sys.argv[1:]
key, secret = os.environ["TEST_S3_KEY"], os.environ["TEST_S3_SECRET"]
host = endpoint.split("://", 1)[1]
fs = pafs.S3FileSystem(endpoint_override=host, scheme="http", access_key=key, secret_key=secret, region=region)
root = f"{bucket}/{prefix}/datasets/orders/partitions"
t = ds.dataset(root, filesystem=fs, format="parquet", partitioning="hive").to_table()
with open(src, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
want = sorted((int(r["order id"]), r["zip"], float(r["amount"])) for r in rows)
got = sorted(zip(t.column("order id").to_pylist(), t.column("zip").to_pylist(), t.column("amount").to_pylist()))
assert got == want, "pyarrow S3 read differs"
opts = {"aws_endpoint_url": endpoint, "aws_access_key_id": key, "aws_secret_access_key": secret,
        "aws_region": region, "aws_allow_http": "true"}
df = pl.scan_parquet(f"s3://{root}/**/*.parquet", storage_options=opts, hive_partitioning=True).select(["order id", "zip", "amount"]).collect()
assert sorted(df.rows()) == want, "polars S3 read differs"
print(len(want))
"""#

    /// Rows read back from S3 by pyarrow and polars (credentials through the environment).
    func readBack(_ csv: String) throws -> String {
        try runPython(Self.readBack, [server.endpoint, server.region, server.bucket, prefix, csv],
                      environment: ["TEST_S3_KEY": server.accessKeyID, "TEST_S3_SECRET": server.secretAccessKey])
    }

    @Test func uploadReadBackShowAndClear() throws {
        let csv = TestEnvironment.example("orders.csv")
        let up = try runInlet(["upload", csv, "--dataset-id", "orders", "--partition-col", "order date", "--store", storeURL, "--json"], environment: env)
        #expect(up.status == 0, "\(up.stderr)")
        let rows = try readBack(csv)
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "3000")

        // Reloading the same export replaces its partitions in place: same keys, nothing stale left.
        let again = try runInlet(["upload", csv, "--dataset-id", "orders", "--partition-col", "order date", "--store", storeURL, "-q"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try readBack(csv)
            .trimmingCharacters(in: .whitespacesAndNewlines) == "3000")

        let show = try runInlet(["show", "orders", "--store", storeURL], environment: env)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("rows: 3,000"), "\(show.stdout)")
        let list = try runInlet(["datasets", "--store", storeURL, "--json"], environment: env)
        #expect(list.stdout.contains("\"orders\""), "\(list.stdout)")

        let clear = try runInlet(["clear", "orders", "--store", storeURL, "--yes"], environment: env)
        #expect(clear.status == 0, "\(clear.stderr)")
        let left = try runPython(server.pythonPreamble + """
            r = s3.list_objects_v2(Bucket=bucket, Prefix=\"\(prefix)/\")
            print(r.get("KeyCount", 0))
            """)
        #expect(left.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func wrongSecretIsAnAuthErrorWithExitFourAndNoSecret() throws {
        var bad = env
        bad["AWS_SECRET_ACCESS_KEY"] = "wrong-" + server.secretAccessKey.dropFirst(6)
        let r = try runInlet(["upload", TestEnvironment.example("orders.csv"), "--dataset-id", "orders", "--store", storeURL], environment: bad)
        #expect(r.status == 4, "\(r.stderr)")
        #expect(r.stderr.contains("SignatureDoesNotMatch") || r.stderr.lowercased().contains("credential"), "\(r.stderr)")
        #expect(!r.stderr.contains(bad["AWS_SECRET_ACCESS_KEY"]!))
        #expect(!r.stderr.contains(server.secretAccessKey))
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
    }
}
