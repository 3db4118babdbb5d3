import Columnar
import Inference
import JSON

extension DatasetPlan {
    /// Nil when every object converts under this plan exactly as under `other` (same columns,
    /// types and value parsers; reports aside); else the first difference, for `-v`.
    func difference(from other: DatasetPlan) -> String? {
        let before = Dictionary(other.schema.fields.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        for f in schema.fields {
            guard let t = before[f.name] else { return "it brings column '\(f.name)'" }
            if t != f.type { return "column '\(f.name)' is \(f.type.name), not \(t.name)" }
        }
        if schema != other.schema { return "the columns differ" }
        if csvDeclared != other.csvDeclared { return "a CSV column takes another type than its values decide" }
        let parsers = csv.result(declared: csvDeclared).plan.parsers
        let parsersBefore = other.csv.result(declared: other.csvDeclared).plan.parsers
        if parsers != parsersBefore {
            let names = csv.names
            let i = parsers.indices.first { $0 >= parsersBefore.count || parsers[$0] != parsersBefore[$0] } ?? parsers.count
            return i < names.count ? "CSV column '\(names[i])' reads its values another way" : "the CSV columns differ"
        }
        switch (json, other.json) {
        case (nil, nil): break
        case let (a?, b?) where a.converts(like: b): break
        default: return "a JSON field converts another way"
        }
        if casts != other.casts { return "a Parquet column is cast to another type" }
        if !hive.map(\.field).elementsEqual(other.hive.map(\.field)) || !hive.map(\.parser).elementsEqual(other.hive.map(\.parser)) {
            return "the folder-name columns differ"
        }
        if fileColumn != other.fileColumn { return "file_column differs" }
        return nil
    }
}
