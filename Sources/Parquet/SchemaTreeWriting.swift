import Columnar

extension SchemaTree {
    /// The tree a writer lays out for `schema`, and its SchemaElements (depth first, groups with
    /// `num_children`). Lists take LogicalTypes.md's three levels
    /// (`<name> (LIST) { repeated group list { <element> } }`), maps
    /// `<name> (MAP) { repeated group key_value { required key; value } }`, structs a plain group.
    init(writing schema: Schema) {
        var elements = [SchemaElement(name: "schema", numChildren: Int32(schema.fields.count))]
        for f in schema.fields {
            fields.append(node(f, path: [f.name], rep: 0, def: 0, into: &elements))
        }
        self.elements = elements
    }

    private mutating func node(_ f: Field, path: [String], rep: Int, def: Int, into elements: inout [SchemaElement]) -> ParquetNode {
        let first = leaves.count
        let level = def + (f.nullable ? 1 : 0)
        let repetition = (f.nullable ? Repetition.optional : .required).rawValue
        func made(_ kind: ParquetNode.Kind) -> ParquetNode {
            ParquetNode(name: f.name, nullable: f.nullable, kind: kind, type: f.type, firstLeaf: first, leafCount: leaves.count - first)
        }
        switch f.type {
        case let .structure(children):
            elements.append(SchemaElement(repetition: repetition, name: f.name, numChildren: Int32(children.count)))
            return made(.structure(children.map { node($0, path: path + [$0.name], rep: rep, def: level, into: &elements) }))
        case let .list(e):
            var group = SchemaElement(repetition: repetition, name: f.name, numChildren: 1)
            group.logicalType = .list
            group.convertedType = ConvertedType.list.rawValue
            elements.append(group)
            elements.append(SchemaElement(repetition: Repetition.repeated.rawValue, name: "list", numChildren: 1))
            let element = Field("element", e.type, nullable: e.nullable)
            return made(.list(element: node(element, path: path + ["list", "element"], rep: rep + 1, def: level + 1, into: &elements)))
        case let .map(k, v):
            var group = SchemaElement(repetition: repetition, name: f.name, numChildren: 1)
            group.logicalType = .map
            group.convertedType = ConvertedType.map.rawValue
            elements.append(group)
            elements.append(SchemaElement(repetition: Repetition.repeated.rawValue, name: "key_value", numChildren: 2))
            let key = node(Field("key", k, nullable: false), path: path + ["key_value", "key"], rep: rep + 1, def: level + 1, into: &elements)
            let value = node(Field("value", v.type, nullable: v.nullable), path: path + ["key_value", "value"],
                             rep: rep + 1, def: level + 1, into: &elements)
            return made(.map(key: key, value: value))
        default:
            let e = SchemaMapping.element(for: f)
            elements.append(e)
            leaves.append(ParquetLeaf(element: e, path: path, maxRepetition: rep, maxDefinition: level, field: f))
            return made(.leaf)
        }
    }
}
