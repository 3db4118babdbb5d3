/// # Inference: whole-column types and byte-level value parsers
///
/// Pass 1 (`InferenceState.observe`, mergeable across cores) records, per column, which
/// candidate types every non-null value fits; `finish()` picks the narrowest and explains why
/// (`InferenceReport`). Pass 2 (`BatchConverter.convert`) parses field bytes into typed
/// columns. No value ever goes through `String`, Foundation or a locale.
///
/// Decisions (each is asserted by a test in Tests/InferenceTests):
/// - Order: boolean → int64 → decimal(38,0) → float64 (or DECIMAL(p,s) with `.exact`) → date →
///   timestamp → string. With `allowCompactDates`, an all-`YYYYMMDD` column is a date first.
/// - Booleans: `true`/`false` in any case only (not 0/1, yes/no).
/// - Integers: optional `+`/`-`; `-0` is 0. A leading zero followed by digits (`007`, `-01`,
///   `00.5`) keeps the column a string. Beyond int64: decimal(38,0) up to 38 digits, else
///   string. No integer passes through Double: a float column holding an integer above 2^53
///   (where doubles stop being exact) becomes DECIMAL(p,s) when p ≤ 38, else string.
/// - Thousands separators: a column is grouped only if every value of 1,000 or more has
///   correct `,ddd` groups and no value has bad grouping; the commas are dropped when parsing.
///   A column mixing `1,234` and `12345` is a string. No surrounding spaces are trimmed;
///   currency signs and `%` make a string.
/// - Doubles: correctly rounded (exact fast path for ≤ 15 digits and |exp| ≤ 22, else `strtod`
///   on a stack copy). Specials: `NaN`, `inf`, `Infinity`, signed or not, any case. `.5` and
///   `5.` are numbers.
/// - `.exact`: DECIMAL(p,s) with s = largest scale and p = widest integer part + s. p > 38 is a
///   string (never rounded). Exponents or NaN/Infinity make the column float64.
/// - Dates: `YYYY-MM-DD`, `YYYY/MM/DD`, `M/D/YYYY`, `D/M/YYYY` (1–2 digit month/day), valid
///   calendar dates only. A slashed column is MDY if some second part is > 12, DMY if some
///   first part is > 12, a string if both; otherwise `dateOrder`, with a warning when the
///   order changes some value. Mixed date formats in one column make a string.
/// - Timestamps (microseconds): ISO 8601 with `T` or space, `HH:MM[:SS[.f…]]`, optional `Z`,
///   `±HH`, `±HH:MM`, `±HHMM`; slashed `M/D/YYYY h:mm[:ss] [AM|PM]` (seconds optional, 24-hour
///   without AM/PM). Every value with an offset → `timestamp[us, UTC]` converted to UTC; none →
///   naive `timestamp[us]`; a mix → string. Date-only values in a naive timestamp column are
///   midnight; in an offset column they are the mix that makes a string. Fraction digits
///   beyond the sixth must be zeros, else string.
/// - Nulls: empty unquoted = null. `""` = empty string in a string column, null in a typed
///   one. `nullValues` tokens = null in a typed column, text in a string column. An all-null
///   column is a nullable string. Every inferred field is nullable (later files may add nulls).
/// - Overrides win. Declared `timestamp[…, UTC]` columns take offset-less values as UTC; a
///   declared naive column rejects values with an offset. A declared decimal accepts extra
///   decimals only when they are zeros. Bad values: `ConversionError` (FILE:LINE:COLUMN) or
///   the `RowErrorPolicy`.
public enum InferenceRules {}
