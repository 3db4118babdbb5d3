import Delimited
import Foundation
import JSON
import Parquet

/// An error about one object, naming it by its URL rather than by its spooled copy.
public struct FilesObjectError: Error, CustomStringConvertible {
    public let url: String
    public let underlying: Error
    let path: String?

    public var description: String {
        let text = "\(underlying)"
        if let path, text.contains(path) { return text.replacingOccurrences(of: path, with: url) }
        return text.contains(url) ? text : "\(url): \(text)"
    }

    static func wrap(_ error: Error, url: String, path: String?) -> Error {
        if error is FilesObjectError || error is CancellationError { return error }
        return FilesObjectError(url: url, underlying: error, path: path)
    }

    /// A corrupt or unreadable object (what `bad_files: skip` leaves out), not a failing
    /// store or a wrong setting.
    static func isBadObject(_ error: Error) -> Bool {
        error is CSVError || error is JSONError || error is ParquetError
    }
}
