import Columnar

/// DATETIME columns exported as wall-clock text in the instance's `timezone:` are read as
/// naive timestamps, then turned into UTC instants here, so the lake holds
/// `timestamp[us, UTC]` whatever zone the DOMO instance uses.
public struct DomoLocalTimeTransform: BatchTransform {
    public let columns: Set<String>
    public let zone: DomoTimeZoneShift

    public init(columns: Set<String>, zone: DomoTimeZoneShift) {
        self.columns = columns
        self.zone = zone
    }

    public func outputSchema(_ input: Schema) throws -> Schema {
        var out = input
        for i in out.fields.indices where columns.contains(out.fields[i].name) {
            out.fields[i].type = .timestamp(unit: .microsecond, utc: true)
        }
        return out
    }

    public func apply(_ batch: RecordBatch) throws -> RecordBatch {
        var shift = zone
        let cols = batch.columns.enumerated().map { i, col -> Column in
            guard columns.contains(batch.schema.fields[i].name), case let .int64(local) = col.storage else { return col }
            let utc = local.enumerated().map { j, v in col.isNull(j) ? 0 : shift.toUTC(localMicros: v) }
            // Same length and validity as the input, so this cannot fail.
            // swiftlint:disable:next force_try
            return try! Column(type: .timestamp(unit: .microsecond, utc: true), storage: .int64(utc), validity: col.validity)
        }
        return try RecordBatch(schema: outputSchema(batch.schema), columns: cols)
    }
}
