import Foundation

/// A loopback HTTP/1.1 proxy between the store and the S3 server that injects faults:
/// error answers, connections reset in the middle of a request or response body, and slow
/// answers. Plain blocking sockets, one thread per connection; every answer closes its
/// connection so each request meets the rule afresh.
final class S3FaultProxy: @unchecked Sendable {
    enum Fault: Sendable, Equatable {
        case pass
        /// Answer with this status and S3 error code without asking the server.
        case answer(status: Int, code: String)
        /// Read half the request body, then reset the connection (the server never sees it).
        case resetDuringRequestBody
        /// Forward, then send the head and half of the body, then reset.
        case resetDuringResponseBody
        /// Forward, then wait this long before answering.
        case delay(TimeInterval)
        /// Forward, and leave out of a ListObjectsV2 answer every object whose key holds this
        /// text: an object the listing does not show yet.
        case hideListed(String)
    }

    struct Request: Sendable {
        var method: String
        /// Path and query as sent.
        var target: String
        /// Requests seen so far, this one excluded.
        var index: Int
        /// The access key ID the request was signed with (from `Authorization`), if any.
        var accessKeyID: String? = nil
    }

    private let upstreamPort: Int
    private let rule: @Sendable (Request) -> Fault
    private let listener: Int32
    private(set) var port: Int = 0
    private let lock = NSLock()
    private var seen = 0
    private var injected: [String] = []

    var endpoint: String { "http://127.0.0.1:\(port)" }
    /// Faults injected so far, as "METHOD target → fault".
    var injectedFaults: [String] { lock.lock(); defer { lock.unlock() }; return injected }

    init(upstream: String, rule: @escaping @Sendable (Request) -> Fault) throws {
        guard let url = URL(string: upstream), let p = url.port else { throw ProxyError("bad upstream \(upstream)") }
        upstreamPort = p
        self.rule = rule
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.loopback(port: 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) == 0 && getsockname(listener, $0, &len) == 0 }
        }
        guard ok, listen(listener, 64) == 0 else { throw ProxyError("cannot listen: \(String(cString: strerror(errno)))") }
        port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { if errno == EINTR { continue }; return }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ clientFD: Int32) {
        let client = Socket(clientFD)
        defer { client.close() }
        guard let head = client.readHead() else { return }
        let (method, target, contentLength, headers) = Self.parseRequestHead(head)
        let fault: Fault
        do {
            lock.lock(); defer { lock.unlock() }
            fault = rule(Request(method: method, target: target, index: seen, accessKeyID: Self.accessKeyID(headers)))
            seen += 1
            if fault != .pass { injected.append("\(method) \(target) → \(fault)") }
        }
        if fault == .resetDuringRequestBody {
            _ = client.read(exactly: contentLength / 2)
            client.reset()
            return
        }
        guard let body = client.read(exactly: contentLength) else { return }
        if case let .answer(status, code) = fault {
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>injected by the test proxy</Message><RequestId>PROXY\(status)</RequestId></Error>"
            client.write(Array("HTTP/1.1 \(status) Injected\r\nContent-Type: application/xml\r\nContent-Length: \(xml.utf8.count)\r\nx-amz-request-id: PROXY\(status)\r\nConnection: close\r\n\r\n\(xml)".utf8))
            return
        }
        // Forward to the server on a fresh connection.
        let upFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let upstream = Socket(upFD)
        defer { upstream.close() }
        var addr = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return }
        upstream.write(head + body)
        guard let responseHead = upstream.readHead() else { return }
        let (status, headerLines, length, chunked) = Self.parseResponseHead(responseHead)
        var responseBody: [UInt8] = []
        if method != "HEAD" && status != 204 && status != 304 {
            if let length { responseBody = upstream.read(exactly: length) ?? [] }
            else if chunked { responseBody = upstream.readChunked() }
            else { responseBody = upstream.readToEnd() }
        }
        var lines = headerLines
        if case let .hideListed(marker) = fault, !chunked {
            responseBody = Self.hide(marker, in: responseBody)
            lines = lines.map { $0.lowercased().hasPrefix("content-length:") ? "Content-Length: \(responseBody.count)" : $0 }
        }
        // The same answer, but closing the connection, so no request rides on a used one.
        var rewritten = lines.filter { !$0.lowercased().hasPrefix("connection:") }.joined(separator: "\r\n")
        rewritten += "\r\nConnection: close\r\n\r\n"
        switch fault {
        case let .delay(seconds):
            Thread.sleep(forTimeInterval: seconds)
            client.write(Array(rewritten.utf8) + responseBody)
        case .resetDuringResponseBody:
            client.write(Array(rewritten.utf8) + responseBody.prefix(responseBody.count / 2))
            client.reset()
        default:
            client.write(Array(rewritten.utf8) + responseBody)
        }
    }

    /// The key ID in `Authorization: AWS4-HMAC-SHA256 Credential=KEY/date/region/s3/aws4_request, ...`.
    static func accessKeyID(_ headers: [String]) -> String? {
        guard let auth = headers.first(where: { $0.lowercased().hasPrefix("authorization:") }),
              let start = auth.range(of: "Credential=") else { return nil }
        return String(auth[start.upperBound...].prefix { $0 != "/" })
    }

    /// The listing without the `<Contents>` elements whose key holds `marker`.
    static func hide(_ marker: String, in body: [UInt8]) -> [UInt8] {
        var xml = String(decoding: body, as: UTF8.self)
        var searchFrom = xml.startIndex
        while let open = xml.range(of: "<Contents>", range: searchFrom ..< xml.endIndex),
              let close = xml.range(of: "</Contents>", range: open.upperBound ..< xml.endIndex) {
            if xml[open.lowerBound ..< close.upperBound].contains(marker) {
                xml.removeSubrange(open.lowerBound ..< close.upperBound)
                searchFrom = open.lowerBound
            } else {
                searchFrom = close.upperBound
            }
        }
        return Array(xml.utf8)
    }

    static func parseRequestHead(_ head: [UInt8]) -> (method: String, target: String, contentLength: Int, headers: [String]) {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let parts = (lines.first ?? "").split(separator: " ")
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return (parts.first.map(String.init) ?? "", parts.count > 1 ? String(parts[1]) : "", length, lines)
    }

    static func parseResponseHead(_ head: [UInt8]) -> (status: Int, lines: [String], length: Int?, chunked: Bool) {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let status = Int((lines.first ?? "").split(separator: " ").dropFirst().first ?? "") ?? 0
        var length: Int?
        var chunked = false
        for line in lines.dropFirst() {
            let lower = line.lowercased()
            if lower.hasPrefix("content-length:") { length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) }
            if lower.hasPrefix("transfer-encoding:") && lower.contains("chunked") { chunked = true }
        }
        return (status, lines, length, chunked)
    }

    static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        return addr
    }
}

