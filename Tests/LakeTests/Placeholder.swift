import Testing

@Test func placeholder_LakeTests() { #expect(Bool(true)) }
