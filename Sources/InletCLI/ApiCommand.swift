import ArgumentParser
import Connectors
import Foundation
import JSON
import Lake
import Pipelines

/// `inlet api URL --dataset-id ID`: one endpoint, no config. Everything a pipeline's `api:`
/// block can say about auth and pages that fits on a command line.
struct Api: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the records of one JSON HTTP endpoint into a dataset.",
        discussion: """
        Secrets come from the environment: --bearer-env names the variable holding the token.
        Examples:
          inlet api https://api.github.com/repos/apple/swift/issues --dataset-id swift-issues \\
              --paginator header_link --param state=all --param per_page=100 --bearer-env GITHUB_TOKEN
          inlet api https://api.example.com/v1/events --dataset-id events --records data \\
              --paginator cursor --cursor-path meta.next_cursor --cursor-param cursor
        """
    )

    @Argument(help: "The endpoint's URL (its query string stays on every page).")
    var url: String

    @Option(help: ArgumentHelp("The dataset to write.", valueName: "id"))
    var datasetId: String

    @Option(help: ArgumentHelp("Where the records' array is in each page: $ (the body), data, results.rows.", valueName: "path"))
    var records = "$"

    @Option(help: ArgumentHelp("header_link, json_link, cursor, offset, page_number or single_page (default).", valueName: "type"))
    var paginator = "single_page"

    @Option(help: ArgumentHelp("json_link: where the next page's URL is, e.g. links.next.", valueName: "path"))
    var nextUrlPath: String?

    @Option(help: ArgumentHelp("cursor: where the next cursor is, e.g. meta.next_cursor or data[-1].id.", valueName: "path"))
    var cursorPath: String?

    @Option(help: ArgumentHelp("cursor: the query parameter that sends it back.", valueName: "name"))
    var cursorParam: String?

    @Option(help: ArgumentHelp("cursor: stop when this is not true, e.g. has_more.", valueName: "path"))
    var hasMorePath: String?

    @Option(help: ArgumentHelp("offset: records per page.", valueName: "n"))
    var limit: Int?

    @Option(help: ArgumentHelp("A request header, 'Name: value' (repeatable).", valueName: "header"))
    var header: [String] = []

    @Option(help: ArgumentHelp("A query parameter, name=value (repeatable).", valueName: "param"))
    var param: [String] = []

    @Option(help: ArgumentHelp("The environment variable holding a bearer token.", valueName: "var"))
    var bearerEnv: String?

    @Option(help: ArgumentHelp("Stop after this many pages (with a warning).", valueName: "n"))
    var maxPages: Int?

    @Flag(help: "Struct fields become columns named parent__child.")
    var flatten = false

    @Option(help: ArgumentHelp("Declared types, col=type,… (nested forms too: tags=list<string>).", valueName: "spec"))
    var schema: String?

    @Option(help: ArgumentHelp("Partition by this DATE or TIMESTAMP field (date=YYYY-MM-DD folders).", valueName: "field"))
    var partitionCol: String?

    @OptionGroup var load: LoadCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try validateDatasetID(datasetId)
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("the URL must start with http:// or https://") }
        _ = try spec(environment: [:], checkingOnly: true)
    }

    func spec(environment: [String: String], checkingOnly: Bool = false) throws -> ApiSpec {
        func path(_ text: String, _ option: String) throws -> JSONPath {
            do { return try JSONPath(text) } catch let e as JSONPathError { throw ValidationError("--\(option): \(e)") }
        }
        func required(_ value: String?, _ option: String) throws -> String {
            guard let value, !value.isEmpty else { throw ValidationError("--paginator \(paginator) needs --\(option)") }
            return value
        }
        var resource = ApiResource(path: "", records: try path(records, "records"))
        switch paginator {
        case "single_page": resource.paginator = .singlePage
        case "header_link": resource.paginator = .headerLink
        case "json_link": resource.paginator = .jsonLink(nextURLPath: try path(try required(nextUrlPath, "next-url-path"), "next-url-path"))
        case "cursor":
            resource.paginator = .cursor(cursorPath: try path(try required(cursorPath, "cursor-path"), "cursor-path"),
                                         cursorParam: try required(cursorParam, "cursor-param"),
                                         hasMorePath: try hasMorePath.map { try path($0, "has-more-path") })
        case "offset":
            guard let limit, limit > 0 else { throw ValidationError("--paginator offset needs --limit (records per page)") }
            resource.paginator = .offset(limit: limit, offsetParam: "offset", limitParam: "limit", totalPath: nil, stopAfterEmptyPage: true)
        case "page_number": resource.paginator = .pageNumber(pageParam: "page", start: 1, totalPagesPath: nil, stopAfterEmptyPage: true)
        default: throw ValidationError("--paginator must be header_link, json_link, cursor, offset, page_number or single_page, not '\(paginator)'")
        }
        resource.maxPages = maxPages
        resource.params = try param.map { p in
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { throw ValidationError("--param '\(p)' is not name=value") }
            return (String(p[..<eq]), String(p[p.index(after: eq)...]))
        }
        var spec = ApiSpec(baseURL: url, resource: resource)
        spec.headers = try header.map { h in
            guard let colon = h.firstIndex(of: ":") else { throw ValidationError("--header '\(h.prefix(40))' is not 'Name: value'") }
            return (String(h[..<colon]).trimmingCharacters(in: .whitespaces), String(h[h.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        if let bearerEnv, !checkingOnly {
            guard let token = environment[bearerEnv], !token.isEmpty else { throw CLIError.usage("--bearer-env \(bearerEnv): the variable is not set (in the environment or .env)") }
            spec.auth = .bearer(token: token)
        }
        var csv = CSVSettings()
        csv.schema = try schema.map { try CSVSettings.parseSchema($0) } ?? [:]
        spec.json.inference = try csv.inferenceOptions()
        spec.json.flatten = flatten
        return spec
    }

    func run() async throws {
        let console = global.console
        try await CommandRunner.run(console, store: global.store) { store in
            let spec = try spec(environment: StoreResolver.environment)
            let client = ApiClient(spec: spec)
            do {
                let source = ApiSource(spec: spec, label: datasetId, client: client)
                let job = try load.job(source, dataset: try DatasetID(datasetId), partitionColumn: partitionCol, console: console)
                try await SingleLoad.run(job, store: store, console: console)
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        }
    }
}
