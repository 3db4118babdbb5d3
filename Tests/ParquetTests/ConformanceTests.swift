import TestSupport
import Columnar
import Foundation
import Testing
@testable import Parquet

/// The apache/parquet-testing files: flat and nested ones read, the rest fail with an error naming the feature and column.
@Suite struct ConformanceTests {
    var data: URL { Fixtures.parquetData }

    static let flatFiles: [(String, Int)] = [
        ("alltypes_dictionary.parquet", 2), ("alltypes_plain.parquet", 8), ("alltypes_plain.snappy.parquet", 2),
        ("alltypes_tiny_pages.parquet", 7300), ("alltypes_tiny_pages_plain.parquet", 7300), ("binary.parquet", 12),
        ("binary_truncated_min_max.parquet", 12), ("byte_array_decimal.parquet", 24), ("byte_stream_split.zstd.parquet", 300),
        ("byte_stream_split_extended.gzip.parquet", 200), ("column_chunk_key_value_metadata.parquet", 0),
        ("concatenated_gzip_members.parquet", 513), ("data_index_bloom_encoding_stats.parquet", 14),
        ("datapage_v1-snappy-compressed-checksum.parquet", 5120), ("datapage_v1-uncompressed-checksum.parquet", 5120),
        ("datapage_v2_empty_datapage.snappy.parquet", 1), ("delta_binary_packed.parquet", 200), ("delta_byte_array.parquet", 1000),
        ("delta_encoding_optional_column.parquet", 100), ("delta_encoding_required_column.parquet", 100),
        ("delta_length_byte_array.parquet", 1000), ("dict-page-offset-zero.parquet", 39), ("fixed_length_byte_array.parquet", 1000),
        ("fixed_length_decimal.parquet", 24), ("fixed_length_decimal_legacy.parquet", 24), ("float16_nonzeros_and_nans.parquet", 8),
        ("floating_orders_nan_count.parquet", 50), ("int32_decimal.parquet", 24), ("int32_with_null_pages.parquet", 1000),
        ("int64_decimal.parquet", 24), ("nan_in_stats.parquet", 2), ("overflow_i16_page_cnt.parquet", 40000),
        ("page_v2_empty_compressed.parquet", 10), ("plain-dict-uncompressed-checksum.parquet", 1000),
        ("rle-dict-snappy-checksum.parquet", 1000), ("rle_boolean_encoding.parquet", 68), ("single_nan.parquet", 1),
        ("sort_columns.parquet", 6), ("unknown-logical-type.parquet", 3),
    ]

    @Test func flatFilesRead() throws {
        for (name, rows) in Self.flatFiles {
            let r = try ParquetFileReader(path: data.appendingPathComponent(name).path)
            let batches = try r.readAll()
            #expect(batches.reduce(0) { $0 + $1.rowCount } == rows, "\(name)")
            #expect(r.rowCount == Int64(rows), "\(name)")
        }
    }

    @Test func knownValues() throws {
        let plain = try ParquetFileReader(path: data.appendingPathComponent("alltypes_plain.parquet").path).readAll()[0]
        #expect(plain.column(named: "id")!.values == [4, 5, 6, 7, 2, 3, 0, 1].map { Value.int($0) })
        #expect(plain.column(named: "string_col")!.values == (0 ..< 8).map { Value.binary([UInt8(ascii: $0 % 2 == 0 ? "0" : "1")]) })
        let dec = try ParquetFileReader(path: data.appendingPathComponent("fixed_length_decimal.parquet").path).readAll()[0]
        #expect(dec.schema.fields[0].type == .decimal(precision: 25, scale: 2))
        #expect(dec.columns[0].values.prefix(3) == [.decimal(100), .decimal(200), .decimal(300)])
        let delta = try ParquetFileReader(path: data.appendingPathComponent("delta_length_byte_array.parquet").path).readAll()[0]
        #expect(delta.columns[0].value(at: 0) == .string("apple_banana_mango0"))
    }

    @Test func unsupportedFeaturesNameFeatureAndColumn() throws {
        let cases: [(String, String, String?)] = [
            ("hadoop_lz4_compressed.parquet", "codec", "c0"), ("lz4_raw_compressed.parquet", "codec", "c0"),
            ("uniform_encryption.parquet.encrypted", "encrypt", nil),
            ("encrypt_columns_plaintext_footer.parquet.encrypted", "encrypt", nil),
        ]
        for (file, feature, column) in cases {
            do {
                let r = try ParquetFileReader(path: data.appendingPathComponent(file).path)
                _ = try r.readAll()
                Issue.record("\(file) should fail")
            } catch let ParquetError.unsupported(f, c) {
                #expect(f.contains(feature), "\(file): \(f)")
                #expect(c == column, "\(file): \(String(describing: c))")
            }
        }
    }

    /// Every file in bad_data either reads or throws a ParquetError; none crashes the process.
    @Test func badDataNeverCrashes() throws {
        let bad = Fixtures.parquetBadData
        for f in try FileManager.default.contentsOfDirectory(atPath: bad.path) where f.hasSuffix(".parquet") {
            do {
                _ = try ParquetFileReader(path: bad.appendingPathComponent(f).path).readAll()
            } catch is ParquetError {}
        }
    }

    /// Truncated and bit-flipped copies of one of our files never crash the reader.
    @Test func mutatedFilesNeverCrash() throws {
        let schema = Schema([Field("i", .int64), Field("s", .string), Field("d", .decimal(precision: 30, scale: 2))])
        var rng = SeededRandom(seed: 99)
        let cols = try schema.fields.map { f in try Column(type: f.type, values: (0 ..< 300).map { _ in randomValue(f.type, &rng) }) }
        var options = ParquetWriteOptions()
        options.compression = .none
        let (path, _) = try writeFile([try RecordBatch(schema: schema, columns: cols)], schema: schema, options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let mutated = temporaryPath("mut")
        defer { try? FileManager.default.removeItem(atPath: mutated) }
        for trial in 0 ..< 300 {
            var bytes = original
            if trial % 3 == 0 {
                bytes.removeLast(Int.random(in: 1 ..< bytes.count, using: &rng))
            } else {
                for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                    bytes[Int.random(in: 4 ..< bytes.count - 8, using: &rng)] ^= UInt8.random(in: 1 ... 255, using: &rng)
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: mutated))
            do { _ = try ParquetFileReader(path: mutated).readAll() } catch is ParquetError {}
        }
    }
}
