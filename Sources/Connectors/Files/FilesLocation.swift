/// Where a files source's pattern points: a bucket and a glob over its keys, or a glob over
/// local paths. A pattern without wildcards that names a folder (or an S3 prefix ending in
/// `/`) means every file beneath it.
public enum FilesLocation: Sendable, Equatable {
    case s3(bucket: String, glob: Glob)
    case local(Glob)

    public init(_ text: String) throws {
        if text.lowercased().hasPrefix("s3://") {
            let rest = text.dropFirst(5)
            let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let bucket = String(parts[0])
            guard !bucket.isEmpty, !Glob.hasWildcards(bucket) else {
                throw GlobError(pattern: text, reason: "an s3:// URL names its bucket first, without wildcards: s3://bucket/prefix/**/*.csv")
            }
            var pattern = parts.count > 1 ? String(parts[1]) : ""
            if pattern.isEmpty || pattern.hasSuffix("/") { pattern += "**" }
            self = .s3(bucket: bucket, glob: try Glob(pattern))
        } else {
            guard !text.isEmpty else { throw GlobError(pattern: text, reason: "the pattern is empty") }
            var pattern = text
            if pattern.hasSuffix("/") { pattern += "**" }
            self = .local(try Glob(pattern))
        }
    }

    public var isS3: Bool { if case .s3 = self { return true }; return false }

    public var glob: Glob {
        switch self {
        case let .s3(_, g), let .local(g): return g
        }
    }
}
