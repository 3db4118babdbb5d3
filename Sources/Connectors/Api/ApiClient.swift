/// The HTTP side of one API pipeline (its connections, pace and OAuth2 token), shared by the
/// parent's load and its children's. Call `shutdown()` when the pipeline is done.
public final class ApiClient: Sendable {
    let http: ApiHTTPClient

    public init(spec: ApiSpec) { http = ApiHTTPClient(spec: spec) }

    public func shutdown() async { await http.shutdown() }

    public var statistics: ApiClientStatistics { get async { await http.statistics } }
}