struct ProxyError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A blocking socket with a read buffer.
private final class Socket {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var closed = false

    init(_ fd: Int32) { self.fd = fd }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer += chunk[0..<n]
        return true
    }

    /// Bytes through the blank line that ends an HTTP head.
    func readHead() -> [UInt8]? {
        let end: [UInt8] = [13, 10, 13, 10]
        while true {
            if buffer.count >= 4 {
                for i in 0...(buffer.count - 4) where buffer[i] == 13 && Array(buffer[i..<i + 4]) == end {
                    let head = Array(buffer[0..<i + 4])
                    buffer.removeFirst(i + 4)
                    return head
                }
            }
            guard fill() else { return nil }
        }
    }

    func read(exactly n: Int) -> [UInt8]? {
        while buffer.count < n { guard fill() else { return nil } }
        let out = Array(buffer[0..<n])
        buffer.removeFirst(n)
        return out
    }

    func readToEnd() -> [UInt8] {
        while fill() {}
        defer { buffer = [] }
        return buffer
    }

    /// A chunked body, raw (framing kept, since the head still says chunked).
    func readChunked() -> [UInt8] {
        var out: [UInt8] = []
        while true {
            guard let sizeLine = readLine() else { return out }
            out += sizeLine
            let size = Int(String(decoding: sizeLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                .split(separator: ";").first ?? "", radix: 16) ?? 0
            guard let data = read(exactly: size + 2) else { return out }
            out += data
            if size == 0 { return out }
        }
    }

    private func readLine() -> [UInt8]? {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                let line = Array(buffer[0...i]); buffer.removeFirst(i + 1); return line
            }
            guard fill() else { return nil }
        }
    }

    func write(_ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            done += n
        }
    }

    /// Closes with RST instead of FIN (SO_LINGER with a zero timeout).
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}
