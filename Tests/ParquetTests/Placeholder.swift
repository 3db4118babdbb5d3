import Testing

@Test func placeholder_ParquetTests() { #expect(Bool(true)) }
