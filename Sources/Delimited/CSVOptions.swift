/// What to do with a row whose field count differs from the header's.
public enum BadRowPolicy: Sendable, Equatable {
    /// Stop with `FILE:LINE: expected N fields, found M` (the default).
    case fail
    /// Drop the row and count it.
    case skip
    /// Drop the row, count it, and append it to a rejects CSV (`line,reason,row`).
    case reject(path: String)
}

/// What to do with bytes that are invalid in the source encoding.
public enum EncodingErrorPolicy: Sendable {
    /// Stop with an error naming the line and byte offset (the default).
    case fail
    /// Substitute U+FFFD and go on.
    case replace
}

/// Source encodings the reader detects and transcodes to UTF-8.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8
    case utf16le
    case utf16be
    /// Shift_JIS with the Microsoft NEC/IBM extensions (①, ㈱, 髙), as Japanese Excel writes it.
    case shiftJIS = "cp932"
    case eucJP = "euc-jp"
    case windows1252 = "windows-1252"
    case latin1 = "iso-8859-1"

    /// Accepts the canonical names and common aliases, case-insensitively
    /// (`utf8`, `sjis`, `shift_jis`, `ms932`, `eucjp`, `cp1252`, `latin1`, ...).
    public init?(name: String) {
        let key = String(name.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " })
        switch key {
        case "utf8", "utf8bom", "utf8sig": self = .utf8
        case "utf16le", "utf16", "ucs2le", "unicode": self = .utf16le
        case "utf16be", "ucs2be": self = .utf16be
        case "cp932", "sjis", "shiftjis", "ms932", "windows31j", "mskanji", "xsjis": self = .shiftJIS
        case "eucjp", "ujis", "xeucjp": self = .eucJP
        case "windows1252", "cp1252", "win1252", "ansi": self = .windows1252
        case "iso88591", "latin1", "l1", "iso885915", "88591": self = .latin1
        default: return nil
        }
    }

    /// The name glibc's iconv knows this encoding by.
    var iconvName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .utf16le: return "UTF-16LE"
        case .utf16be: return "UTF-16BE"
        case .shiftJIS: return "CP932"   // glibc's SHIFT_JIS rejects the NEC/IBM extension rows
        case .eucJP: return "EUC-JP"
        case .windows1252: return "CP1252"
        case .latin1: return "ISO-8859-1"
        }
    }

    /// Bytes per code unit (what `replace` skips over an invalid unit).
    var unitSize: Int { self == .utf16le || self == .utf16be ? 2 : 1 }
}

/// Reader settings. `nil` means "detect".
public struct CSVOptions: Sendable {
    public var delimiter: UInt8? = nil
    public var quote: UInt8? = nil
    public var hasHeader: Bool? = nil
    /// Decides whether the first row is a header when `hasHeader` is nil. Loads use
    /// `Inference.InferredHeaderRule` (the value rules of type inference); nil means `TextHeaderRule`.
    public var headerRule: (any HeaderRule)? = nil
    /// Physical lines skipped before the header (or the first row): report preambles etc.
    public var skipRows = 0
    public var encoding: TextEncoding? = nil
    public var encodingErrors: EncodingErrorPolicy = .fail
    public var badRows: BadRowPolicy = .fail
    /// Under `reject`: the value of an `object` column put first in every rejected row (a
    /// load of many files names each row's file). nil: no such column.
    public var rejectsObject: String? = nil
    /// Upper bound on rows per chunk (chunks are also cut at `blockByteLimit` bytes).
    public var chunkRows = 65_536

    // Internal knobs so tests can force chunk and buffer boundaries everywhere.
    /// Bytes per read(2).
    var readSize = 1 << 20
    /// A chunk is cut at the first record end after this many decoded bytes.
    var blockByteLimit = 4 << 20
    /// A single record longer than this is an error (bounds memory on an unterminated quote).
    var maxRecordBytes = 64 << 20
    /// Blocks parsed ahead of the consumer.
    var maxInFlight = 4

    public init() {}
}

/// The encoding chosen and why.
public struct DetectedEncoding: Sendable, Equatable {
    public let encoding: TextEncoding
    public let hadBOM: Bool
    public let reason: String
    /// True when only ASCII was seen and UTF-8 was assumed; later non-UTF-8 bytes get a hint.
    let assumedFromASCII: Bool

    init(encoding: TextEncoding, hadBOM: Bool, reason: String, assumedFromASCII: Bool = false) {
        self.encoding = encoding
        self.hadBOM = hadBOM
        self.reason = reason
        self.assumedFromASCII = assumedFromASCII
    }
}

/// The CSV dialect in use and why each part was chosen.
public struct Dialect: Sendable, Equatable {
    public let delimiter: UInt8
    public let quote: UInt8
    public let hasHeader: Bool
    /// True when every sampled row ends with a delimiter: that empty last field is dropped.
    public let trailingDelimiter: Bool
    public let reasons: [String]
}

/// A header name the reader had to change (empty or duplicate).
public struct HeaderRename: Sendable, Equatable {
    /// 1-based column position.
    public let position: Int
    public let original: String
    public let renamed: String
}
