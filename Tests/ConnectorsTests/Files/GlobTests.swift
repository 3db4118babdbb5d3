@testable import Connectors
import Testing

/// The files source's patterns: shell-like wildcards per segment, `**` across segments,
/// alternatives, escapes, hidden names, and the literal prefixes S3 listings start from.
@Suite struct GlobTests {
    func matches(_ pattern: String, _ path: String) throws -> Bool { try Glob(pattern).matches(path) }

    @Test func wildcardsStayInTheirSegment() throws {
        #expect(try matches("*.csv", "a.csv"))
        #expect(try !matches("*.csv", "dir/a.csv"))
        #expect(try matches("dir/*.csv", "dir/a.csv"))
        #expect(try matches("dir/a?.csv", "dir/ab.csv"))
        #expect(try !matches("dir/a?.csv", "dir/a.csv"))
        #expect(try matches("x/*/y.csv", "x/2025/y.csv"))
        #expect(try !matches("x/*/y.csv", "x/2025/10/y.csv"))
        #expect(try matches("*a*b*", "xxaxxbxx"))
        #expect(try !matches("*a*b*", "xxbxxaxx"))
    }

    @Test func doubleStarSpansAnyNumberOfSegments() throws {
        #expect(try matches("v/**/*.csv.gz", "v/a.csv.gz"))
        #expect(try matches("v/**/*.csv.gz", "v/2025/10/01/a.csv.gz"))
        #expect(try !matches("v/**/*.csv.gz", "w/a.csv.gz"))
        #expect(try !matches("v/**/*.csv.gz", "v/2025/a.csv"))
        #expect(try matches("**", "a/b/c"))
        #expect(try matches("v/**", "v/a/b"))
        #expect(try matches("v/**/x/*.json", "v/x/a.json"))
        #expect(try matches("v/**/x/*.json", "v/1/2/x/a.json"))
    }

    @Test func characterClassesAlternativesAndEscapes() throws {
        #expect(try matches("part-[abc].csv", "part-b.csv"))
        #expect(try !matches("part-[abc].csv", "part-d.csv"))
        #expect(try matches("part-[0-9][0-9].csv", "part-42.csv"))
        #expect(try matches("part-[!0-9].csv", "part-x.csv"))
        #expect(try !matches("part-[!0-9].csv", "part-7.csv"))
        #expect(try matches("{eu,us}/*.csv", "us/a.csv"))
        #expect(try !matches("{eu,us}/*.csv", "jp/a.csv"))
        #expect(try matches("a.{csv,json}{,.gz}", "a.json.gz"))
        #expect(try matches("a.{csv,json}{,.gz}", "a.csv"))
        #expect(try matches("x/{2024/*,2025/10/*}.csv", "x/2025/10/a.csv"))
        #expect(try matches("lit\\*eral.csv", "lit*eral.csv"))
        #expect(try !matches("lit\\*eral.csv", "litXeral.csv"))
    }

    /// Wildcards never match a name starting with `.` or `_`; a segment written with it does.
    @Test func hiddenAndUnderscoreNamesNeedToBeWritten() throws {
        #expect(try !matches("*.csv", ".a.csv"))
        #expect(try !matches("*", "_SUCCESS"))
        #expect(try !matches("**/*.csv", "_temporary/a.csv"))
        #expect(try !matches("**/*.csv", "x/.git/a.csv"))
        #expect(try matches(".*.csv", ".a.csv"))
        #expect(try matches("_tmp/*.csv", "_tmp/a.csv"))
        #expect(try matches("**/_*.csv", "x/_a.csv"))
    }

    @Test func listingsStartFromTheLiteralPrefix() throws {
        #expect(try Glob("vendor-x/**/*.csv.gz").literalPrefixes == ["vendor-x/"])
        #expect(try Glob("vendor-x/2025-1*/a.csv").literalPrefixes == ["vendor-x/2025-1"])
        #expect(try Glob("{eu,us}/x/*.csv").literalPrefixes == ["eu/x/", "us/x/"])
        // One prefix covering another lists once.
        #expect(try Glob("{a/*,a/b/*}").literalPrefixes == ["a/"])
        #expect(try Glob("*.csv").literalPrefixes == [""])
        #expect(try Glob("a/b.csv").literalPrefixes == ["a/b.csv"])
        #expect(try Glob("x\\*y/*").literalPrefixes == ["x*y/"])
    }

    @Test func badPatternsAreNamed() {
        #expect(throws: GlobError.self) { try Glob("a/[bc.csv") }
        #expect(throws: GlobError.self) { try Glob("a/{b,c.csv") }
        #expect(throws: GlobError.self) { try Glob("a/{b}.csv") }
        #expect(throws: GlobError.self) { try Glob("a/b].csv") }
        #expect((try? Glob("a/[z-a].csv")) == nil)
    }

    @Test func locationsSplitBucketAndPattern() throws {
        #expect(try FilesLocation("s3://landing/vendor-x/**/*.csv.gz") == .s3(bucket: "landing", glob: try Glob("vendor-x/**/*.csv.gz")))
        #expect(try FilesLocation("s3://landing/vendor-x/") == .s3(bucket: "landing", glob: try Glob("vendor-x/**")))
        #expect(try FilesLocation("s3://landing") == .s3(bucket: "landing", glob: try Glob("**")))
        #expect(try FilesLocation("exports/*.csv") == .local(try Glob("exports/*.csv")))
        #expect(throws: GlobError.self) { try FilesLocation("s3://land*/x.csv") }
    }
}
