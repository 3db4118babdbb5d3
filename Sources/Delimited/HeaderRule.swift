/// A row of the dialect sample, as the header decision sees it.
public struct SampledRow: Sendable {
    /// Physical line of the row's first byte.
    public let line: Int
    /// Unescaped UTF-8 fields, without a trailing delimiter's empty last field.
    public let fields: [[UInt8]]
    /// Whether each field was quoted (`""` is an empty string, not a null).
    public let quoted: [Bool]

    public init(line: Int, fields: [[UInt8]], quoted: [Bool]) {
        self.line = line
        self.fields = fields
        self.quoted = quoted
    }
}

/// Decides whether the first sampled row is a header.
///
/// Whether a cell is a number or a date is a question for the value rules of type inference,
/// which sit above this module: `Inference.InferredHeaderRule` answers it with the same rules
/// the columns' types come from. Without a rule the reader uses `TextHeaderRule`.
public protocol HeaderRule: Sendable {
    /// `rows[0]` is the candidate header. The reason names the cell that decided, when one did.
    func decide(_ rows: [SampledRow]) -> (isHeader: Bool, reason: String)
}

/// The decision from text alone: a first row whose values are all distinct is a header.
public struct TextHeaderRule: HeaderRule {
    public init() {}

    public func decide(_ rows: [SampledRow]) -> (isHeader: Bool, reason: String) {
        guard let first = rows.first else { return (true, "header assumed (no rows to compare)") }
        if rows.count == 1 { return (true, "header: a single row") }
        let nonEmpty = first.fields.filter { !$0.isEmpty }
        if Set(nonEmpty).count == nonEmpty.count {
            return (true, "header: the first row's values are distinct")
        }
        return (false, "no header: the first row repeats a value")
    }
}
