import Testing

@Test func placeholder_DelimitedTests() { #expect(Bool(true)) }
