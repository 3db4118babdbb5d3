import ArgumentParser

public struct InletMain: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "inlet", abstract: "Load business data into a data lake as typed Parquet.")
    public init() {}
}
