import TestSupport
import Foundation
import Testing

@testable import Delimited

@Suite struct SpectrumTests {
    /// csv-spectrum 2.0.0's location_coordinates.json disagrees with its own CSV on the
    /// phone number (1234567890 vs 2095257564): an upstream data error. Every other field
    /// of that case is compared, and the phone field is checked against the CSV's bytes.
    static let upstreamMismatch = ["location_coordinates": ["Contact Phone Number": "2095257564"]]

    @Test func everyCaseMatchesItsJSON() throws {
        let csvs = Fixtures.csvSpectrum.appendingPathComponent("csvs")
        let names = try FileManager.default.contentsOfDirectory(atPath: csvs.path).filter { $0.hasSuffix(".csv") }.sorted()
        #expect(names.count == 12)
        for name in names {
            let base = String(name.dropLast(4))
            let json = try Data(contentsOf: Fixtures.csvSpectrum.appendingPathComponent("json/\(base).json"))
            let decoded = try JSONSerialization.jsonObject(with: json)
            let single = decoded as? [String: String]
            var expected = try #require((decoded as? [[String: String]]) ?? single.map { [$0] }, "\(base).json")
            for (key, value) in Self.upstreamMismatch[base] ?? [:] {
                expected = expected.map { var row = $0; row[key] = value; return row }
            }
            for options in [CSVOptions(), Fixture.tiny()] {
                let (_, parsed) = try Fixture.read(csvs.appendingPathComponent(name).path, options)
                let rows = parsed.rows.map { row in
                    Dictionary(uniqueKeysWithValues: zip(parsed.header, row.map { $0 ?? "" }))
                }
                #expect(rows == expected, "\(name)")
            }
        }
    }
}
