import Columnar
import Inference

/// How pass 2 converts one field's values, decided from pass 1's statistics or declared.
indirect enum ValuePlan: Sendable, Equatable {
    /// Typed values parsed from strings, numbers or booleans (`""` is null in a typed column).
    case scalar(ValueParser)
    /// A string column: strings as their text; any other value (a number, an object) as its JSON text.
    case text
    case structure(StructPlan)
    case list(ValuePlan)
    /// String keys; values by the plan.
    case map(ValuePlan)
}

/// A struct's fields (pass 2 finds them by key through `ConvertTable`).
struct StructPlan: Sendable, Equatable {
    let names: [[UInt8]]
    let plans: [ValuePlan]
}

/// What pass 1 decided for the input: the columns and how each converts, why each type was
/// chosen, and the warnings (values whose kinds conflict).
public struct JSONDecision: Sendable {
    /// One top-level column per record field, in order of first appearance (nested as decided).
    public let schema: Schema
    /// Each field and nested field (`customer.address.city`), with its type and why.
    public let columns: [ColumnReport]
    public let warnings: [String]
    let root: StructPlan

    /// A map when an object field has more than this many distinct keys across the input and an
    /// object holds fewer than half of them on average: keys that vary from record to record.
    public static let mapKeys = 64

    /// Whether batches converted under `other` are those converted under this decision: the
    /// same columns and the same conversion of every value (reports and warnings aside).
    public func converts(like other: JSONDecision) -> Bool { schema == other.schema && root == other.root }
}

/// Turns statistics into types and plans, with the rules the README documents.
struct Decider {
    let options: InferenceOptions
    var columns: [ColumnReport] = []
    var warnings: [String] = []

    init(options: InferenceOptions) { self.options = options }

    /// The record's fields: the top-level columns.
    mutating func decideRecord(_ root: FieldStats) -> (fields: [Field], plan: StructPlan) {
        var fields: [Field] = []
        var names: [[UInt8]] = []
        var plans: [ValuePlan] = []
        for (key, child) in zip(root.keys, root.children) {
            let name = String(decoding: key, as: UTF8.self)
            let (type, plan): (DataType, ValuePlan)
            if let declared = options.schemaOverrides[name] ?? options.storedTypes[name] {
                (type, plan) = (declared, Self.plan(declared: declared, order: options.dateOrder))
                let reason = options.schemaOverrides[name] != nil ? "schema override" : "the dataset's stored type"
                columns.append(ColumnReport(name: name, type: declared.name, nullCount: child.nulls, format: nil, reason: reason))
            } else {
                (type, plan) = decide(child, path: name)
            }
            fields.append(Field(name, type))
            names.append(key)
            plans.append(plan)
        }
        return (fields, StructPlan(names: names, plans: plans))
    }

