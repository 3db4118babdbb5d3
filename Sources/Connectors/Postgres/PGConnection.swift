import Foundation

/// A PostgreSQL connection speaking protocol 3.0 ourselves: startup, TLS, trust / password /
/// md5 / SCRAM-SHA-256 logins, simple queries for the catalog, Parse+Describe for a query's
/// columns, and `COPY … TO STDOUT (FORMAT binary)` streamed message by message, so rows are
/// never held whole on either side. Blocking: each connection is read by one thread.
final class PGConnection: @unchecked Sendable {
    let settings: PGSettings
    private let transport: PGTransport
    /// Received bytes not yet consumed: `buffer[start ..< end]`.
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0, end = 0
    /// What a CancelRequest names.
    private(set) var backendPID: Int32 = 0
    private(set) var secretKey: Int32 = 0
    private(set) var serverVersion = 0

    /// Connects and logs in. `password` overrides the settings' (an RDS IAM token).
    init(_ settings: PGSettings, password: String? = nil) throws {
        self.settings = settings
        buffer = .allocate(byteCount: 1 << 20, alignment: 8)
        do {
            transport = try PGTransport(host: settings.host, port: settings.port, timeout: settings.connectTimeout, ioTimeout: settings.ioTimeout)
        } catch {
            // Not fully initialized: deinit will not run, so the buffer is freed here.
            buffer.deallocate()
            throw Self.atConnect(error, settings)
        }
        // From here a failure runs deinit, which closes the socket and frees the buffer (once).
        do {
            try negotiateTLS()
            try startup(password: password ?? settings.password)
        } catch {
            throw Self.atConnect(error, settings)
        }
    }

    deinit {
        transport.close()
        buffer.deallocate()
    }

    /// Connection failures name the server (password hidden) and are the remote class.
    private static func atConnect(_ error: Error, _ s: PGSettings) -> Error {
        switch error {
        case let PGError.connect(m), let PGError.connectionLost(m): return PGError.connect("\(s.redacted): \(m)")
        case let PGError.tls(m): return PGError.tls("\(s.redacted): \(m)")
        case let PGError.server(code, message, _):
            // 28xxx: authentication; 3D000: no such database. Either way the login failed.
            return PGError.connect("\(s.redacted): \(message) (SQLSTATE \(code))")
        default: return error
        }
    }

    private func negotiateTLS() throws {
        let mode = settings.sslMode
        guard mode != .disable && mode != .allow else { return }
        try transport.write(Self.int32(8) + Self.int32(80_877_103))
        switch try transport.readByte() {
        case UInt8(ascii: "S"):
            try transport.startTLS(verify: mode == .verifyCA || mode == .verifyFull, checkHost: mode == .verifyFull, rootCert: settings.sslRootCert)
        case UInt8(ascii: "N"):
            if mode != .prefer { throw PGError.tls("the server does not accept TLS connections (sslmode=\(mode.rawValue))") }
        default:
            throw PGError.protocolViolation("unexpected answer to the TLS request")
        }
    }

    private func startup(password: String?) throws {
        var body = Self.int32(196_608)
        // ISO dates and ISO 8601 intervals: what `::text` casts print.
        for (k, v) in [("user", settings.user), ("database", settings.database), ("application_name", "inlet"),
                       ("client_encoding", "UTF8"), ("DateStyle", "ISO"), ("IntervalStyle", "iso_8601"), ("TimeZone", "UTC")] {
            body += Array(k.utf8) + [0] + Array(v.utf8) + [0]
        }
        body.append(0)
        try transport.write(Self.int32(Int32(body.count + 4)) + body)
        var scram: PGAuth.Scram?
        while true {
            let (type, range) = try readMessage()
            var r = PGReader(buffer, range)
            switch type {
            case UInt8(ascii: "R"):
                let code = try r.int32()
                switch code {
                case 0: break
                case 3:
                    try sendPassword(try need(password))
                case 5:
                    let salt = try r.bytes(4)
                    try sendPassword(PGAuth.md5Response(user: settings.user, password: try need(password), salt: salt))
                case 10:
                    var mechanisms: [String] = []
                    while let m = try r.cString(), !m.isEmpty { mechanisms.append(m) }
                    guard mechanisms.contains("SCRAM-SHA-256") else {
                        throw PGError.connect("the server asks for SASL mechanisms \(mechanisms) and only SCRAM-SHA-256 is supported")
                    }
                    let s = PGAuth.Scram(password: try need(password))
                    scram = s
                    let first = Array(s.clientFirst.utf8)
                    try send("p", Array("SCRAM-SHA-256".utf8) + [0] + Self.int32(Int32(first.count)) + first)
                case 11:
                    guard var s = scram else { throw PGError.protocolViolation("SASL continue before SASL start") }
                    let final = try s.clientFinal(serverFirst: String(decoding: r.rest(), as: UTF8.self))
                    scram = s
                    try send("p", Array(final.utf8))
                case 12:
                    try scram?.verify(serverFinal: String(decoding: r.rest(), as: UTF8.self))
                default:
                    throw PGError.connect("the server asks for an authentication method Inlet does not support (code \(code))")
                }
            case UInt8(ascii: "K"):
                backendPID = try r.int32()
                secretKey = try r.int32()
            case UInt8(ascii: "S"):
                if try r.cString() == "server_version_num", let v = try r.cString(), let n = Int(v) { serverVersion = n }
            case UInt8(ascii: "Z"):
                if serverVersion == 0 { serverVersion = try Int(simpleQuery("show server_version_num").first?.first??.description ?? "") ?? 0 }
                return
            case UInt8(ascii: "E"):
                throw try serverError(range, context: "login")
            case UInt8(ascii: "N"):
                continue
            default:
                throw PGError.protocolViolation("unexpected message '\(Character(UnicodeScalar(type)))' during login")
            }
        }
    }

