import Columnar
import Foundation
import Inference
import JSON

/// Pass 1 of every object folded, in key order, into one schema matched by column name:
/// columns in order of first appearance, a column missing from an object null there, each
/// column's type from its values in every object. CSV columns merge their inference (the
/// whole-column rules over all objects), JSON fields their statistics, Parquet columns widen
/// by `TypeWidening`; where formats meet, a common type is found or the column is a string.
/// Each widening is told (for `-v`) with the object that forced it.
struct FilesUnion {
    let csvOptions: InferenceOptions
    let jsonOptions: JSONOptions
    private(set) var order: [String] = []
    private var csv: InferenceUnion
    private var json: JSONStats?
    /// A JSON object's reader: the flattening of the JSON columns is its to tell.
    private var jsonReader: JSONReader?
    private var jsonTypes: [String: DataType] = [:]
    private var parquet: [String: DataType] = [:]
    /// Parquet columns whose objects disagree beyond any common type: name → the two objects.
    private var parquetConflicts: [String: (String, String)] = [:]
    /// For each column, the first object of each format that has it (for messages).
    private var firstObject: [String: [ObjectFormat: String]] = [:]
    private(set) var hive: HiveColumns
    private(set) var objects = 0

    init(csv: InferenceOptions, json: JSONOptions) {
        csvOptions = csv
        jsonOptions = json
        self.csv = InferenceUnion(options: csv)
        hive = HiveColumns(options: InferenceOptions())
    }

    mutating func add(_ reading: ObjectReading, _ stats: ObjectStats, hiveColumns: Bool, detail: (String) -> Void) {
        objects += 1
        let url = reading.object.url
        if hiveColumns { hive.observe(reading.object.key) }
        var names = reading.columns
        switch stats {
        case let .csv(state):
            for change in csv.add(state) where change.from != nil {
                detail("column '\(change.column)' widened from \(change.from!.name) to \(change.to.name) by \(url): \(change.reason)")
            }
        case let .json(stats):
            jsonReader = jsonReader ?? reading.jsonReader
            if let json {
                json.merge(stats)
            } else {
                json = stats
            }
            // The types with overrides aside (they cannot widen), before and after this object.
            var plain = jsonOptions
            plain.inference.schemaOverrides = [:]
            if let decided = try? JSONReader.decide(json!, options: plain, file: url), let reader = jsonReader {
                // Flattened fields are the columns (`parent__child`).
                let own = Set(stats.fieldNames)
                names = reader.outputSchema(decided).fields.map(\.name).filter { n in own.contains(n) || own.contains { n.hasPrefix($0 + "__") } }
                for f in reader.outputSchema(decided).fields {
                    if let before = jsonTypes[f.name], before != f.type {
                        detail("field '\(f.name)' widened from \(before.name) to \(f.type.name) by \(url)")
                    }
                    jsonTypes[f.name] = f.type
                }
            }
        case let .parquet(schema):
            for f in schema.fields {
                guard let before = parquet[f.name] else { parquet[f.name] = f.type; continue }
                guard parquetConflicts[f.name] == nil, before != f.type else { continue }
                if let wider = TypeWidening.widen(before, f.type) {
                    if wider != before { detail("column '\(f.name)' widened from \(before.name) to \(wider.name) by \(url)") }
                    parquet[f.name] = wider
                } else {
                    parquetConflicts[f.name] = (firstObject[f.name]?[.parquet] ?? "", url)
                    detail("column '\(f.name)' is \(before.name) and \(f.type.name) (\(url)): no common type")
                }
            }
        }
        for name in names where firstObject[name]?[reading.format] == nil {
            if firstObject[name] == nil { order.append(name) }
            firstObject[name, default: [:]][reading.format] = url
        }
    }

