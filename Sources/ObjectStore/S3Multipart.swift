import Foundation
import NIOCore
import NIOHTTP1

/// Multipart upload of a large file: parts of 8–64 MiB (≤ 10,000), `tuning.concurrency`
/// in flight, each read from disk by its own task (memory ≈ concurrency × part size),
/// each carrying Content-MD5 and a signed SHA-256. Any failure aborts the upload so no
/// parts are left billed and invisible.
extension S3Store {
    func putMultipart(key: String, file: S3LocalFile, size: Int64) async throws {
        let full = try fullKey(key)
        guard let partSize = config.tuning.partSize(forFileOfSize: size) else {
            throw ObjectStoreError.io(store: displayName, key: key, message: "\(size) bytes is more than 10,000 parts of \(config.tuning.maximumPartSize) bytes")
        }
        let partCount = Int((size + partSize - 1) / partSize)

        let created = try await transport.send(S3Call(method: .POST, key: full, query: [("uploads", "")],
                                                      operation: "CreateMultipartUpload", displayKey: key))
        guard let uploadID = S3XML.value("UploadId", in: Substring(created.text)), !uploadID.isEmpty else {
            throw transport.makeError(S3Call(method: .POST, key: full, operation: "CreateMultipartUpload"),
                                      status: created.status, code: nil, message: "no UploadId in the response", requestID: nil, attempts: 1)
        }
        let transport = self.transport
        let abort = S3Call(method: .DELETE, key: full, query: [("uploadId", uploadID)],
                           operation: "AbortMultipartUpload", displayKey: key)
        // A signal that ends the process mid-upload aborts it too.
        let cleanup = ExitCleanup.register { _ = try? await transport.send(abort) }
        defer { ExitCleanup.unregister(cleanup) }
        do {
            let etags = try await uploadParts(key: key, full: full, uploadID: uploadID, file: file, size: size,
                                              partSize: partSize, partCount: partCount)
            try await completeMultipart(key: key, full: full, uploadID: uploadID, etags: etags, size: size)
        } catch {
            // Abort in an unstructured task so that a cancelled caller still cleans up.
            _ = try? await Task { try await transport.send(abort) }.value
            throw error
        }
    }

    private func uploadParts(key: String, full: String, uploadID: String, file: S3LocalFile, size: Int64,
                             partSize: Int64, partCount: Int) async throws -> [String] {
        let transport = self.transport
        return try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var etags = [String](repeating: "", count: partCount)
            var next = 1
            func start(_ number: Int) {
                let offset = Int64(number - 1) * partSize
                let length = Int(min(partSize, size - offset))
                group.addTask {
                    let body = try file.read(offset: offset, count: length)
                    let call = S3Call(method: .PUT, key: full, query: [("partNumber", String(number)), ("uploadId", uploadID)],
                                      headers: [("content-md5", S3Store.md5Base64(body))], body: body,
                                      operation: "UploadPart \(number)/\(partCount)", displayKey: key)
                    let response = try await transport.send(call)
                    guard let etag = response.headers.first(name: "etag"), !etag.isEmpty else {
                        throw transport.makeError(call, status: response.status, code: nil, message: "no ETag for the part",
                                                  requestID: response.headers.first(name: "x-amz-request-id"), attempts: 1)
                    }
                    return (number, etag)
                }
            }
            while next <= partCount && next <= config.tuning.concurrency { start(next); next += 1 }
            while let (number, etag) = try await group.next() {
                etags[number - 1] = etag
                if next <= partCount { start(next); next += 1 }
            }
            return etags
        }
    }

    private func completeMultipart(key: String, full: String, uploadID: String, etags: [String], size: Int64) async throws {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (i, etag) in etags.enumerated() {
            xml += "<Part><PartNumber>\(i + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        var body = ByteBufferAllocator().buffer(capacity: xml.utf8.count)
        body.writeString(xml)
        let call = S3Call(method: .POST, key: full, query: [("uploadId", uploadID)],
                          headers: [("content-type", "application/xml")], body: body,
                          operation: "CompleteMultipartUpload", displayKey: key)
        do {
            // S3 may answer 200 and still report an error in the body; retry those like a 5xx.
            for attempt in 1...transport.retry.maxAttempts {
                let response = try await transport.send(call)
                let text = response.text
                guard S3XML.rootIs("Error", in: text) else { return }
                let err = S3ErrorBody(xml: text)
                let failure = transport.makeError(call, status: response.status, code: err.code, message: err.message,
                                                  requestID: err.requestID, attempts: attempt)
                guard RetryPolicy.isRetryable(status: 500, code: err.code) && err.code != nil && attempt < transport.retry.maxAttempts
                else { throw failure }
                transport.counters.countRetry()
                var rng = SystemRandomNumberGenerator()
                try await Task.sleep(for: transport.retry.delay(retry: attempt, using: &rng))
            }
        } catch let error as S3Error where error.code == "NoSuchUpload" && error.attempts > 1 {
            // An earlier attempt completed the upload but its answer was lost: accept the object
            // if it is the one we uploaded (multipart ETags end in "-<part count>").
            if let info = try await head(key: key), info.size == size, info.etag?.hasSuffix("-\(etags.count)\"") == true { return }
            throw error
        }
    }
}
