/// Files that are not delimited text, told by their first bytes: read as text, a compressed
/// export or an .xlsx decodes as ISO-8859-1 garbage into one string column, loaded without an
/// error. (gzip and zstd are read through: `FileInput`.)
enum NotText {
    /// What the file is and what to do, or nil when it may be text. `checkNUL`: a NUL byte
    /// also means binary data (not when the encoding was set; UTF-16 is detected before).
    static func identify(_ sample: [UInt8], checkNUL: Bool) -> (what: String, hint: String)? {
        func starts(_ magic: [UInt8]) -> Bool { sample.starts(with: magic) }
        let unpack = "decompress it first and load the CSV inside"
        if starts(Array("BZh".utf8)), sample.count > 3, (0x31 ... 0x39).contains(sample[3]) { return ("bzip2-compressed", unpack) }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return ("xz-compressed", unpack) }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return ("zstd-compressed", unpack) }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return ("a ZIP archive (an .xlsx workbook is one)", "save the sheet as CSV, or unzip the archive") }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return ("an Excel 97-2003 workbook", "save the sheet as CSV") }
        if starts(Array("PAR1".utf8)) { return ("a Parquet file", "it needs no conversion") }
        if starts(Array("%PDF-".utf8)) { return ("a PDF document", "export the data as CSV") }
        if checkNUL, let at = sample.firstIndex(of: 0) {
            return ("binary data (a NUL byte at offset \(at))", "if it is text in another encoding, set it with --encoding")
        }
        return nil
    }
}
