import Foundation
import ObjectStore

/// Step 3 of a load: moving verified staged files into place.
protocol FilePublisher: AnyObject {
    var atomicity: PublishAtomicity { get }
    func publish(_ staged: [StagedFile], hook: (@Sendable (PublishStep) throws -> Void)?) async throws
    /// Undoes what `publish` did, where it can (best effort; called before the manifest is written).
    func rollback()
    /// For the error message after a rollback: what readers now see.
    var stateAfterRollback: String { get }
}

/// LocalStore: each folder (`data` or one `partitions/date=…`) is built complete in staging and
/// swapped with the live one in a single renameat2(RENAME_EXCHANGE), so a reader listing a
/// partition sees all its old files or all its new ones. Appends hard-link the existing files
/// into the staged folder first. The pushed-out folders stay in staging, so a failure before
/// the manifest is written swaps them back. Without RENAME_EXCHANGE (other kernels or file
/// systems) files are renamed in one by one (`perObject`).
final class LocalFolderPublisher: FilePublisher {
    let store: LocalStore
    let staging: StagingArea
    let mode: WriteMode
    let dataset: DatasetID
    /// Live files an append leaves behind instead of linking (an unfinished load's leftovers).
    let leaveOut: Set<String>
    /// Folders to swap even without a staged file (a merge removed some of their files).
    let alsoFolders: Set<String>
    private(set) var atomicity = PublishAtomicity.perPartition
    private var done: [(prefix: String, stagedDir: String, result: LocalStore.DirectoryInstall)] = []

    init(store: LocalStore, staging: StagingArea, mode: WriteMode, dataset: DatasetID, leaveOut: Set<String> = [],
         alsoFolders: Set<String> = []) {
        self.store = store; self.staging = staging; self.mode = mode; self.dataset = dataset; self.leaveOut = leaveOut
        self.alsoFolders = alsoFolders
    }

    func publish(_ staged: [StagedFile], hook: (@Sendable (PublishStep) throws -> Void)?) async throws {
        let folders = Array(Set(staged.map(\.folder)).union(alsoFolders)).sorted()
        for (i, folder) in folders.enumerated() {
            try hook?(.move(i))
            if i == 0, try installAllPartitions(folders) { break }
            let stagedDir = staging.filesFolder + "/" + folder
            let prefix = DatasetLayout.prefix(dataset) + folder
            if mode == .append || mode == .merge {
                try FileManager.default.createDirectory(atPath: stagedDir, withIntermediateDirectories: true)
                try linkLiveFiles(of: prefix, into: stagedDir)
            }
            let result = try store.installDirectory(prefix: prefix, fromStagedDirectory: stagedDir)
            if result == .unsupported {
                atomicity = .perObject
                for f in staged where f.folder == folder { try await store.moveIn(key: prefix + "/" + f.fileName, fromFile: f.path) }
            } else {
                done.append((prefix, stagedDir, result))
            }
        }
        try store.syncParents(of: done.map(\.prefix))
    }

    /// A dataset's first partitioned load (no live `partitions` folder): the staged one moves in
    /// whole, one rename instead of one per partition, and every partition appears at once.
    private func installAllPartitions(_ folders: [String]) throws -> Bool {
        let parent = DatasetLayout.partitionsFolder
        guard folders.allSatisfy({ $0.hasPrefix(parent + "/") }) else { return false }
        let prefix = DatasetLayout.prefix(dataset) + parent
        let stagedDir = staging.filesFolder + "/" + parent
        guard try store.installDirectoryIfAbsent(prefix: prefix, fromStagedDirectory: stagedDir) else { return false }
        done.append((prefix, stagedDir, .installed))
        return true
    }

    func rollback() {
        for d in done.reversed() {
            switch d.result {
            case .exchanged: try? store.exchangeBack(prefix: d.prefix, stagedDirectory: d.stagedDir)
            case .installed: if let live = try? store.path(forKey: d.prefix) { try? FileManager.default.moveItem(atPath: live, toPath: d.stagedDir) }
            case .unsupported: break
            }
        }
        done.removeAll()
    }

    var stateAfterRollback: String {
        atomicity == .perPartition ? "the previous version is back in place" : "some files were already replaced one by one; rerun the load"
    }

    private func linkLiveFiles(of prefix: String, into stagedDir: String) throws {
        let live = try store.path(forKey: prefix)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: live)) ?? []
        where !name.hasPrefix(".") && !name.hasPrefix("_") && !leaveOut.contains(prefix + "/" + name) {
            try store.link(live + "/" + name, to: stagedDir + "/" + name)
        }
    }
}

/// Any other store: each file is one atomic put; the partition may mix old and new files
/// until the last put (and stale files until step 5). Nothing can be swapped back.
final class ObjectPublisher: FilePublisher {
    let store: any ObjectStore
    let dataset: DatasetID
    let atomicity = PublishAtomicity.perObject

    init(store: any ObjectStore, dataset: DatasetID) { self.store = store; self.dataset = dataset }

    private var moved = 0, total = 0

    func publish(_ staged: [StagedFile], hook: (@Sendable (PublishStep) throws -> Void)?) async throws {
        total = staged.count
        for (i, f) in staged.enumerated() {
            try hook?(.move(i))
            try await store.put(key: DatasetLayout.prefix(dataset) + f.folder + "/" + f.fileName, fromFile: f.path)
            moved += 1
        }
    }

    func rollback() {}

    var stateAfterRollback: String {
        moved == 0 ? "nothing was changed" : "\(moved) of \(total) files were already replaced, each one whole; rerun the load to finish"
    }
}
