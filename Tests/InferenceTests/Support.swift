import Columnar
import TestSupport
import Delimited
@testable import Inference

/// One-column chunk; row i is on line `firstLine + i` (line 1 is the header).
func chunk(_ values: [String?], firstLine: Int = 2, quoted: Bool = false) -> FieldChunk {
    var c = FieldChunk(columnCount: 1)
    for (i, v) in values.enumerated() { c.appendRow([v], line: firstLine + i, quoted: quoted) }
    return c
}

/// Infers one column named `c` from `values` (nil = empty unquoted field).
func infer(_ values: [String?], _ options: InferenceOptions = InferenceOptions()) -> InferenceResult {
    var s = InferenceState(columnNames: ["c"], options: options)
    s.observe(chunk(values))
    return s.finish()
}

/// Infers then converts one column; returns the report and the boxed values.
func inferAndConvert(_ values: [String?], _ options: InferenceOptions = InferenceOptions()) throws -> (ColumnReport, [Value]) {
    let r = infer(values, options)
    let out = try BatchConverter(result: r, fileName: "t.csv").convert(chunk(values))
    return (r.report.columns[0], out.batch.columns[0].values)
}

func options(_ edit: (inout InferenceOptions) -> Void) -> InferenceOptions {
    var o = InferenceOptions()
    edit(&o)
    return o
}

func days(_ y: Int64, _ m: Int, _ d: Int) -> Value { .date(Int32(CivilDate(year: y, month: m, day: d).daysSinceEpoch)) }

func micros(_ y: Int64, _ m: Int, _ d: Int, _ h: Int64 = 0, _ mi: Int64 = 0, _ s: Int64 = 0, _ us: Int64 = 0) -> Value {
    .timestamp(CivilDate(year: y, month: m, day: d).daysSinceEpoch * 86_400_000_000 + ((h * 60 + mi) * 60 + s) * 1_000_000 + us)
}

