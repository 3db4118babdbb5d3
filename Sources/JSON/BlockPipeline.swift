import Delimited
import Dispatch
import Foundation

/// One pass over a JSON input: a producer thread reads and decodes the text and cuts it into
/// blocks of whole records; each block is staged (parsed) on the global queue, so both cores
/// parse; results come back strictly in input order. At most `maxInFlight` blocks exist at once,
/// so memory stays bounded whatever the input's size.
final class BlockPipeline<Staged>: @unchecked Sendable {
    private enum Item { case staged(Staged), failure(Error) }

    private let handoff: OrderedHandoff<Item>
    private let cond = NSCondition()
    private var bytes: Int64 = 0

    init(path: String, layout: JSONLayout, blockBytes: Int, maxInFlight: Int = 4,
         fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil, stage: @escaping @Sendable (RecordBlock) -> Staged) {
        handoff = OrderedHandoff(maxInFlight: maxInFlight)
        let thread = Thread { [self] in
            produce(path: path, layout: layout, blockBytes: blockBytes, fileBytes: fileBytes, stage: stage)
            handoff.producerFinished()
        }
        thread.name = "inlet.json.reader"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Bytes of the file read so far (compressed, for gzip).
    var bytesRead: Int64 { cond.lock(); defer { cond.unlock() }; return bytes }

    /// The next block's staged result in input order; nil at the end.
    func next() throws -> Staged? {
        switch handoff.next() {
        case nil: return nil
        case let .staged(s)?: return s
        case let .failure(e)?:
            handoff.cancel()
            throw e
        }
    }

    func cancel() { handoff.cancel() }

    deinit { cancel() }

    private func produce(path: String, layout: JSONLayout, blockBytes: Int, fileBytes: ((UnsafeRawBufferPointer) -> Void)?,
                         stage: @escaping @Sendable (RecordBlock) -> Staged) {
        do {
            let reader = try DecodedTextReader(path: path, blockBytes: blockBytes, fileBytes: fileBytes)
            var splitter = RecordSplitter(file: path, layout: layout)
            while true {
                let text = try reader.next()
                let atEnd = text == nil
                let block = try splitter.feed(consume text)
                cond.lock(); bytes = reader.fileBytesRead; cond.unlock()
                if !block.records.isEmpty {
                    guard let seq = handoff.reserveSlot() else { return }
                    let box = Box(block)
                    DispatchQueue.global().async { [handoff] in handoff.deliver(.staged(stage(box.take())), at: seq) }
                }
                if atEnd {
                    try splitter.finish()
                    return
                }
            }
        } catch {
            if let seq = handoff.reserveSlot() { handoff.deliver(.failure(error), at: seq) }
        }
    }
}

/// Hands a block to its parse job without a second reference to its text.
private final class Box: @unchecked Sendable {
    private var block: RecordBlock?
    init(_ block: RecordBlock) { self.block = block }
    func take() -> RecordBlock { defer { block = nil }; return block! }
}
