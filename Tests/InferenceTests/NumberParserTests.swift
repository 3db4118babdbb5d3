import TestSupport
import Foundation
import Testing
@testable import Inference

@Suite struct NumberParserTests {
    func int(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBytes { NumberParsers.int64($0) } }
    func dbl(_ s: String) -> Double? { Array(s.utf8).withUnsafeBytes { NumberParsers.double($0) } }
    func dec(_ s: String, _ p: Int, _ sc: Int) -> Int128? { Array(s.utf8).withUnsafeBytes { NumberParsers.decimal($0, precision: p, scale: sc) } }

    @Test func int64Bounds() {
        #expect(int("9223372036854775807") == Int64.max)
        #expect(int("-9223372036854775808") == Int64.min)
        #expect(int("9223372036854775808") == nil)
        #expect(int("-9223372036854775809") == nil)
        #expect(int("+42") == 42)
        #expect(int("-0") == 0)
        #expect(int("1,234,567") == 1_234_567)
        #expect(int("12,34") == nil)
        #expect(int("1,2345") == nil)
        #expect(int(",123") == nil)
        #expect(int("1.0") == nil)
        #expect(int("") == nil)
        #expect(int("-") == nil)
        #expect(int(" 1") == nil)
    }

    @Test func doublesAreCorrectlyRounded() {
        let cases = ["0.1", "0.3", "3.141592653589793", "1.7976931348623157e308", "2.2250738585072014e-308",
                     "4.9e-324", "9007199254740993", "123456789012345678.5", "0.30000000000000004",
                     "-1.5E-3", "1e22", "1e23", "8.41e21", ".5", "5.", "1,234.25", "-0.0"]
        for c in cases {
            let expected = Double(c.replacingOccurrences(of: ",", with: ""))
            #expect(dbl(c)?.bitPattern == expected?.bitPattern, "\(c)")
        }
        #expect(dbl("NaN")?.isNaN == true)
        #expect(dbl("Infinity") == .infinity)
        #expect(dbl("-Infinity") == -.infinity)
        #expect(dbl("inf") == .infinity)
        #expect(dbl("1e") == nil)
        #expect(dbl("$1.00") == nil)
        #expect(dbl("5%") == nil)
        #expect(dbl(".") == nil)
    }

    @Test func randomDoublesMatchSwiftParser() {
        var rng = SeededRandom(seed: 7)
        for _ in 0 ..< 20_000 {
            let v = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
            let digits = Int.random(in: 1 ... 17, using: &rng)
            let text = String(format: "%.\(digits)g", v)
            #expect(dbl(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test func decimalsNeverRound() {
        #expect(dec("12.5", 10, 2) == 1250)
        #expect(dec("-0.005", 5, 3) == -5)
        #expect(dec("1.230", 5, 2) == 123)
        #expect(dec("1.235", 5, 2) == nil)
        #expect(dec("99999999999999999999999999999999999999", 38, 0) == Int128("99999999999999999999999999999999999999"))
        #expect(dec("999999999999999999999999999999999999999", 38, 0) == nil)
        #expect(dec("1,000.5", 6, 1) == 10005)
        #expect(dec("1e5", 10, 0) == nil)
        #expect(dec("123456", 5, 0) == nil)
    }
}
