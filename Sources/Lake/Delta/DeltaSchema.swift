import Columnar
import Foundation

/// A table's schema as Delta's `schemaString` writes it (Spark's JSON schema): every Inlet type
/// but `time` and `uuid`, which Delta has no type for, and which are refused by name.
public enum DeltaSchema {
    public struct Unsupported: Error, CustomStringConvertible {
        public var column: String
        public var type: String
        public var description: String {
            "column '\(column)' is \(type), which a Delta table cannot hold (Delta has no such type); load it as a string, e.g. with --schema \(column):string, or use the plain layout"
        }
    }

    /// The schemaString of `fields` plus the partition columns (appended, as Delta readers see them).
    public static func schemaString(_ fields: [Field], partitionColumns: [Field]) throws -> String {
        let all = try (fields + partitionColumns).map { try field($0, path: $0.name) }
        let root: [String: Any] = ["type": "struct", "fields": all]
        let data = try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func field(_ f: Field, path: String) throws -> [String: Any] {
        // Every level nullable: the files may still hold REQUIRED columns (readers accept that),
        // and one load whose column happened to have no nulls does not change the table's schema.
        ["name": f.name, "type": try type(f.type, path: path), "nullable": true, "metadata": [String: Any]()]
    }

    static func type(_ t: DataType, path: String) throws -> Any {
        switch t {
        case .boolean: return "boolean"
        case .int8: return "byte"
        case .int16: return "short"
        case .int32: return "integer"
        case .int64: return "long"
        case .float32: return "float"
        case .float64: return "double"
        case let .decimal(p, s): return "decimal(\(p),\(s))"
        case .date: return "date"
        case let .timestamp(_, utc): return utc ? "timestamp" : "timestamp_ntz"
        case .string, .json: return "string"
        case .binary: return "binary"
        case .time, .uuid: throw Unsupported(column: path, type: t.name)
        case let .list(e):
            return ["type": "array", "elementType": try type(e.type, path: path + "[]"), "containsNull": true]
        case let .structure(fields):
            return ["type": "struct", "fields": try fields.map { try field($0, path: path + "." + $0.name) }]
        case let .map(k, v):
            return ["type": "map", "keyType": try type(k, path: path + ".key"), "valueType": try type(v.type, path: path + ".value"),
                    "valueContainsNull": true]
        }
    }

    static func usesTimestampNtz(_ t: DataType) -> Bool {
        switch t {
        case let .timestamp(_, utc): return !utc
        case let .list(e): return usesTimestampNtz(e.type)
        case let .structure(fields): return fields.contains { usesTimestampNtz($0.type) }
        case let .map(k, v): return usesTimestampNtz(k) || usesTimestampNtz(v.type)
        default: return false
        }
    }
}
