import Foundation
import SigV4

/// An Amazon RDS IAM authentication token: a presigned `GET https://host:port/?Action=connect&DBUser=user`
/// for service `rds-db`, valid 15 minutes, without its scheme. Unlike S3's presigned URLs it signs
/// the empty payload's hash, as botocore's `generate_db_auth_token` does. It is the password of one login.
public enum RDSAuthToken {
    public static func make(host: String, port: Int, user: String, region: String, credentials: SigV4Credentials, at date: Date) -> String {
        let signer = SigV4Signer(credentials: credentials, region: region, service: "rds-db")
        let endpoint = "\(host):\(port)"
        let (query, _) = signer.presignedQuery(method: "GET", host: endpoint, path: "/",
                                               query: [("Action", "connect"), ("DBUser", user)],
                                               payloadHash: SigV4.emptyPayloadHash, expires: 900, at: date)
        return "\(endpoint)/?\(query)"
    }

    /// Region and credentials from the usual AWS variables.
    public static func make(settings: PGSettings, environment env: [String: String], at date: Date = Date()) throws -> String {
        guard let region = env["AWS_REGION"].nonEmpty ?? env["AWS_DEFAULT_REGION"].nonEmpty else {
            throw PGError.usage("iam_auth needs AWS_REGION (the database's region)")
        }
        guard let key = env["AWS_ACCESS_KEY_ID"].nonEmpty, let secret = env["AWS_SECRET_ACCESS_KEY"].nonEmpty else {
            throw PGError.usage("iam_auth needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)")
        }
        let creds = SigV4Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: env["AWS_SESSION_TOKEN"].nonEmpty)
        return make(host: settings.host, port: settings.port, user: settings.user, region: region, credentials: creds, at: date)
    }
}
