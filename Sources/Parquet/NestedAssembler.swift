import Columnar

/// Rebuilds a nested column from its leaves' repetition and definition levels (Dremel's record
/// assembly, a node at a time rather than a record at a time).
///
/// Every node reads the levels of its first leaf: all leaves below a node agree on the levels
/// of that node and its ancestors. A node at repetition depth `depth` (the repeated groups above
/// it) has one slot per level entry with repetition ≤ `depth` and definition ≥ `slotDefinition`;
/// the slot holds a value when the definition reaches the node's own level.
struct NestedAssembler {
    /// The field's leaves' levels, in leaf order starting at the field's first leaf.
    let levels: [LeafLevels]
    let firstLeaf: Int
    let leaves: [ParquetLeaf]

    func column(_ field: ParquetNode, rows: Int) throws -> Column {
        let c = try assemble(field, depth: 0, slotDefinition: 0, parentDefinition: 0)
        guard c.count == rows else {
            throw ParquetError.corrupt("column '\(field.name)' holds \(c.count) records for \(rows) rows")
        }
        return c
    }

    /// `parentDefinition`: the definition level at which the node's parent is present.
    private func assemble(_ node: ParquetNode, depth: Int, slotDefinition: Int, parentDefinition: Int) throws -> Column {
        let leaf = levels[node.firstLeaf - firstLeaf]
        let rep = leaf.repetition, def = leaf.definition
        let present = UInt8(parentDefinition + (node.nullable ? 1 : 0))
        let slotRep = UInt8(depth), slotDef = UInt8(slotDefinition)
        let name = leaves[node.firstLeaf].dottedPath
        var validity = ValidityBitmap()
        switch node.kind {
        case .leaf:
            for i in def.indices where rep[i] <= slotRep && def[i] >= slotDef { validity.append(def[i] >= present) }
            return try ColumnAssembler.column(leaf.values, validity: validity, rows: validity.count, type: node.type,
                                              element: leaves[node.firstLeaf].element)
        case let .structure(children):
            for i in def.indices where rep[i] <= slotRep && def[i] >= slotDef { validity.append(def[i] >= present) }
            var columns: [Column] = []
            for child in children {
                let c = try assemble(child, depth: depth, slotDefinition: slotDefinition, parentDefinition: Int(present))
                guard c.count == validity.count else {
                    throw ParquetError.corrupt("struct '\(node.name)' has \(validity.count) values but its field '\(child.name)' \(c.count)")
                }
                columns.append(c)
            }
            return try made(node.type, .structure(children: columns, rows: validity.count), validity, name)
        case let .list(element):
            let offsets = try self.offsets(rep, def, slotRep: slotRep, slotDef: slotDef, present: present, validity: &validity, name)
            let values = try assemble(element, depth: depth + 1, slotDefinition: Int(present) + 1, parentDefinition: Int(present) + 1)
            guard Int(offsets.last!) == values.count else {
                throw ParquetError.corrupt("list '\(node.name)' counts \(offsets.last!) elements but holds \(values.count)")
            }
            return try made(node.type, .list(offsets: offsets, values: values), validity, name)
        case let .map(keyNode, valueNode):
            let offsets = try self.offsets(rep, def, slotRep: slotRep, slotDef: slotDef, present: present, validity: &validity, name)
            let keys = try assemble(keyNode, depth: depth + 1, slotDefinition: Int(present) + 1, parentDefinition: Int(present) + 1)
            let values = try assemble(valueNode, depth: depth + 1, slotDefinition: Int(present) + 1, parentDefinition: Int(present) + 1)
            guard Int(offsets.last!) == keys.count, keys.count == values.count else {
                throw ParquetError.corrupt("map '\(node.name)' counts \(offsets.last!) entries but holds \(keys.count) keys and \(values.count) values")
            }
            guard keys.nullCount == 0 else { throw ParquetError.corrupt("map '\(node.name)' has a null key") }
            return try made(node.type, .map(offsets: offsets, keys: keys, values: values), validity, name)
        }
    }

    /// A list's or map's offsets (and validity) from the slots that start a list and the
    /// entries that start an element (one repetition level deeper, the repeated group present).
    private func offsets(_ rep: [UInt8], _ def: [UInt8], slotRep: UInt8, slotDef: UInt8, present: UInt8,
                         validity: inout ValidityBitmap, _ name: String) throws -> [Int32] {
        var offsets: [Int32] = [0]
        var count = 0
        var open = false
        for i in def.indices {
            let r = rep[i], d = def[i]
            if r <= slotRep && d >= slotDef {
                if open { offsets.append(Int32(truncatingIfNeeded: count)) }
                open = true
                validity.append(d >= present)
            }
            if r <= slotRep + 1 && d > present {
                guard open else { throw ParquetError.corrupt("column '\(name)' has an element outside any list") }
                count += 1
            }
        }
        if open { offsets.append(Int32(truncatingIfNeeded: count)) }
        guard count <= Int(Int32.max) else { throw ParquetError.unsupported(feature: "more than 2^31 list elements in a row group", column: name) }
        return offsets
    }

    private func made(_ type: DataType, _ storage: ColumnStorage, _ validity: ValidityBitmap, _ name: String) throws -> Column {
        do {
            return try Column(type: type, storage: storage, validity: validity)
        } catch {
            throw ParquetError.corrupt("column '\(name)': \(error)")
        }
    }
}
