import Connectors
import Testing

/// A database password never shows: not in a bad-URL error, not when settings or options are
/// printed or dumped (a failed expectation prints them).
struct PGSecretsTests {
    @Test func aPasswordWithASlashIsNotEchoedAsAPort() {
        // Unencoded '/' splits the URL inside the password: "Xq" parses as the port.
        do {
            _ = try PGSettings(url: "postgres://app:Xq/ss-Secret@db/shop", environment: [:])
            Issue.record("accepted a URL whose port is part of the password")
        } catch {
            #expect("\(error)".contains("the URL's port is not a port number"), "\(error)")
            #expect(!"\(error)".contains("Xq"), "\(error)")
        }
    }

    @Test func settingsAndOptionsPrintWithoutThePassword() throws {
        let settings = try PGSettings(url: "postgres://app:Hunter2-Secret@db:5432/shop", environment: [:])
        var options = PostgresOptions()
        options.url = "postgres://app:Hunter2-Secret@db:5432/shop"
        options.table = "public.orders"
        var dumped = ""
        dump(settings, to: &dumped)
        dump(options, to: &dumped)
        for text in ["\(settings)", String(reflecting: settings), "\(options)", String(reflecting: options), dumped] {
            #expect(!text.contains("Hunter2"), "\(text)")
        }
        #expect("\(options)" == "postgres postgres://app:***@db:5432/shop table public.orders")
    }
}
