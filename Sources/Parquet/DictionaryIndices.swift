/// A page's dictionary indices, buffered until the page closes and then written as the
/// RLE_DICTIONARY body (one bit-width byte, then the RLE/bit-packed hybrid). Shared by the
/// dictionary encoders of every physical type.
struct DictionaryIndices {
    /// Indices of the open page, one per non-null value.
    var values: [UInt32] = []
    private var encoder = RLEHybridEncoder(bitWidth: 1)

    /// Encoded size of the open page so far.
    func byteEstimate(dictionaryCount: Int) -> Int {
        values.count * max(1, RLEHybridEncoder.bitWidth(forMax: dictionaryCount)) / 8 + 1
    }

    /// Memory held: 4 bytes per buffered index (they encode in a few bits) and the encoder's output buffer.
    var memoryBytes: Int { 4 * values.count + encoder.out.count }

    /// Appends the open page's body to `body` and starts a new page.
    mutating func takePage(dictionaryCount: Int, into body: inout [UInt8]) {
        let bw = max(1, RLEHybridEncoder.bitWidth(forMax: max(0, dictionaryCount - 1)))
        if encoder.bitWidth != bw { encoder = RLEHybridEncoder(bitWidth: bw, capacity: values.count * bw / 8 + 16) }
        for i in values { encoder.put(i) }
        values.removeAll(keepingCapacity: true)
        body.append(UInt8(bw))
        encoder.finish(into: &body)
    }

    /// Releases the buffers for the next column chunk.
    mutating func reset() {
        values = []
        encoder = RLEHybridEncoder(bitWidth: 1)
    }
}
