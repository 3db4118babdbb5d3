// swift-tools-version:6.1
import PackageDescription

// Issue 23's client choice, measured: the same table streamed by vapor/postgres-nio (binary
// rows, decoded into column buffers) and by Inlet's own protocol reader (binary COPY into
// column builders). Not part of the main package: `scripts/pgnio-bench/run` builds it (release)
// into its own scratch folder and prints rows/s for each.
let package = Package(
    name: "pgnio-bench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(name: "Inlet", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "pgnio-read", dependencies: [
            .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "inlet-read", dependencies: [
            .product(name: "Connectors", package: "Inlet"), .product(name: "Columnar", package: "Inlet"),
        ]),
    ]
)
