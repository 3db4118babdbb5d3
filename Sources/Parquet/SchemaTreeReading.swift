import Columnar

/// A file's SchemaElements as the tree their `num_children` describe.
private struct RawSchemaNode {
    let element: SchemaElement
    let children: [RawSchemaNode]

    var name: String { element.name }
    var isPrimitive: Bool { children.isEmpty && element.type != nil }
    var repetition: Repetition { element.repetition.flatMap(Repetition.init(rawValue:)) ?? .required }

    static func parse(_ elements: [SchemaElement], _ index: inout Int, depth: Int) throws -> RawSchemaNode {
        guard index < elements.count else { throw ParquetError.corrupt("schema ends inside a group") }
        let e = elements[index]
        index += 1
        let n = Int(e.numChildren ?? 0)
        guard n >= 0, n <= elements.count - index else {
            throw ParquetError.corrupt("schema element '\(e.name)' declares \(n) children, more than the schema lists")
        }
        guard depth <= SchemaTree.maxLevel else { throw ParquetError.unsupported(feature: "nesting deeper than \(SchemaTree.maxLevel)", column: e.name) }
        var children: [RawSchemaNode] = []
        for _ in 0 ..< n { children.append(try parse(elements, &index, depth: depth + 1)) }
        return RawSchemaNode(element: e, children: children)
    }
}

extension SchemaTree {
    /// Maps a file's schema to Columnar types, following LogicalTypes.md: LIST and MAP
    /// annotations (with their backward-compatibility rules for two-level lists), groups as
    /// structs, and a repeated field without annotation as a required list of required elements.
    init(reading elements: [SchemaElement]) throws {
        guard !elements.isEmpty else { throw ParquetError.corrupt("schema is empty") }
        var index = 0
        let root = try RawSchemaNode.parse(elements, &index, depth: 0)
        guard index == elements.count else {
            throw ParquetError.corrupt("schema root declares \(root.children.count) columns but lists \(elements.count - 1) elements")
        }
        for child in root.children {
            fields.append(try node(child, path: [child.name], rep: 0, def: 0))
        }
    }

    /// The node for `raw`, below a parent that reached levels `rep` and `def`. `asRequired`:
    /// the repetition of `raw` was already taken by the list it is the element of.
    private mutating func node(_ raw: RawSchemaNode, path: [String], rep: Int, def: Int, asRequired: Bool = false) throws -> ParquetNode {
        let e = raw.element
        let first = leaves.count
        func made(_ nullable: Bool, _ kind: ParquetNode.Kind, _ type: DataType) -> ParquetNode {
            ParquetNode(name: e.name, nullable: nullable, kind: kind, type: type, firstLeaf: first, leafCount: leaves.count - first)
        }
        let repetition = asRequired ? .required : raw.repetition
        if repetition == .repeated {
            let element = try node(raw, path: path, rep: rep + 1, def: def + 1, asRequired: true)
            return made(false, .list(element: element), .list(Field("element", element.type, nullable: false)))
        }
        let nullable = repetition == .optional
        let level = def + (nullable ? 1 : 0)
        guard rep <= Self.maxLevel, level <= Self.maxLevel else {
            throw ParquetError.unsupported(feature: "nesting deeper than \(Self.maxLevel) levels", column: path.joined(separator: "."))
        }
        if raw.isPrimitive {
            var named = e
            named.name = path.joined(separator: ".") // errors name the whole path
            let type = try SchemaMapping.dataType(for: named)
            leaves.append(ParquetLeaf(element: e, path: path, maxRepetition: rep, maxDefinition: level,
                                      field: Field(e.name, type, nullable: nullable)))
            return made(nullable, .leaf, type)
        }
        let column = path.joined(separator: ".")
        guard !raw.children.isEmpty else { throw ParquetError.unsupported(feature: "nested type (empty group)", column: column) }
        let converted = e.convertedType.flatMap(ConvertedType.init(rawValue:))
        if e.logicalType == .list || converted == .list {
            guard raw.children.count == 1, raw.children[0].repetition == .repeated else {
                throw ParquetError.unsupported(feature: "nested type (LIST without one repeated field)", column: column)
            }
            let repeated = raw.children[0]
            let element: ParquetNode
            // Backward compatibility: the repeated field is itself the (required) element when it is
            // a primitive, a group of several fields, or a one-field group named `array` or `<list>_tuple`.
            if repeated.isPrimitive || repeated.children.count != 1 || repeated.name == "array" || repeated.name == e.name + "_tuple" {
                element = try node(repeated, path: path + [repeated.name], rep: rep + 1, def: level + 1, asRequired: true)
            } else {
                let inner = repeated.children[0]
                element = try node(inner, path: path + [repeated.name, inner.name], rep: rep + 1, def: level + 1)
            }
            return made(nullable, .list(element: element), .list(Field("element", element.type, nullable: element.nullable)))
        }
        if e.logicalType == .map || converted == .map || converted == .mapKeyValue {
            let kv = raw.children[0]
            guard raw.children.count == 1, kv.repetition == .repeated, kv.children.count == 2 else {
                throw ParquetError.unsupported(feature: "nested type (MAP without a repeated key and value)", column: column)
            }
            let (k, v) = (kv.children[0], kv.children[1])
            let key = try node(k, path: path + [kv.name, k.name], rep: rep + 1, def: level + 1)
            let value = try node(v, path: path + [kv.name, v.name], rep: rep + 1, def: level + 1)
            return made(nullable, .map(key: key, value: value), .map(key: key.type, value: Field("value", value.type, nullable: value.nullable)))
        }
        var children: [ParquetNode] = []
        for c in raw.children { children.append(try node(c, path: path + [c.name], rep: rep, def: level)) }
        return made(nullable, .structure(children), .structure(children.map(\.field)))
    }
}
