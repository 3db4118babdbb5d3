import Foundation

/// Progress for long work: a redrawn bar on a terminal (bytes, rows, rate, ETA), plain
/// periodic lines otherwise, nothing with `-q`. Thread-safe: the pipeline reports from
/// whichever thread does the work.
final class Progress: @unchecked Sendable {
    private let label: String
    private let totalBytes: Int64
    private let console: Console
    private let lock = NSLock()
    private let started = Date()
    /// Starts at `started`, so work shorter than one interval prints no progress at all.
    private var lastDraw = Date()
    private var bytes: Int64 = 0
    private var rows: Int64 = 0
    /// Objects done of all, for a source of many objects.
    private var objects: (done: Int, total: Int)?
    private var drewBar = false
    private let interval: TimeInterval

    /// Seconds between plain progress lines (logs, CI): `INLET_PROGRESS_SECONDS`, else 5.
    static var plainSeconds: TimeInterval {
        ProcessInfo.processInfo.environment["INLET_PROGRESS_SECONDS"].flatMap(Double.init).map { max(0, $0) } ?? 5
    }

    init(label: String, totalBytes: Int64, console: Console, plainInterval: TimeInterval = Progress.plainSeconds) {
        self.label = label
        self.totalBytes = totalBytes
        self.console = console
        interval = console.stderrIsTerminal ? 0.1 : plainInterval
    }

    func update(bytes: Int64, rows: Int64) {
        lock.lock(); defer { lock.unlock() }
        self.bytes = bytes
        self.rows = rows
        drawIfDue()
    }

    /// Objects done of all, for a source of many objects; drawn like a byte update, so the
    /// last object's line is shown too.
    func setObjects(done: Int, total: Int) {
        lock.lock(); defer { lock.unlock() }
        objects = (done, total)
        drawIfDue()
    }

    private func drawIfDue() {
        let now = Date()
        guard !console.quiet, now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        draw(final: false)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drewBar { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drewBar = false
    }

    private func draw(final: Bool) {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(bytes) / elapsed
        let fraction = totalBytes > 0 ? min(1, Double(bytes) / Double(totalBytes)) : 0
        let eta = rate > 0 && totalBytes > bytes ? Double(totalBytes - bytes) / rate : 0
        let count = objects.map { "\($0.done)/\($0.total) objects " } ?? ""
        let text = "\(label) \(count)\(Format.bytes(bytes))/\(Format.bytes(totalBytes)) \(Format.count(rows)) rows \(Format.bytes(Int64(rate)))/s ETA \(Format.duration(eta))"
        if console.stderrIsTerminal {
            let width = 24, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K\(bar) \(Int(fraction * 100))% \(text)".utf8))
            drewBar = true
        } else {
            FileHandle.standardError.write(Data("progress: \(Int(fraction * 100))% \(text)\n".utf8))
        }
    }
}

/// Human formatting of sizes, counts and durations.
enum Format {
    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n), i = 0
        while v >= 1000, i < units.count - 1 { v /= 1000; i += 1 }
        return i == 0 ? "\(n) B" : String(format: v >= 100 ? "%.0f" : "%.1f", v) + " " + units[i]
    }

    /// "1 row", "2,000 rows": a count with its noun, plural by `s` unless 1.
    static func count<N: BinaryInteger>(_ n: N, _ noun: String) -> String {
        count(Int64(n)) + " " + noun + (n == 1 ? "" : "s")
    }

    static func count(_ n: Int64) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0, i % 3 == 0, ch != "-" { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    static func duration(_ s: Double) -> String {
        if s < 1 { return String(format: "%.2fs", s) }
        if s < 60 { return String(format: "%.1fs", s) }
        return "\(Int(s) / 60)m\(String(format: "%02d", Int(s) % 60))s"
    }

    /// A left-aligned text table, its columns aligned by terminal cells, so Japanese names and
    /// values line up too.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        var widths = header.map(displayWidth)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(c)) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - displayWidth(c)) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return [line(header)] + rows.map(line)
    }

    /// Terminal cells `s` takes: East Asian wide and fullwidth characters take two (Unicode
    /// UAX #11's W and F ranges), combining marks and zero-width characters none.
    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { width, u in
            switch u.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return width
            default: break
            }
            switch u.value {
            case 0x1100 ... 0x115F, 0x2E80 ... 0x303E, 0x3041 ... 0x33FF, 0x3400 ... 0x4DBF, 0x4E00 ... 0x9FFF,
                 0xA000 ... 0xA4CF, 0xAC00 ... 0xD7A3, 0xF900 ... 0xFAFF, 0xFE30 ... 0xFE4F, 0xFF00 ... 0xFF60,
                 0xFFE0 ... 0xFFE6, 0x1F300 ... 0x1F64F, 0x1F900 ... 0x1F9FF, 0x20000 ... 0x3FFFD:
                return width + 2
            default:
                return width + 1
            }
        }
    }
}
