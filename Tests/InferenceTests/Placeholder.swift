import Testing

@Test func placeholder_InferenceTests() { #expect(Bool(true)) }