    mutating func decide(_ s: FieldStats, path: String) -> (DataType, ValuePlan) {
        let kinds = s.kinds
        func report(_ type: DataType, _ reason: String, format: String? = nil, fallback: (String, Int)? = nil) {
            columns.append(ColumnReport(name: path, type: type.name, nullCount: s.nulls, format: format, reason: reason,
                                        fallbackValue: fallback?.0, fallbackLine: fallback?.1))
        }
        guard let kind = kinds.first else {
            report(.string, "every value is null")
            return (.string, .text)
        }
        if kinds.count > 1 {
            let (reason, fallback, warning) = Self.mixed(s, kinds, path: path)
            if let warning { warnings.append(warning) }
            report(.string, reason, fallback: fallback)
            return (.string, .text)
        }
        switch kind {
        case .boolean:
            report(.boolean, "every value is true or false")
            return (.boolean, .scalar(ValueParser(declared: .boolean)))
        case .number:
            let d = s.numbers.decide()
            if let w = d.warning { warnings.append("field '\(path)': \(w)") }
            report(d.type, d.reason, format: d.format, fallback: d.fallback)
            return (d.type, d.type == .string ? .text : .scalar(d.parser))
        case .string:
            let d = s.strings.decide()
            if let w = d.warning { warnings.append("field '\(path)': \(w)") }
            let reason = d.type == .string ? "text" + (d.fallback.map { " ('\($0.value)' at line \($0.line) is not a date or timestamp)" } ?? "") : d.reason
            report(d.type, reason, format: d.format, fallback: d.type == .string ? nil : d.fallback)
            return (d.type, d.type == .string ? .text : .scalar(d.parser))
        case .array:
            guard let e = s.element else {
                report(.list(of: .string), "every list is empty")
                return (.list(of: .string), .list(.text))
            }
            let index = columns.count
            let (t, plan) = decide(e, path: path + "[]")
            columns.insert(ColumnReport(name: path, type: DataType.list(of: t).name, nullCount: s.nulls, format: nil,
                                        reason: "every value is a list"), at: index)
            return (.list(of: t), .list(plan))
        case .object:
            let distinct = s.distinctKeys
            let varying = distinct > JSONDecision.mapKeys && s.keysTotal * 2 < distinct * s.objects
            if s.mapValues != nil || varying {
                let index = columns.count
                let (t, plan) = decide(s.mergedValues(), path: path + "{}")
                let type = DataType.map(.string, t)
                columns.insert(ColumnReport(name: path, type: type.name, nullCount: s.nulls, format: nil,
                                            reason: "an object whose \(distinct > FieldStats.mapKeyLimit ? "more than \(FieldStats.mapKeyLimit)" : String(distinct)) keys vary from record to record (a map)"),
                               at: index)
                return (type, .map(plan))
            }
            let index = columns.count
            var fields: [Field] = []
            var plans: [ValuePlan] = []
            for (key, child) in zip(s.keys, s.children) {
                let name = String(decoding: key, as: UTF8.self)
                let (t, plan) = decide(child, path: path + "." + name)
                fields.append(Field(name, t))
                plans.append(plan)
            }
            let type = DataType.structure(fields)
            columns.insert(ColumnReport(name: path, type: type.name, nullCount: s.nulls, format: nil,
                                        reason: "every value is an object"), at: index)
            return (type, .structure(StructPlan(names: s.keys, plans: plans)))
        }
    }

    /// Values of several kinds: a string column. Numbers and booleans with strings keep their
    /// JSON text; objects or lists among other kinds too, with a warning (their structure is lost).
    private static func mixed(_ s: FieldStats, _ kinds: [FieldStats.Kind], path: String) -> (String, (String, Int), String?) {
        let seen = kinds.compactMap { k in s.first[k].map { (k, $0) } }.sorted { $0.1.record < $1.1.record }
        let describe = seen.map { "\(name($0.0)) (first: \($0.1.text) at \($0.1.place))" }.joined(separator: ", ")
        let forcing = seen.last!
        let warning = kinds.contains(.object) || kinds.contains(.array)
            ? "field '\(path)' holds \(describe): loaded as a string column of JSON text" : nil
        return ("mixed kinds: \(describe); \(forcing.1.text) at \(forcing.1.place) made it a string column (other values keep their JSON text)",
                (forcing.1.text, forcing.1.line), warning)
    }

    static func name(_ k: FieldStats.Kind) -> String {
        switch k {
        case .boolean: return "booleans"
        case .number: return "numbers"
        case .string: return "strings"
        case .object: return "objects"
        case .array: return "lists"
        }
    }

    /// The plan for a declared type (`--schema`, a dataset's stored type): values must fit it,
    /// slashed dates read in the run's date order as inferred ones are.
    static func plan(declared t: DataType, order: DateOrder) -> ValuePlan {
        switch t {
        case .string: return .text
        case let .list(e): return .list(plan(declared: e.type, order: order))
        case let .structure(fields):
            return .structure(StructPlan(names: fields.map { Array($0.name.utf8) }, plans: fields.map { plan(declared: $0.type, order: order) }))
        case let .map(_, v): return .map(plan(declared: v.type, order: order))
        default: return .scalar(ValueParser(declared: t, order: order))
        }
    }
}
