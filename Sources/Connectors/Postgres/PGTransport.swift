#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL
import Foundation

/// One TCP connection to a server, plain or upgraded to TLS, with blocking reads and writes.
/// The load reads each connection on a thread of its own, so blocking I/O is the simple and
/// fast choice: no event loop between the socket and the decoder.
final class PGTransport: @unchecked Sendable {
    let host: String
    let port: Int
    private var fd: Int32 = -1
    private var ctx: OpaquePointer?
    private var ssl: OpaquePointer?

    /// Connects within `timeout` seconds; reads and writes then block for at most `ioTimeout`
    /// seconds each (a server that stops answering mid-load is an error, not a hang).
    init(host: String, port: Int, timeout: Double, ioTimeout: Double) throws {
        self.host = host
        self.port = port
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw PGError.connect("cannot resolve host '\(host)': \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let a = node {
            node = a.pointee.ai_next
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if s < 0 { lastError = String(cString: strerror(errno)); continue }
            Self.setTimeout(s, SO_SNDTIMEO, timeout)
            if connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 {
                fd = s
                break
            }
            lastError = String(cString: strerror(errno))
            Glibc.close(s)
        }
        guard fd >= 0 else { throw PGError.connect("cannot connect to \(host):\(port): \(lastError)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        Self.setTimeout(fd, SO_RCVTIMEO, ioTimeout)
        Self.setTimeout(fd, SO_SNDTIMEO, ioTimeout)
    }

    private static func setTimeout(_ s: Int32, _ option: Int32, _ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(s, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    /// Upgrades to TLS after the server accepted an SSLRequest. `verify`: check the chain
    /// against `rootCert` (or the system's CAs), and with `checkHost` the name too.
    func startTLS(verify: Bool, checkHost: Bool, rootCert: String?) throws {
        // SSL_write writes with write(2), which has no MSG_NOSIGNAL: a server gone away mid-load
        // would kill the process with SIGPIPE instead of giving us EPIPE and one error line.
        signal(SIGPIPE, SIG_IGN)
        guard let method = TLS_client_method(), let ctx = SSL_CTX_new(method) else { throw PGError.tls("cannot create a TLS context") }
        self.ctx = ctx
        _ = inlet_ssl_set_min_tls12(ctx)
        if verify {
            if let rootCert {
                guard SSL_CTX_load_verify_locations(ctx, rootCert, nil) == 1 else {
                    throw PGError.tls("cannot read sslrootcert '\(rootCert)': \(Self.opensslError())")
                }
            } else if SSL_CTX_set_default_verify_paths(ctx) != 1 {
                throw PGError.tls("cannot load the system's CA certificates")
            }
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        } else {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        }
        guard let ssl = SSL_new(ctx) else { throw PGError.tls("cannot create a TLS session") }
        self.ssl = ssl
        if !host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) { _ = inlet_ssl_set_sni(ssl, host) }
        if verify && checkHost {
            let param = SSL_get0_param(ssl)
            let ok = host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" })
                ? X509_VERIFY_PARAM_set1_ip_asc(param, host) : X509_VERIFY_PARAM_set1_host(param, host, 0)
            guard ok == 1 else { throw PGError.tls("cannot check the certificate against host '\(host)'") }
        }
        SSL_set_fd(ssl, fd)
        if SSL_connect(ssl) != 1 {
            let verifyResult = SSL_get_verify_result(ssl)
            if verify && verifyResult != X509_V_OK {
                throw PGError.tls("the server's certificate failed verification: \(String(cString: X509_verify_cert_error_string(verifyResult)))")
            }
            throw PGError.tls("TLS handshake with \(host):\(port) failed: \(Self.opensslError())")
        }
    }

    private static func opensslError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "unknown error" }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return String(cString: buf)
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n: Int
                if let ssl {
                    n = Int(SSL_write(ssl, raw.baseAddress! + done, Int32(raw.count - done)))
                } else {
                    n = send(fd, raw.baseAddress! + done, raw.count - done, Int32(MSG_NOSIGNAL))
                }
                if n <= 0 {
                    if ssl == nil, n < 0, errno == EINTR { continue }
                    throw PGError.connectionLost("writing to \(host):\(port) failed: \(ssl == nil ? String(cString: strerror(errno)) : "TLS error")")
                }
                done += n
            }
        }
    }

    /// Reads what is available (at least one byte) into `buffer`; throws when the connection ends.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n: Int
            if let ssl {
                n = Int(SSL_read(ssl, buffer.baseAddress!, Int32(buffer.count)))
            } else {
                n = recv(fd, buffer.baseAddress!, buffer.count, 0)
            }
            if n > 0 { return n }
            if ssl == nil, n < 0, errno == EINTR { continue }
            let why = n == 0 ? "the server closed the connection" : (errno == EAGAIN || errno == EWOULDBLOCK) ? "no answer (timed out)" : String(cString: strerror(errno))
            throw PGError.connectionLost("reading from \(host):\(port) failed: \(why)")
        }
    }

    /// Reads exactly one byte (the answer to an SSLRequest), before any TLS.
    func readByte() throws -> UInt8 {
        var b: UInt8 = 0
        let n = withUnsafeMutableBytes(of: &b) { recv(fd, $0.baseAddress!, 1, 0) }
        guard n == 1 else { throw PGError.connectionLost("the server at \(host):\(port) closed the connection") }
        return b
    }

    func close() {
        if let ssl { SSL_shutdown(ssl); SSL_free(ssl); self.ssl = nil }
        if let ctx { SSL_CTX_free(ctx); self.ctx = nil }
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// Unblocks a read in progress on another thread (the connection is then unusable).
    func shutdownNow() {
        if fd >= 0 { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
    }
}
