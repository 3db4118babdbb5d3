import Testing

@Test func placeholder_InletCLITests() { #expect(Bool(true)) }
