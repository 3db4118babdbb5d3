/// Everything the lake can refuse or fail at, each naming the dataset, column or key involved.
public enum LakeError: Error, CustomStringConvertible {
    case invalidDatasetID(String, reason: String)
    case datasetNotFound(String, store: String)
    case missingPartitionColumn(dataset: String, column: String, available: [String])
    case unsupportedPartitionType(dataset: String, column: String, type: String)
    case unknownTimeZone(String)
    case invalidOption(String)
    case schemaChanged(dataset: String, detail: String)
    case rowCountMismatch(dataset: String, file: String, expected: Int64, footer: Int64)
    case badManifest(dataset: String, key: String, detail: String)
    case fileFormat(dataset: String, file: String, detail: String)
    case publish(dataset: String, step: String, underlying: String)
    /// Another process holds the dataset: `holder` says who (nil: a load on this machine).
    case busy(dataset: String, holder: String?)
    /// The load's lease went to another process before it published (it was paused or cut off
    /// past the lease's TTL): nothing more was written.
    case leaseLost(dataset: String, detail: String)
    /// The store wrote through a conditional write it should have refused.
    case noConditionalWrites(store: String, header: String)
    /// Another writer committed a version this Delta load cannot go on top of.
    case commitConflict(dataset: String, version: Int64, detail: String)
    /// The dataset's table format (fixed at its first load) is not the one asked for, or its
    /// Delta log cannot be used.
    case tableFormat(dataset: String, detail: String)
    /// A merge's primary key names a column the data lacks (a usage error).
    case missingKeyColumn(dataset: String, column: String, available: [String])
    /// A merge's input row has no key (bad input data); `row` counts from 1.
    case nullKey(dataset: String, column: String, row: Int64)

    public var description: String {
        switch self {
        case let .invalidDatasetID(raw, reason):
            return "invalid dataset id '\(raw)': \(reason); use \(DatasetID.rule)"
        case let .datasetNotFound(id, store):
            return "dataset '\(id)' not found in \(store)"
        case let .missingPartitionColumn(d, c, a):
            return "dataset '\(d)': partition column '\(c)' is not in the data (columns: \(a.map { "'\($0)'" }.joined(separator: ", ")))"
        case let .unsupportedPartitionType(d, c, t):
            return "dataset '\(d)': partition column '\(c)' is \(t); it must be a date or a timestamp"
        case let .unknownTimeZone(z):
            return "unknown partition time zone '\(z)' (use an IANA name such as UTC or Asia/Tokyo)"
        case let .invalidOption(m):
            return m
        case let .schemaChanged(d, detail):
            return "dataset '\(d)': \(detail)"
        case let .rowCountMismatch(d, f, e, r):
            return "dataset '\(d)': staged file \(f) has \(r) rows in its footer, \(e) were written; nothing was published"
        case let .badManifest(d, k, detail):
            return "dataset '\(d)': manifest \(k) cannot be read: \(detail)"
        case let .fileFormat(d, f, detail):
            return "dataset '\(d)': file \(f): \(detail)"
        case let .publish(d, step, u):
            return "dataset '\(d)': publishing failed while \(step): \(u)"
        case let .busy(d, holder):
            guard let holder else { return "dataset '\(d)' is being loaded by another process on this machine; try again when it finishes" }
            return "dataset '\(d)' is busy: \(holder); try again when it finishes, wait with --wait SECONDS, or if that holder is dead break its lease with 'inlet unlock \(d)'"
        case let .leaseLost(d, detail):
            return "dataset '\(d)': this load lost its lease and published nothing: \(detail)"
        case let .commitConflict(d, v, detail):
            return "dataset '\(d)': Delta version \(v) was committed by another writer meanwhile and \(detail); this load committed nothing (its files were removed), run it again"
        case let .tableFormat(d, detail):
            return "dataset '\(d)': \(detail)"
        case let .missingKeyColumn(d, c, a):
            return "dataset '\(d)': primary key column '\(c)' is not in the data (columns: \(a.map { "'\($0)'" }.joined(separator: ", ")))"
        case let .nullKey(d, c, r):
            return "dataset '\(d)': row \(r) of the input has a null primary key in column '\(c)'; nothing was published"
        case let .noConditionalWrites(store, header):
            return "\(store) ignores conditional writes (\(header)), so a lease cannot keep two loads of one dataset apart; upgrade the store, or run with --no-lease (unsafe: loads of one dataset from two machines may then interleave)"
        }
    }
}
