/// Settings of one pass (see `CSVReader.pass`).
public struct CSVPassOptions {
    /// Drop each chunk's fields once staged, on the parse thread: for passes that need only
    /// what the stage made of each chunk (the chunk handed out is then empty).
    public var releaseChunks = false
    /// Sees every byte of the file (BOM and header too), in file order, on the reading thread:
    /// what the pass reads anyway, e.g. for the source's digest. A pass that ends early (an
    /// error, a newer pass) shows it fewer bytes than the file has.
    public var fileBytes: ((UnsafeRawBufferPointer) -> Void)?

    public init(releaseChunks: Bool = false, fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        self.releaseChunks = releaseChunks
        self.fileBytes = fileBytes
    }
}

/// One pass over a CSV file's data rows: chunks in file order, each with what the pass's stage
/// made of it on the parse threads (`Staged`: inference state, converted batch, …). Bad rows
/// are counted (and written to the rejects file) on the reader as their chunk is handed out.
/// An error ends the pass: later calls throw it again rather than read on.
public final class CSVPass<Staged> {
    private let reader: CSVReader
    private var pipeline: ChunkPipeline<Staged>?
    private var terminalError: CSVError?

    init(reader: CSVReader, pipeline: ChunkPipeline<Staged>) {
        self.reader = reader
        self.pipeline = pipeline
    }

    deinit { pipeline?.cancel() }

    /// The next chunk and its staged result; nil at the end of the file.
    public func next() throws -> (chunk: FieldChunk, staged: Staged)? {
        if let terminalError { throw terminalError }
        guard let pipeline else { return nil }
        while true {
            guard let item = pipeline.next() else {
                reader.passEnded(bytes: pipeline.bytesRead, replayable: pipeline.replayable, replayed: pipeline.didReplay)
                self.pipeline = nil
                try reader.flushRejects()
                return nil
            }
            var failure: CSVError? = nil
            switch item {
            case let .failure(error):
                failure = reader.explained(error)
            case let .block(parsed, staged):
                try reader.account(parsed.badRows)
                if let error = parsed.error.map(reader.explained) {
                    failure = error
                    if parsed.rows > 0, let staged {
                        // Hand out the rows before the bad one; the error comes next call.
                        reader.rowsRead += parsed.rows
                        stop(with: error)
                        return (parsed.chunk, staged)
                    }
                } else if parsed.rows > 0, let staged {
                    reader.rowsRead += parsed.rows
                    return (parsed.chunk, staged)
                }
            }
            if let failure {
                stop(with: failure)
                throw failure
            }
        }
    }

    /// Stops reading; `next()` then returns nil.
    func cancel() {
        guard let pipeline else { return }
        pipeline.cancel()
        reader.passStopped(bytes: pipeline.bytesRead)
        self.pipeline = nil
    }

    private func stop(with error: CSVError) {
        try? reader.flushRejects()
        cancel()
        terminalError = error
    }
}
