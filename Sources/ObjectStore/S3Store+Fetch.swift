import Foundation
import NIOCore
import NIOHTTP1
import SigV4

extension S3Store {
    /// Downloads `key` (of `size` bytes) to the file at `path`: in one GET, or, above
    /// `partSize`, in ranged GETs of that size, up to `concurrency` at once, each written at its
    /// offset. With `etag`, every request carries `If-Match`, so an object replaced during the
    /// download fails with `.preconditionFailed` instead of mixing two versions. `received` is
    /// told the bytes that arrive (from any part, in any order). The file appears whole or not
    /// at all: parts go into a temporary file renamed at the end.
    public func download(key: String, toFile path: String, size: Int64, etag: String?, partSize: Int64 = 16 << 20,
                         concurrency: Int = 4, received: (@Sendable (Int64) -> Void)? = nil) async throws {
        let full = try fullKey(key)
        let temporary = path + ".download-\(UUID().uuidString.prefix(8))"
        let file = try S3LocalFile(updatingAt: temporary, store: displayName, key: key)
        do {
            let parts: [Range<Int64>?] = size > partSize
                ? stride(from: Int64(0), to: size, by: Int(partSize)).map { $0 ..< min($0 + partSize, size) }
                : [nil]
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                func launch() {
                    let range = parts[next]
                    next += 1
                    group.addTask { try await self.fetch(full, key: key, range: range, etag: etag, into: file, received: received) }
                }
                while next < min(max(1, concurrency), parts.count) { launch() }
                while try await group.next() != nil {
                    if next < parts.count { launch() }
                }
            }
            let written = try file.size()
            file.close()
            guard written == size else {
                throw ObjectStoreError.io(store: displayName, key: key, message: "got \(written) of \(size) bytes")
            }
            guard rename(temporary, path) == 0 else {
                throw ObjectStoreError.io(store: displayName, key: key, message: "cannot move the download to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            file.close()
            unlink(temporary)
            throw error
        }
    }

    /// One GET (of `range`, or the whole object) streamed into `file` at the range's offset.
    private func fetch(_ full: String, key: String, range: Range<Int64>?, etag: String?, into file: S3LocalFile,
                       received: (@Sendable (Int64) -> Void)?) async throws {
        var headers: [(name: String, value: String)] = []
        if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
        if let etag { headers.append(("if-match", etag)) }
        let start = range?.lowerBound ?? 0
        do {
            try await transport.withRetries(S3Call(method: .GET, key: full, headers: headers, operation: "GET", displayKey: key)) { response in
                // Each attempt writes the part afresh from its start.
                var written: Int64 = 0
                for try await chunk in response.body {
                    try file.write(chunk, at: start + written)
                    written += Int64(chunk.readableBytes)
                    received?(Int64(chunk.readableBytes))
                }
                let expected = response.headers.first(name: "content-length").flatMap(Int64.init) ?? range.map { $0.upperBound - $0.lowerBound }
                if let expected, expected != written { throw S3LocalFileError.io("got \(written) of \(expected) bytes") }
            }
        } catch let error as S3Error where error.kind == .notFound {
            throw ObjectStoreError.notFound(store: displayName, key: key)
        } catch let error as S3Error where error.status == 412 {
            throw ObjectStoreError.preconditionFailed(store: displayName, key: key)
        }
    }

    /// Copies the object `sourceKey` of bucket `sourceBucket` (the full key: no store prefix
    /// applies) to `destination` in this store, on the server (CopyObject: objects up to 5 GB).
    /// The credentials must reach both buckets.
    public func copy(fromBucket sourceBucket: String, key sourceKey: String, to destination: String) async throws {
        let copySource = "/" + sourceBucket + "/" + SigV4Encoding.encode(sourceKey, keepSlash: true)
        let call = S3Call(method: .PUT, key: try fullKey(destination), headers: [("x-amz-copy-source", copySource)],
                          operation: "CopyObject", displayKey: destination)
        let r = try await transport.send(call)
        // A copy can fail after its 200 status line: the error is then the body.
        if r.text.contains("<Error>") {
            let body = S3ErrorBody(xml: r.text)
            throw transport.makeError(call, status: r.status, code: body.code, message: body.message, requestID: body.requestID, attempts: 1)
        }
    }
}
