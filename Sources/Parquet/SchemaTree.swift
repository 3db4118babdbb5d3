import Columnar

/// A column of the file's schema as Columnar sees it: a leaf, or a struct, list or map over
/// other nodes. Reading and writing share it, so both agree on levels and leaf order.
///
/// `nullable` is the node's own optional level (one definition level when present). A list
/// or map adds its repeated group below that: one definition level (non-empty) and one
/// repetition level.
struct ParquetNode {
    indirect enum Kind {
        case leaf
        case structure([ParquetNode])
        case list(element: ParquetNode)
        case map(key: ParquetNode, value: ParquetNode)
    }

    let name: String
    let nullable: Bool
    let kind: Kind
    let type: DataType
    /// This node's leaves are `firstLeaf ..< firstLeaf + leafCount` in the file's leaf order.
    let firstLeaf: Int
    let leafCount: Int

    var leaves: Range<Int> { firstLeaf ..< firstLeaf + leafCount }

    var field: Field { Field(name, type, nullable: nullable) }

    var isLeaf: Bool { if case .leaf = kind { return true }; return false }
}

/// One primitive column of the file: what a column chunk holds.
struct ParquetLeaf {
    let element: SchemaElement
    /// Names from the top-level field down to the leaf (ColumnMetaData.path_in_schema).
    let path: [String]
    let maxRepetition: Int
    let maxDefinition: Int
    /// The leaf's Columnar type and whether it may be null.
    let field: Field

    var dottedPath: String { path.joined(separator: ".") }
}

/// The top-level fields of a file and its leaves in schema (column chunk) order.
struct SchemaTree {
    var fields: [ParquetNode] = []
    var leaves: [ParquetLeaf] = []
    /// The SchemaElements a writer puts in the footer (empty when read from a file).
    var elements: [SchemaElement] = []

    /// Levels deeper than this are refused: they fit a byte, and no real schema comes near.
    static let maxLevel = 255

    /// The path of nodes from top-level field `field` down to leaf `leaf` (both included).
    func nodes(toLeaf leaf: Int, in field: ParquetNode) -> [ParquetNode] {
        var path = [field]
        var node = field
        while true {
            switch node.kind {
            case .leaf: return path
            case let .structure(children): node = children.first { $0.leaves.contains(leaf) }!
            case let .list(element): node = element
            case let .map(key, value): node = key.leaves.contains(leaf) ? key : value
            }
            path.append(node)
        }
    }
}
