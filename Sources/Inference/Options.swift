import Columnar

/// How numbers with a fractional part are typed.
public enum DecimalMode: String, Sendable {
    /// float64 (correctly rounded from the text).
    case double
    /// DECIMAL(p,s) from the widest integer part and the largest scale, when p ≤ 38.
    case exact
}

/// Which of the two slash orders an ambiguous column (every value fits both) follows.
public enum DateOrder: String, Sendable {
    case mdy = "MDY", dmy = "DMY"
}

public struct InferenceOptions: Sendable {
    public var decimals: DecimalMode = .double
    /// Used only when every slashed date in a column fits both orders (a warning says so).
    public var dateOrder: DateOrder = .mdy
    /// Accept `YYYYMMDD`; such a column becomes a date even though its values are also integers.
    public var allowCompactDates = false
    /// Extra tokens (e.g. `NULL`, `NA`, `N/A`, `#N/A`) that mean null in a typed column.
    /// In a column that ends up a string they stay text.
    public var nullValues: [String] = []
    /// Column name → type; wins over inference.
    public var schemaOverrides: [String: DataType] = [:]
    /// Column name → the type a dataset already stores (a run appending to it): used for the
    /// columns the input has, ignored for the ones it lacks (those become nulls on append).
    public var storedTypes: [String: DataType] = [:]

    public init() {}
}

/// What the converter does with a row holding a value that breaks its column's type.
public enum RowErrorPolicy: Sendable {
    /// Throw `ConversionError` for the earliest bad value.
    case fail
    /// Drop the row; `ConvertedChunk.rejected` still lists it so the caller can count it.
    case skip
    /// Drop the row and return it in `ConvertedChunk.rejected` (the caller writes rejects).
    case collect
}