    private func need(_ password: String?) throws -> String {
        guard let password else {
            throw PGError.connect("the server asks for a password and none is set (url, PGPASSWORD or ~/.pgpass)")
        }
        return password
    }

    private func sendPassword(_ p: String) throws { try send("p", Array(p.utf8) + [0]) }

    // MARK: queries

    /// Runs `sql` (one or more statements) and returns the last result's rows as text.
    @discardableResult
    func simpleQuery(_ sql: String) throws -> [[String?]] {
        try send("Q", Array(sql.utf8) + [0])
        var rows: [[String?]] = []
        var failure: Error?
        while true {
            let (type, range) = try readMessage()
            var r = PGReader(buffer, range)
            switch type {
            case UInt8(ascii: "T"): rows = []
            case UInt8(ascii: "D"):
                let n = Int(try r.int16())
                var row: [String?] = []
                row.reserveCapacity(n)
                for _ in 0 ..< n {
                    let len = Int(try r.int32())
                    row.append(len < 0 ? nil : String(decoding: try r.bytes(len), as: UTF8.self))
                }
                rows.append(row)
            case UInt8(ascii: "E"): failure = try serverError(range, context: "query")
            case UInt8(ascii: "Z"):
                if let failure { throw failure }
                return rows
            default: continue   // C, I, N, S: nothing to keep
            }
        }
    }

    /// One output column of a statement, as RowDescription tells it.
    struct Described: Sendable {
        var name: String
        var tableOID: UInt32
        var attnum: Int16
        var typeOID: UInt32
        var typmod: Int32
    }

    /// The columns `sql` would return, without running it (Parse + Describe).
    func describe(_ sql: String) throws -> [Described] {
        try send("P", [0] + Array(sql.utf8) + [0] + [0, 0])
        try send("D", [UInt8(ascii: "S"), 0])
        try send("S", [])
        var out: [Described] = []
        var failure: Error?
        while true {
            let (type, range) = try readMessage()
            var r = PGReader(buffer, range)
            switch type {
            case UInt8(ascii: "T"):
                let n = Int(try r.int16())
                for _ in 0 ..< n {
                    let name = try r.cString() ?? ""
                    let table = UInt32(bitPattern: try r.int32())
                    let attnum = try r.int16()
                    let oid = UInt32(bitPattern: try r.int32())
                    _ = try r.int16()
                    let typmod = try r.int32()
                    _ = try r.int16()
                    out.append(Described(name: name, tableOID: table, attnum: attnum, typeOID: oid, typmod: typmod))
                }
            case UInt8(ascii: "E"): failure = try serverError(range, context: "query")
            case UInt8(ascii: "Z"):
                if let failure { throw failure }
                return out
            default: continue   // 1 ParseComplete, t ParameterDescription, n NoData
            }
        }
    }

    /// Runs a `COPY … TO STDOUT` and hands each CopyData payload to `chunk` (valid during the
    /// call only). Returns when the copy completed.
    func copyOut(_ sql: String, chunk: (UnsafeRawBufferPointer) throws -> Void) throws {
        try send("Q", Array(sql.utf8) + [0])
        var failure: Error?
        while true {
            // Every whole CopyData message already received (one row each), walked with locals:
            // this class's stored properties are checked for exclusive access on each touch.
            if failure == nil {
                let buf = buffer, e = end
                var s = start
                while e - s >= 5, buf[s] == UInt8(ascii: "d") {
                    let len = Int(PGReader.int32(buf, s + 1))
                    guard len >= 4, e - s >= 1 + len else { break }
                    let body = UnsafeRawBufferPointer(rebasing: buf[(s + 5) ..< (s + 1 + len)])
                    s += 1 + len
                    do { try chunk(body) } catch {
                        failure = error
                        try? cancel()
                        break
                    }
                }
                start = s
            }
            let (type, range) = try readMessage()
            switch type {
            case UInt8(ascii: "d"):
                if failure == nil {
                    do { try chunk(UnsafeRawBufferPointer(rebasing: buffer[range])) } catch {
                        // Stop the server, then drain to ReadyForQuery (or drop the connection).
                        failure = error
                        try? cancel()
                    }
                }
            case UInt8(ascii: "E"):
                let e = try serverError(range, context: "query")
                if failure == nil { failure = e }
            case UInt8(ascii: "Z"):
                if let failure { throw failure }
                return
            default: continue   // H CopyOutResponse, c CopyDone, C CommandComplete, N, S
            }
        }
    }

