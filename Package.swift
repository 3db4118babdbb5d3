// swift-tools-version:6.0
import PackageDescription

let jemalloc: [LinkerSetting] = [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]

// Our code builds for Nehalem's instruction set (x86-64-v2: SSE4.2 and POPCNT, in every
// x86-64 server CPU since about 2010): the byte scans count bits in each 32-byte mask, and
// without POPCNT each count is a dozen instructions (docs/PERFORMANCE.md).
#if arch(x86_64)
let cpu: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "nehalem"])]
#else
let cpu: [SwiftSetting] = []
#endif

// The JSON reader's pass 1 updates per-field statistics objects for every value; Swift's
// run-time exclusivity checks on their properties took 4.5% of a JSON load (perf). The
// compiler still checks exclusivity statically; only the dynamic check is dropped, there.
let jsonHotPath: [SwiftSetting] = cpu + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

// Column builders are filled value by value from other modules (the JSON walker reached a
// struct's field through a `_modify` coroutine call that allocated its frame, twice per value).
// Cross-module optimization lets callers inline Columnar's and Inference's small functions.
let inlinedAcrossModules: [SwiftSetting] = cpu + [.unsafeFlags(["-cross-module-optimization"])]

// One library per layer; arrows only point down (see ../shared/DESIGN.md).
let package = Package(
    name: "Inlet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "inlet", targets: ["inlet"]),
        .library(name: "Columnar", targets: ["Columnar"]),
        .library(name: "Parquet", targets: ["Parquet"]),
        .library(name: "Delimited", targets: ["Delimited"]),
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "ObjectStore", targets: ["ObjectStore"]),
        .library(name: "Lake", targets: ["Lake"]),
        // For scripts/pgnio-bench, which measures our PostgreSQL reader beside postgres-nio.
        .library(name: "Connectors", targets: ["Connectors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C libraries from Debian's -dev packages (scripts/setup installs them).
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd"),
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CIsal", path: "Sources/CIsal"),
        // TLS for the PostgreSQL wire protocol (Debian's libssl-dev).
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl"),

        .target(name: "Columnar", swiftSettings: inlinedAcrossModules),
        .target(name: "Parquet", dependencies: ["Columnar", "CZstd", "CSnappy", "CZlib"], swiftSettings: cpu),
        .target(name: "Delimited", dependencies: ["Columnar", "CIsal", "CZstd"], swiftSettings: cpu),
        .target(name: "Inference", dependencies: ["Columnar", "Delimited"], swiftSettings: inlinedAcrossModules),
        // The streaming JSON reader: strict RFC 8259, records from NDJSON or arrays, whole-input
        // inference of nested types, conversion on all cores.
        .target(name: "JSON", dependencies: ["Columnar", "Delimited", "Inference"], swiftSettings: jsonHotPath),
        // AWS Signature V4 as pure functions; kept apart from HTTP so it is tested stage by stage.
        .target(name: "SigV4", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: cpu),
        .target(name: "ObjectStore", dependencies: [
            "SigV4",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: cpu),
        .target(name: "Lake", dependencies: [
            "Columnar", "Parquet", "ObjectStore",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: cpu),
        // One folder per source: Csv, Json, CursorUsage, Domo, Api, Files, Postgres.
        .target(name: "Connectors", dependencies: [
            "Columnar", "Delimited", "Inference", "JSON", "Parquet", "ObjectStore", "SigV4", "COpenSSL",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: cpu),
        // The load job every source goes through; pipelines from a config; state; shards.
        .target(name: "Pipelines", dependencies: [
            "Columnar", "Parquet", "Inference", "JSON", "ObjectStore", "Lake", "Connectors",
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: cpu),
        .target(name: "InletCLI", dependencies: [
            "Columnar", "Parquet", "Delimited", "Inference", "ObjectStore", "Lake", "Connectors", "Pipelines",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: cpu),
        // jemalloc (Debian's libjemalloc-dev) replaces glibc's malloc in both tools: a many-partition
        // load allocates and frees many mid-sized buffers, which glibc's malloc handled slowly
        // and with peak RSS growing with the input (docs/PERFORMANCE.md).
        // jemalloc's settings for the binary (see allocator_config.c).
        .target(name: "CAllocatorConfig", path: "Sources/CAllocatorConfig"),
        .executableTarget(name: "inlet", dependencies: ["InletCLI", "CAllocatorConfig"], swiftSettings: cpu, linkerSettings: jemalloc),
        // README "Writing a source": a source of our own in under 60 lines, run into a lake.
        .executableTarget(name: "custom-source-example", dependencies: ["Columnar", "Connectors", "Lake", "ObjectStore", "Pipelines"],
                          path: "Examples/CustomSource"),
        .executableTarget(name: "inlet-bench", dependencies: ["Columnar", "Parquet", "Delimited", "Inference", "JSON", "Connectors"],
                          swiftSettings: cpu, linkerSettings: jemalloc),

        // Helpers every test target shares (the seeded generator, fixture paths).
        // Runs domo_emulator.py (stdlib Python) on loopback for the DOMO and `inlet run` tests.
        .target(name: "TestSupport", path: "Tests/TestSupport", exclude: ["domo_emulator.py", "api_emulator.py", "emulator_base.py",
                                                                            "delta_read.py", "delta_read_check.py", "delta_merge_reference.py"]),
        .testTarget(name: "ColumnarTests", dependencies: ["Columnar"]),
        .testTarget(name: "ParquetTests", dependencies: ["TestSupport", "Parquet", "Columnar"]),
        .testTarget(name: "DelimitedTests", dependencies: ["TestSupport", "Delimited"]),
        .testTarget(name: "JSONTests", dependencies: ["TestSupport", "JSON", "Columnar", "Delimited", "Inference"]),
        .testTarget(name: "InferenceTests", dependencies: ["TestSupport", "Inference", "Delimited", "Columnar"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"]),
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "SigV4"]),
        .testTarget(name: "LakeTests", dependencies: ["Lake", "Parquet", "Columnar", "ObjectStore"]),
        .testTarget(name: "PipelinesTests", dependencies: ["TestSupport", "Pipelines", "Connectors", "Lake", "ObjectStore", "Columnar", "Parquet"]),
        .testTarget(name: "InletCLITests", dependencies: ["InletCLI", "Columnar"]),
        .testTarget(name: "ConnectorsTests", dependencies: ["TestSupport", "Connectors", "Columnar", "Delimited", "Inference", "JSON", "Parquet"]),
        // Runs real peers (pyarrow, DuckDB, polars, moto) through scripts/test's venv.
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport", "InletCLI", "Parquet", "Columnar", "Lake", "ObjectStore", "SigV4", "Connectors"],
                    exclude: ["Support/arrow_canon.py", "Support/files_corpus.py"]),
    ],
    swiftLanguageModes: [.v5]
)
