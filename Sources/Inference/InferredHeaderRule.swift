import Columnar
import Delimited

/// Decides whether a file's first row is a header with the value rules of type inference, so a
/// cell counts as a number or a date only when the column's own type would accept it.
///
/// Each column's type is inferred from the sampled rows below the first. Then, per column whose
/// type is not string, the first row's cell either fits that type (evidence of data) or does
/// not (evidence of a header: `T1`, `-113.8.1` or `Q1` over integers). A header cell anywhere
/// wins: a real first data row fits every column it helped type. A plain finite number over a
/// narrower numeric column also fits (`1.5` over integers widens the column); `NaN`, `inf` and
/// `1,234` fit only a column that already holds such values.
///
/// When every column is text, the first row is data if one of its cells has a type of its own,
/// and otherwise a header when its values are distinct.
public struct InferredHeaderRule: HeaderRule {
    public let options: InferenceOptions

    public init(options: InferenceOptions) {
        var o = options
        o.schemaOverrides = [:]   // keyed by header names, which this decision settles
        self.options = o
    }

    public func decide(_ rows: [SampledRow]) -> (isHeader: Bool, reason: String) {
        guard let first = rows.first else { return (true, "header assumed (no rows to compare)") }
        let tokens = NullTokens(options.nullValues)
        var fits: String?   // the first cell that fits its column, as the reason tells it
        for c in first.fields.indices {
            let cell = first.fields[c]
            if isNull(cell, tokens) { continue }
            var body = blankColumn()
            var count = 0
            for row in rows.dropFirst() where c < row.fields.count {
                let v = row.fields[c]
                if isNull(v, tokens) { continue }
                observe(&body, v, line: row.line)
                count += 1
            }
            let bodyDecision = ColumnDecision(body, options: options)
            guard count > 0, bodyDecision.type != .string else { continue }
            let text = String(decoding: cell.prefix(120), as: UTF8.self)
            let type = bodyDecision.type
            if let withCell = fit(body, bodyDecision, cell, line: first.line) {
                if fits == nil {
                    fits = withCell == type
                        ? "'\(text)' in column \(c + 1) is \(ValueProblem.withArticle(type.name)) like the values below it"
                        : "'\(text)' in column \(c + 1) is a number, as the \(type.name) values below it are"
                }
            } else {
                let values = count == 1 ? "the value" : "the \(count) values"
                return (true, "header: '\(text)' in column \(c + 1) is not \(ValueProblem.withArticle(type.name)) like \(values) below it")
            }
        }
        if let fits { return (false, "no header: " + fits) }
        // Every column below is text (or there is nothing below): the first row on its own.
        for c in first.fields.indices where !isNull(first.fields[c], tokens) {
            var alone = blankColumn()
            observe(&alone, first.fields[c], line: first.line)
            let type = ColumnDecision(alone, options: options).type
            if type != .string, type != .boolean {
                let text = String(decoding: first.fields[c].prefix(120), as: UTF8.self)
                return (false, "no header: '\(text)' in column \(c + 1) of the first row is \(ValueProblem.withArticle(type.name))")
            }
        }
        if rows.count == 1 { return (true, "header: a single text row") }
        let nonEmpty = first.fields.filter { !$0.isEmpty }
        if Set(nonEmpty).count == nonEmpty.count {
            return (true, "header: every column is text and the first row's values are distinct")
        }
        return (false, "no header: every column is text and the first row repeats a value")
    }

    /// The column's type with `cell` in it, when the cell keeps that type (or only widens it to a
    /// wider number); nil when the type rejects it.
    private func fit(_ body: ColumnInference, _ decision: ColumnDecision, _ cell: [UInt8], line: Int) -> DataType? {
        var with = body
        observe(&with, cell, line: line)
        let after = ColumnDecision(with, options: options)
        if after.type == decision.type, after.format == decision.format {
            // NaN, Infinity or an exponent fit a float column only if a value below has one: a
            // column of plain numbers keeps its exact-decimal candidate, which those values remove.
            return body.alive.contains(.exact) && !with.alive.contains(.exact) ? nil : after.type
        }
        // A plain finite number over narrower numbers: the column widens (int64 → float64).
        return isNumber(decision.type) && isNumber(after.type) && isFiniteNumber(cell) ? after.type : nil
    }

    private func isNumber(_ t: DataType) -> Bool {
        switch t {
        case .int8, .int16, .int32, .int64, .float32, .float64, .decimal: return true
        default: return false
        }
    }

    /// A number without grouping commas, exponent or NaN/Infinity.
    private func isFiniteNumber(_ cell: [UInt8]) -> Bool {
        cell.withUnsafeBufferPointer { b in
            let s = NumberShape.scan(b.baseAddress!, b.count)
            return (s.kind == .integer || s.kind == .decimal) && !s.grouped && !s.leadingZero
        }
    }

    private func blankColumn() -> ColumnInference {
        var initial = Candidates.all
        if !options.allowCompactDates { initial.remove(.dateCompact) }
        return ColumnInference(name: "", declared: nil, initial: initial)
    }

    private func observe(_ col: inout ColumnInference, _ v: [UInt8], line: Int) {
        v.withUnsafeBufferPointer { col.observe($0.baseAddress!, $0.count, line: line) }
    }

    /// Null in a typed column: empty, `""` or a null token.
    private func isNull(_ v: [UInt8], _ tokens: NullTokens) -> Bool {
        v.isEmpty || (!tokens.isEmpty && v.withUnsafeBufferPointer { tokens.matches($0.baseAddress!, $0.count) })
    }
}
