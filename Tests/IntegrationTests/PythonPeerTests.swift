import Testing

/// Proves the peers that the other integration tests rely on are really there.
@Suite struct PythonPeerTests {
    @Test(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required))
    func peersImport() throws {
        let out = try runPython("import pyarrow, duckdb, polars; print(pyarrow.__version__ > '0')")
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "True")
    }
}
