import Columnar

/// Pass 1 over many files whose headers differ (the files source): each file's state merges
/// into one column per name, so a column's type comes from its values in every file, by the
/// same whole-column rules as one file's. Files add columns in order of first appearance.
public struct InferenceUnion: Sendable {
    public let options: InferenceOptions
    public private(set) var names: [String] = []
    private var index: [String: Int] = [:]
    private var columns: [ColumnInference] = []
    public private(set) var rowCount = 0

    /// A column whose type a file changed: `from` the type before it (nil: the file brought the column).
    public struct Change: Sendable, Equatable {
        public let column: String
        public let from: DataType?
        public let to: DataType
        /// Why the column has its new type (the value and line that forced it, in that file).
        public let reason: String
    }

    public init(options: InferenceOptions) { self.options = options }

    /// Merges a file's pass-1 state (taken with the same options); returns the columns whose
    /// type it changed or added.
    @discardableResult
    public mutating func add(_ state: InferenceState) -> [Change] {
        var changes: [Change] = []
        for col in state.columns {
            if let i = index[col.name] {
                let before = ColumnDecision(columns[i], options: options).type
                columns[i].merge(col)
                let after = ColumnDecision(columns[i], options: options)
                if after.type != before {
                    // The file's own values say why (the union's witnesses mix files' line numbers).
                    let own = ColumnDecision(col, options: options)
                    let reason = own.type == after.type ? own.reason : "its values are \(own.type.name) (\(own.reason)), the others' \(before.name)"
                    changes.append(Change(column: col.name, from: before, to: after.type, reason: reason))
                }
            } else {
                index[col.name] = columns.count
                names.append(col.name)
                columns.append(col)
                let d = ColumnDecision(col, options: options)
                changes.append(Change(column: col.name, from: nil, to: d.type, reason: d.reason))
            }
        }
        rowCount += state.rowCount
        return changes
    }

    /// The type every column's values across the files so far decide.
    public func type(of name: String) -> DataType? {
        index[name].map { ColumnDecision(columns[$0], options: options).type }
    }

    /// Whether every value of column `name` converts to `type` exactly (for a column that meets
    /// a typed object's wider type): string always; int64, float64 and decimal when the values'
    /// candidates allow it; other types only when they are the decided one.
    public func fits(_ name: String, _ type: DataType) -> Bool {
        guard let i = index[name] else { return true }
        let col = columns[i]
        if type == .string || col.valueCount == 0 { return true }
        if col.declared != nil { return col.declared == type }
        switch type {
        case .int64: return !col.alive.isDisjoint(with: [.int64, .int64Grouped])
        case .float64: return !col.alive.isDisjoint(with: [.float, .floatGrouped])
        case let .decimal(p, s):
            return !col.alive.isDisjoint(with: [.exact, .exactGrouped]) && col.maxIntDigits <= p - s && col.maxScale <= s
        default: return ColumnDecision(col, options: options).type == type
        }
    }

    /// The decision for the columns `header` names (one file's, in its order), with `declared`
    /// types winning over the union's: what that file's batches convert under.
    public func result(for header: [String], declared: [String: DataType] = [:]) -> InferenceResult {
        var options = self.options
        options.schemaOverrides = options.schemaOverrides.filter { header.contains($0.key) }
        let cols: [ColumnInference] = header.map { name in
            if let t = declared[name] ?? options.schemaOverrides[name] {
                var c = ColumnInference(name: name, declared: t, initial: [])
                if let i = index[name] { c.copyCounts(columns[i]) }
                return c
            }
            return index[name].map { columns[$0] } ?? ColumnInference(name: name, declared: nil, initial: [])
        }
        for (name, t) in declared where header.contains(name) { options.schemaOverrides[name] = t }
        return InferenceState(columns: cols, options: options, rowCount: rowCount).finish()
    }

    /// The decision over every column.
    public func result(declared: [String: DataType] = [:]) -> InferenceResult { result(for: names, declared: declared) }
}

extension InferenceState {
    /// A state made of columns already observed (the union's, restricted to one file's header).
    init(columns: [ColumnInference], options: InferenceOptions, rowCount: Int) {
        self.init(columnNames: columns.map(\.name), options: options)
        self.columns = columns
        self.rowCount = rowCount
    }
}

extension ColumnInference {
    /// The null and value counts of `other` (for a declared column's report).
    mutating func copyCounts(_ other: ColumnInference) {
        valueCount = other.valueCount
        emptyCount = other.emptyCount
        quotedEmptyCount = other.quotedEmptyCount
        nullTokenCount = other.nullTokenCount
    }
}
