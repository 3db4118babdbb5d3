import Testing

@Test func placeholder_ObjectStoreTests() { #expect(Bool(true)) }