    /// Asks the server, on a connection of its own, to cancel what this one is running.
    func cancel() throws {
        let t = try PGTransport(host: settings.host, port: settings.port, timeout: 5, ioTimeout: 5)
        defer { t.close() }
        try t.write(Self.int32(16) + Self.int32(80_877_102) + Self.int32(backendPID) + Self.int32(secretKey))
    }

    /// Says goodbye (Terminate) and closes.
    func close() {
        try? send("X", [])
        transport.close()
    }

    /// Breaks a read blocked on another thread (Ctrl-C, a failed sibling).
    func interrupt() { transport.shutdownNow() }

    // MARK: framing

    private func send(_ type: Character, _ body: [UInt8]) throws {
        try transport.write([type.asciiValue!] + Self.int32(Int32(body.count + 4)) + body)
    }

    static func int32(_ v: Int32) -> [UInt8] {
        let u = UInt32(bitPattern: v)
        return [UInt8(u >> 24), UInt8(u >> 16 & 255), UInt8(u >> 8 & 255), UInt8(u & 255)]
    }

    /// The next message: its type and the range of its body in `buffer` (valid until the next read).
    private func readMessage() throws -> (UInt8, Range<Int>) {
        try fill(5)
        let type = buffer[start]
        let len = Int(PGReader.int32(buffer, start + 1))
        guard len >= 4 else { throw PGError.protocolViolation("message length \(len)") }
        try fill(1 + len)
        let body = (start + 5) ..< (start + 1 + len)
        start += 1 + len
        return (type, body)
    }

    /// Makes `n` bytes available from `start`, moving the rest to the front or growing the buffer.
    private func fill(_ n: Int) throws {
        if end - start >= n { return }
        if n > buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(n, buffer.count * 2), alignment: 8)
            bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[start ..< end]))
            buffer.deallocate()
            buffer = bigger
            end -= start; start = 0
        } else if start + n > buffer.count {
            let live = end - start
            if live > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, live) }
            start = 0; end = live
        }
        while end - start < n {
            end += try transport.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        }
    }

    private func serverError(_ range: Range<Int>, context: String) throws -> PGError {
        var r = PGReader(buffer, range)
        var fields: [UInt8: String] = [:]
        while true {
            let code = try r.byte()
            if code == 0 { break }
            fields[code] = try r.cString() ?? ""
        }
        var message = fields[UInt8(ascii: "M")] ?? "unknown error"
        if let detail = fields[UInt8(ascii: "D")] { message += " (\(detail))" }
        if let hint = fields[UInt8(ascii: "H")] { message += "; hint: \(hint)" }
        return PGError.server(code: fields[UInt8(ascii: "C")] ?? "XX000", message: message, context: context)
    }
}

/// Reads big-endian values from a message body.
struct PGReader {
    let base: UnsafeRawPointer
    var pos: Int
    let end: Int

    init(_ buffer: UnsafeMutableRawBufferPointer, _ range: Range<Int>) {
        base = UnsafeRawPointer(buffer.baseAddress!)
        pos = range.lowerBound
        end = range.upperBound
    }

    static func int32(_ b: UnsafeMutableRawBufferPointer, _ at: Int) -> Int32 {
        Int32(bitPattern: UInt32(bigEndian: UnsafeRawPointer(b.baseAddress! + at).loadUnaligned(as: UInt32.self)))
    }

    private mutating func take(_ n: Int) throws -> UnsafeRawPointer {
        guard pos + n <= end else { throw PGError.protocolViolation("truncated message") }
        defer { pos += n }
        return base + pos
    }

    mutating func byte() throws -> UInt8 { try take(1).load(as: UInt8.self) }
    mutating func int16() throws -> Int16 { Int16(bitPattern: UInt16(bigEndian: try take(2).loadUnaligned(as: UInt16.self))) }
    mutating func int32() throws -> Int32 { Int32(bitPattern: UInt32(bigEndian: try take(4).loadUnaligned(as: UInt32.self))) }
    mutating func bytes(_ n: Int) throws -> [UInt8] { Array(UnsafeRawBufferPointer(start: try take(n), count: n)) }
    mutating func rest() -> [UInt8] { defer { pos = end }; return Array(UnsafeRawBufferPointer(start: base + pos, count: end - pos)) }

    /// A NUL-terminated string; nil at the end of the message.
    mutating func cString() throws -> String? {
        guard pos < end else { return nil }
        var i = pos
        while i < end, base.load(fromByteOffset: i, as: UInt8.self) != 0 { i += 1 }
        guard i < end else { throw PGError.protocolViolation("unterminated string") }
        defer { pos = i + 1 }
        return String(decoding: UnsafeRawBufferPointer(start: base + pos, count: i - pos), as: UTF8.self)
    }
}
