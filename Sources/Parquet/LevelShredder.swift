import Columnar

/// How to walk from a top-level nested column down to one leaf: at each node, whether it adds
/// an optional level, then which child column to follow.
struct LeafPath {
    enum Move { case leaf, field(Int), listValues, mapKeys, mapValues }
    struct Step {
        let nullable: Bool
        let move: Move
    }

    let steps: [Step]
    let leaf: ParquetLeaf

    init(tree: SchemaTree, field: ParquetNode, leaf: Int) {
        let nodes = tree.nodes(toLeaf: leaf, in: field)
        var steps: [Step] = []
        for (k, node) in nodes.enumerated() {
            let move: Move
            switch node.kind {
            case .leaf: move = .leaf
            case let .structure(children): move = .field(children.firstIndex { $0.firstLeaf == nodes[k + 1].firstLeaf }!)
            case .list: move = .listValues
            case let .map(key, _): move = key.leaves.contains(leaf) ? .mapKeys : .mapValues
            }
            steps.append(Step(nullable: node.nullable, move: move))
        }
        self.steps = steps
        self.leaf = tree.leaves[leaf]
    }
}

/// One leaf's share of a slice of rows, shredded: a repetition and a definition level per
/// entry (a value, a null, or an empty or null list above it), the non-null values packed
/// in the storage the leaf's encoder reads, and where each row starts in both.
struct ShreddedLeaf {
    var repetition: [UInt8]
    var definition: [UInt8]
    var values: Column
    /// `rows + 1` entries: row `r`'s levels are `entryStarts[r] ..< entryStarts[r + 1]`.
    var entryStarts: [Int]
    /// `rows + 1` entries: row `r`'s non-null values are `valueStarts[r] ..< valueStarts[r + 1]`.
    var valueStarts: [Int]

    var rowCount: Int { entryStarts.count - 1 }
}

/// Dremel's shredding, a column at a time: every entry of the slice is carried down the leaf's
/// path, gaining a definition level at each present optional node and non-empty list, and
/// splitting into one entry per element at each list or map (the first keeps the entry's
/// repetition level, the others take the list's depth). An entry stops at a null or an empty
/// list, keeping the definition level it reached.
enum LevelShredder {
    static func shred(_ column: Column, rows: Range<Int>, path: LeafPath, layout: PhysicalLayout) throws -> ShreddedLeaf {
        var rep = [UInt8](repeating: 0, count: rows.count)
        var def = [UInt8](repeating: 0, count: rows.count)
        // The entry's slot in the current column, or -1 once it has stopped.
        var slot = Array(rows)
        var col = column
        var depth: UInt8 = 0
        // Whether some entry has stopped (slot -1): until one has, loops need not look.
        var stopped = false
        for step in path.steps {
            if step.nullable && col.nullCount == 0 && !stopped {
                // No nulls at this node and every entry live (the usual case): all go a level deeper.
                def.withUnsafeMutableBufferPointer { d in for i in d.indices { d[i] &+= 1 } }
            } else if step.nullable && col.nullCount == 0 {
                for i in slot.indices where slot[i] >= 0 { def[i] += 1 }
            } else if step.nullable {
                for i in slot.indices where slot[i] >= 0 {
                    if col.isNull(slot[i]) { slot[i] = -1; stopped = true } else { def[i] += 1 }
                }
            } else if col.nullCount > 0 {
                for i in slot.indices where slot[i] >= 0 && col.isNull(slot[i]) {
                    throw ParquetError.schemaMismatch("'\(path.leaf.dottedPath)' is required but has a null")
                }
            }
            switch (step.move, col.storage) {
            case (.leaf, _):
                break
            case let (.field(k), .structure(children, _)):
                col = children[k]
            case let (.listValues, .list(offsets, values)):
                depth += 1
                stopped = expand(offsets, depth, &rep, &def, &slot)
                col = values
            case let (.mapKeys, .map(offsets, keys, _)):
                depth += 1
                stopped = expand(offsets, depth, &rep, &def, &slot)
                col = keys
            case let (.mapValues, .map(offsets, _, values)):
                depth += 1
                stopped = expand(offsets, depth, &rep, &def, &slot)
                col = values
            default:
                throw ParquetError.schemaMismatch("column '\(path.leaf.dottedPath)' has \(col.type.name) storage off its schema")
            }
        }
        var entryStarts: [Int] = []
        var valueStarts: [Int] = []
        var present: [Int] = []
        if depth == 0 && !stopped {
            // No list or map above the leaf and no null on the way: one entry and one value
            // per row, in order (a struct's fields, the usual case).
            entryStarts = Array(0 ... slot.count)
            valueStarts = entryStarts
            present = slot
        } else {
            entryStarts.reserveCapacity(rows.count + 1)
            valueStarts.reserveCapacity(rows.count + 1)
            present.reserveCapacity(slot.count)
            for i in slot.indices {
                if rep[i] == 0 { entryStarts.append(i); valueStarts.append(present.count) }
                if slot[i] >= 0 { present.append(slot[i]) }
            }
            entryStarts.append(slot.count)
            valueStarts.append(present.count)
        }
        // Values are usually a contiguous run of the leaf column (no nulls, no stray slots): copy it in bulk.
        let dense: Column
        if let first = present.first, present.last! - first == present.count - 1 {
            dense = Column.concatenate([(col, first ..< first + present.count)], type: col.type)
        } else {
            dense = col.take(present)
        }
        return ShreddedLeaf(repetition: rep, definition: def, values: ColumnChunkWriter.physicalColumn(dense, layout: layout),
                            entryStarts: entryStarts, valueStarts: valueStarts)
    }

    /// Replaces each live entry by one entry per element of its list (a stopped entry for an empty list).
    /// Returns whether any entry is stopped afterwards.
    private static func expand(_ offsets: [Int32], _ depth: UInt8, _ rep: inout [UInt8], _ def: inout [UInt8], _ slot: inout [Int]) -> Bool {
        var stops = false
        var r: [UInt8] = [], d: [UInt8] = [], s: [Int] = []
        let estimate = slot.count + Int(offsets.last ?? 0)
        r.reserveCapacity(estimate); d.reserveCapacity(estimate); s.reserveCapacity(estimate)
        for i in slot.indices {
            let at = slot[i]
            let lo = at >= 0 ? Int(offsets[at]) : 0, hi = at >= 0 ? Int(offsets[at + 1]) : 0
            if lo >= hi {
                r.append(rep[i]); d.append(def[i]); s.append(-1)
                stops = true
                continue
            }
            for k in lo ..< hi {
                r.append(k == lo ? rep[i] : depth)
                d.append(def[i] + 1)
                s.append(k)
            }
        }
        rep = r; def = d; slot = s
        return stops
    }
}
