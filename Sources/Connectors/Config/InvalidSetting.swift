/// A setting with a value it cannot take. `setting` is its config key (`skip_rows`); the
/// command line names it as an option (`--skip-rows`), a config file by its key and line.
public struct InvalidSetting: Error, CustomStringConvertible, Equatable {
    public let setting: String
    public let message: String

    public init(setting: String, message: String) {
        self.setting = setting
        self.message = message
    }

    public var description: String { "\(setting) \(message)" }

    /// `--skip-rows …`: the message as the command line's option would give it.
    public var asOption: String { "--\(setting.replacingOccurrences(of: "_", with: "-")) \(message)" }
}
