import Foundation
import Testing
@testable import InletCLI

@Suite struct DotEnvTests {
    @Test func parsesQuotesExportAndComments() {
        let text = """
            # a comment
            export AWS_ACCESS_KEY_ID=AKIDTEST
            AWS_SECRET_ACCESS_KEY = "se#cret \\"quoted\\"\\nline"
            SINGLE='it''s $HOME \\n'
            PLAIN=value with spaces   # trailing comment
            EMPTY=
            URL=http://127.0.0.1:9000/?a=b#frag
            MULTI="first
            second"
            not a line
            1BAD=x
            """
        let parsed = Dictionary(DotEnv.parse(text).map { ($0.key, $0.value) }) { $1 }
        #expect(parsed["AWS_ACCESS_KEY_ID"] == "AKIDTEST")
        #expect(parsed["AWS_SECRET_ACCESS_KEY"] == "se#cret \"quoted\"\nline")
        #expect(parsed["SINGLE"] == "it")
        #expect(parsed["PLAIN"] == "value with spaces")
        #expect(parsed["EMPTY"] == "")
        #expect(parsed["URL"] == "http://127.0.0.1:9000/?a=b#frag")
        #expect(parsed["MULTI"] == "first\nsecond")
        #expect(parsed["1BAD"] == nil)
        #expect(parsed.count == 7)
    }

    @Test func fileValuesDoNotOverrideTheEnvironment() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dotenv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(".env").path
        try "AWS_REGION=eu-west-1\nS3_BUCKET='lake'\r\nexport MINIO_ENDPOINT=minio:9000\n".write(toFile: path, atomically: true, encoding: .utf8)
        let env = DotEnv.load(path: path, into: ["AWS_REGION": "us-east-2", "HOME": "/root"])
        #expect(env == ["AWS_REGION": "us-east-2", "HOME": "/root", "S3_BUCKET": "lake", "MINIO_ENDPOINT": "minio:9000"])
        #expect(DotEnv.load(path: dir.appendingPathComponent("absent").path, into: ["A": "1"]) == ["A": "1"])
    }
}
