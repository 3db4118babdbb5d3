import Inference

/// A decision's plans flattened into one table of nodes, read by index through pointers.
/// Walking the tree of `ValuePlan`s (indirect enums, arrays of arrays) cost a retain and a
/// release at nearly every value and key: a fifth of a JSON load's conversion time.
final class ConvertTable: @unchecked Sendable {
    enum Kind: UInt8 { case scalar, text, structure, list, map }

    struct Node {
        var kind: Kind
        /// A scalar's parser (a text one for the other kinds, never used).
        var parser: ValueParser
        /// A list's element, a map's value.
        var child: Int32
        /// A struct's fields: `fieldNode[firstField ..< firstField + fieldCount]`, same for names.
        var firstField: Int32
        var fieldCount: Int32
    }

    let root: Int
    let nodes: UnsafeMutablePointer<Node>
    let nodeCount: Int
    /// Per field of every struct: its node, and its name's bytes in `nameBytes`.
    let fieldNode: UnsafeMutablePointer<Int32>
    let nameStart: UnsafeMutablePointer<Int32>
    let nameLength: UnsafeMutablePointer<Int32>
    let nameBytes: UnsafeMutablePointer<UInt8>
    let fieldTotal: Int

    init(_ plan: StructPlan) {
        var nodes: [Node] = []
        var fieldNodes: [Int32] = []
        var starts: [Int32] = []
        var lengths: [Int32] = []
        var bytes: [UInt8] = []
        let text = ValueParser(declared: .string)

        func add(_ plan: ValuePlan) -> Int {
            switch plan {
            case let .scalar(parser):
                nodes.append(Node(kind: .scalar, parser: parser, child: -1, firstField: 0, fieldCount: 0))
            case .text:
                nodes.append(Node(kind: .text, parser: text, child: -1, firstField: 0, fieldCount: 0))
            case let .structure(s):
                return addStruct(s)
            case let .list(element), let .map(element):
                let at = nodes.count
                let kind: Kind
                if case .list = plan { kind = .list } else { kind = .map }
                nodes.append(Node(kind: kind, parser: text, child: -1, firstField: 0, fieldCount: 0))
                nodes[at].child = Int32(add(element))
                return at
            }
            return nodes.count - 1
        }

        func addStruct(_ s: StructPlan) -> Int {
            let at = nodes.count
            let first = fieldNodes.count
            nodes.append(Node(kind: .structure, parser: text, child: -1, firstField: Int32(first), fieldCount: Int32(s.names.count)))
            // The struct's fields take consecutive slots before their own plans add theirs.
            for name in s.names {
                fieldNodes.append(-1)
                starts.append(Int32(bytes.count))
                lengths.append(Int32(name.count))
                bytes += name
            }
            for (k, p) in s.plans.enumerated() { fieldNodes[first + k] = Int32(add(p)) }
            return at
        }

        root = addStruct(plan)
        nodeCount = nodes.count
        fieldTotal = fieldNodes.count
        self.nodes = .allocate(capacity: nodes.count)
        self.nodes.initialize(from: nodes, count: nodes.count)
        fieldNode = Self.copy(fieldNodes)
        nameStart = Self.copy(starts)
        nameLength = Self.copy(lengths)
        nameBytes = Self.copy(bytes)
    }

    deinit {
        nodes.deinitialize(count: nodeCount)
        nodes.deallocate()
        fieldNode.deallocate()
        nameStart.deallocate()
        nameLength.deallocate()
        nameBytes.deallocate()
    }

    private static func copy<T>(_ a: [T]) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, a.count))
        p.initialize(from: a, count: a.count)
        return p
    }

    /// The field of struct `node` whose name is `p[0..<n]`, trying `hint` first; nil if none.
    @inline(__always)
    func field(of node: UnsafePointer<Node>, _ p: UnsafePointer<UInt8>, _ n: Int, hint: Int) -> Int? {
        let first = Int(node.pointee.firstField), count = Int(node.pointee.fieldCount)
        if hint < count, matches(first + hint, p, n) { return hint }
        for k in 0 ..< count where matches(first + k, p, n) { return k }
        return nil
    }

    @inline(__always)
    private func matches(_ f: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard Int(nameLength[f]) == n else { return false }
        return sameBytes(nameBytes + Int(nameStart[f]), p, n)
    }

    /// The field names of struct `node`, for messages.
    func names(of node: UnsafePointer<Node>) -> [String] {
        let first = Int(node.pointee.firstField)
        return (first ..< first + Int(node.pointee.fieldCount)).map {
            String(decoding: UnsafeBufferPointer(start: nameBytes + Int(nameStart[$0]), count: Int(nameLength[$0])), as: UTF8.self)
        }
    }
}
