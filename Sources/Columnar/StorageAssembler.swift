/// Makes one column's values out of several source columns of one type, whatever the type:
/// `values` builds a fixed-width array (reading each source's array of that type through
/// `array`), `bytes` strings or binary. `assemble` picks which from the sources' storage.
protocol StorageAssembler {
    func values<T>(_ array: (ColumnStorage) -> [T]?) -> [T]
    func bytes(_ arrays: (ColumnStorage) -> ByteArrays?) -> ByteArrays
}

extension StorageAssembler {
    /// Storage of the same kind as `kind`.
    func assemble(like kind: ColumnStorage) -> ColumnStorage {
        switch kind {
        case .boolean: .boolean(values { if case let .boolean(a) = $0 { a } else { nil } })
        case .int8: .int8(values { if case let .int8(a) = $0 { a } else { nil } })
        case .int16: .int16(values { if case let .int16(a) = $0 { a } else { nil } })
        case .int32: .int32(values { if case let .int32(a) = $0 { a } else { nil } })
        case .int64: .int64(values { if case let .int64(a) = $0 { a } else { nil } })
        case .float32: .float32(values { if case let .float32(a) = $0 { a } else { nil } })
        case .float64: .float64(values { if case let .float64(a) = $0 { a } else { nil } })
        case .decimal: .decimal(values { if case let .decimal(a) = $0 { a } else { nil } })
        case .bytes: .bytes(bytes { if case let .bytes(b) = $0 { b } else { nil } })
        case .list, .structure, .map: preconditionFailure("nested columns are gathered by Column.gatherNested")
        }
    }
}
