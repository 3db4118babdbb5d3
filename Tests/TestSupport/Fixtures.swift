import Foundation

/// Paths every test target shares: the package root and the committed fixtures.
public enum Fixtures {
    /// The folder holding Package.swift.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `Tests/Fixtures`: public conformance data, committed with its licences.
    public static var root: URL { packageRoot.appendingPathComponent("Tests/Fixtures") }

    /// csv-spectrum's `csvs/` and `json/`.
    public static var csvSpectrum: URL { root.appendingPathComponent("csv-spectrum") }

    /// parquet-testing's `data/` (valid files).
    public static var parquetData: URL { root.appendingPathComponent("parquet-testing/data") }

    /// parquet-testing's `bad_data/` (files a reader must reject).
    public static var parquetBadData: URL { root.appendingPathComponent("parquet-testing/bad_data") }
}
