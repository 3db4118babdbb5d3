import Columnar
import Connectors
import Foundation
import Lake
import Yams

/// A config file of pipelines (`inlet.yaml`): an optional store and a list of pipelines, each
/// a source (its kind and block) loaded into one dataset. Its keys are a contract with users'
/// files: extend them, never rename one. See the README's "inlet run" for every key.
public struct PipelineConfig: Sendable {
    public let file: String
    /// `store:`; `--store` and `INLET_STORE` win over it.
    public let store: String?
    public let pipelines: [PipelineSpec]

    public static let topKeys = ["store", "pipelines"]

    /// Reads and checks the whole file; the first problem is a `ConfigError` naming its line.
    public static func load(path: String, environment: [String: String]) throws -> PipelineConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: nil, message: "cannot read the config file (pass --config PATH)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, message: "the config is not UTF-8 text")
        }
        return try parse(text, file: path, environment: environment)
    }

    public static func parse(_ yaml: String, file: String, environment: [String: String]) throws -> PipelineConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch let error as YamlError {
            throw syntaxError(error, file: file)
        }
        guard let root else { throw ConfigError(file: file, line: 1, message: "the config is empty; it needs a 'pipelines:' list") }
        let interpolation = Interpolation(environment: environment)
        let top = try ConfigMap(root, file: file, context: nil, known: topKeys, interpolation: interpolation, what: "the config")
        let store = try top.nonEmpty("store")
        var pipelines: [PipelineSpec] = []
        var names: [String: Int] = [:]
        if let list = try top.sequence("pipelines") {
            for (index, node) in list.enumerated() {
                let spec = try PipelineSpec.parse(node, index: index, file: file, interpolation: interpolation)
                if let first = names[spec.name] {
                    throw ConfigError(file: file, line: spec.line, context: "pipeline '\(spec.name)'",
                                      message: "duplicate name (first used on line \(first))")
                }
                names[spec.name] = spec.line
                pipelines.append(spec)
            }
        } else if !top.has("pipelines") {
            throw top.fail(nil, "missing key 'pipelines' (a list of pipelines)")
        }
        return PipelineConfig(file: file, store: store, pipelines: pipelines)
    }

    static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            // The context marks where the broken construct starts, which is the line to fix.
            if let context {
                return ConfigError(file: file, line: context.mark.line, message: "not valid YAML: \(problem) \(context.text) (detected at line \(mark.line))")
            }
            return ConfigError(file: file, line: mark.line, message: "not valid YAML: \(problem)")
        default:
            return ConfigError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
    }
}

extension ConfigMap {
    /// A list value (`pipelines:`).
    func sequence(_ key: String) throws -> [Node]? {
        guard has(key) else { return nil }
        guard let node = node(key), case let .sequence(items) = node else { throw fail(key, "'\(key)' must be a list") }
        return Array(items)
    }
}