    /// The dataset's schema and how each format's objects convert into it. `stored`: the
    /// dataset's columns from earlier incremental loads, whose types stay.
    func plan(stored: [Field], hiveColumns: Bool, fileColumn: String?, detail: (String) -> Void) throws -> DatasetPlan {
        let storedTypes = Dictionary(stored.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        var jsonOptions = self.jsonOptions
        let jsonDecision = try json.map { stats -> JSONDecision in
            // Overrides for fields no JSON object has are for the other formats' columns.
            jsonOptions.inference.schemaOverrides = jsonOptions.inference.schemaOverrides.filter { stats.fieldNames.contains($0.key) }
            return try JSONReader.decide(stats, options: jsonOptions, file: "the JSON objects")
        }
        let jsonSchema = jsonDecision.flatMap { d in jsonReader.map { $0.outputSchema(d) } }
        let jsonTypes = Dictionary((jsonSchema?.fields ?? []).map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        let unknown = (csvOptions.schemaOverrides.keys.filter { !order.contains($0) && !(hiveColumns && hive.names.contains($0)) }).sorted()
        if !unknown.isEmpty {
            throw SourceError.noInput("schema names column(s) \(unknown.map { "'\($0)'" }.joined(separator: ", ")) that no object has (columns: \(order.joined(separator: ", ")))")
        }

        var fields: [Field] = []
        var csvDeclared: [String: DataType] = [:]
        var jsonDeclared: [String: DataType] = [:]
        var casts: [String: DataType] = [:]
        for name in order {
            let csvType = csv.type(of: name)
            let jsonType = jsonTypes[name]
            let parquetType = parquet[name]
            let final: DataType
            if let t = storedTypes[name] {
                final = t
            } else if let conflict = parquetConflicts[name] {
                let types = [csvType, jsonType].compactMap { $0 }
                guard types.allSatisfy(TypeWidening.hasText) else {
                    throw FilesError.noCommonType(column: name, objects: [conflict.0, conflict.1])
                }
                final = .string
            } else {
                final = try Self.common(name: name, csv: csvType, json: jsonType, parquet: parquetType, csvUnion: csv,
                                        objects: firstObject[name] ?? [:], detail: detail)
            }
            if let t = csvType, t != final { csvDeclared[name] = final }
            if let t = jsonType, t != final {
                guard jsonDecision?.schema.index(of: name) != nil else {
                    throw FilesError.noCommonType(column: name, objects: Array((firstObject[name] ?? [:]).values).sorted())
                }
                jsonDeclared[name] = final
            }
            if let t = parquetType, t != final || parquetConflicts[name] != nil { casts[name] = final }
            fields.append(Field(name, final))
        }
        // Columns of earlier loads that this load's objects lack stay, null.
        for f in stored where !order.contains(f.name) && !(hiveColumns && hive.names.contains(f.name)) && f.name != fileColumn {
            fields.append(Field(f.name, f.type))
        }
        var hiveFields: [(field: Field, parser: ValueParser)] = []
        if hiveColumns {
            for (f, parser) in hive.fields() {
                guard !fields.contains(where: { $0.name == f.name }) else {
                    throw FilesError.nameClash(column: f.name, what: "a folder name in the objects' paths (hive_columns)")
                }
                let type = storedTypes[f.name] ?? f.type
                hiveFields.append((Field(f.name, type), storedTypes[f.name] == nil ? parser : ValueParser(declared: type)))
            }
        }
        if let fileColumn, fields.contains(where: { $0.name == fileColumn }) || hiveFields.contains(where: { $0.field.name == fileColumn }) {
            throw FilesError.nameClash(column: fileColumn, what: "file_column")
        }
        let all = fields + hiveFields.map(\.field) + (fileColumn.map { [Field($0, .string)] } ?? [])
        if !stored.isEmpty {
            let added = all.map(\.name).filter { n in !stored.contains { $0.name == n } }
            if !added.isEmpty { throw FilesError.newColumns(added, stored: stored.map(\.name)) }
        }
        // An earlier load's column order is the dataset's.
        let ordered = stored.isEmpty ? all : stored.map { s in all.first { $0.name == s.name }! }

        var finalJSON = jsonDecision
        if let stats = json, !jsonDeclared.isEmpty {
            jsonOptions.inference.schemaOverrides.merge(jsonDeclared) { _, declared in declared }
            finalJSON = try JSONReader.decide(stats, options: jsonOptions, file: "the JSON objects")
        }
        return DatasetPlan(schema: Schema(ordered), csv: csv, csvDeclared: csvDeclared, json: finalJSON,
                           casts: casts, hive: hiveFields, fileColumn: fileColumn)
    }

    /// The type of a column the formats' objects give different types: a common one each side
    /// can take exactly, else a string.
    private static func common(name: String, csv: DataType?, json: DataType?, parquet: DataType?, csvUnion: InferenceUnion,
                               objects: [ObjectFormat: String], detail: (String) -> Void) throws -> DataType {
        let present = [csv, json, parquet].compactMap { $0 }
        guard var wider = present.first else { return .string }
        if present.allSatisfy({ $0 == wider }) { return wider }
        var exact = true
        for t in present.dropFirst() {
            guard let w = TypeWidening.widen(wider, t) else { exact = false; break }
            wider = w
        }
        // CSV text converts to the wider type when its values fit it; a JSON field only to its own type.
        if exact, csv.map({ $0 == wider || csvUnion.fits(name, wider) }) ?? true, json.map({ $0 == wider }) ?? true {
            detail("column '\(name)' is \(wider.name): " + describe(csv: csv, json: json, parquet: parquet, objects: objects))
            return wider
        }
        guard present.allSatisfy(TypeWidening.hasText) || (json != nil && parquet == nil) else {
            throw FilesError.noCommonType(column: name, objects: objects.values.sorted())
        }
        detail("column '\(name)' is a string: " + describe(csv: csv, json: json, parquet: parquet, objects: objects))
        return .string
    }

    private static func describe(csv: DataType?, json: DataType?, parquet: DataType?, objects: [ObjectFormat: String]) -> String {
        [(csv, ObjectFormat.csv), (json, .json), (parquet, .parquet)].compactMap { t, f in
            t.map { "\($0.name) in \(f.rawValue.uppercased()) objects (\(objects[f] ?? "?"))" }
        }.joined(separator: ", ")
    }
}

/// The dataset's schema and how each object's batches convert into it.
struct DatasetPlan: @unchecked Sendable {
    let schema: Schema
    let csv: InferenceUnion
    /// CSV columns converted under another type than their own values decide (an earlier
    /// load's, or a common one with other formats).
    let csvDeclared: [String: DataType]
    let json: JSONDecision?
    /// Parquet columns cast to the dataset's type.
    let casts: [String: DataType]
    let hive: [(field: Field, parser: ValueParser)]
    let fileColumn: String?
}

/// Objects that cannot become one dataset.
public enum FilesError: Error, CustomStringConvertible {
    /// The pattern matched nothing (and `allow_empty` is off).
    case noMatch(patterns: [String])
    /// A column whose objects give it types with no common one.
    case noCommonType(column: String, objects: [String])
    case nameClash(column: String, what: String)
    /// An incremental load's objects bring columns the dataset does not have.
    case newColumns([String], stored: [String])
    /// An object loaded before changed since.
    case changed(url: String, was: String, now: String)

    public var description: String {
        switch self {
        case let .noMatch(patterns):
            return "\(patterns.map { "'\($0)'" }.joined(separator: ", ")) matches no object (set allow_empty: true if that is expected)"
        case let .noCommonType(column, objects):
            return "column '\(column)' has types with no common one in \(objects.joined(separator: " and ")); give it one with schema: {\(column): string}"
        case let .nameClash(column, what):
            return "column '\(column)' is both a data column and \(what)"
        case let .newColumns(added, stored):
            return "the new objects bring column(s) \(added.map { "'\($0)'" }.joined(separator: ", ")) that the dataset lacks (\(stored.joined(separator: ", "))); run with --full-refresh to reload every object under the new schema"
        case let .changed(url, was, now):
            return "\(url) changed since it was loaded (\(was) → \(now)); its old rows are in the dataset: run with --full-refresh to reload every object, or set on_change: skip (or reload, when the load merges by primary key)"
        }
    }
}
