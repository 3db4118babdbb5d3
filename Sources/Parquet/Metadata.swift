/// Parquet's Thrift metadata structs (only the fields Inlet writes or reads), with their
/// compact-protocol encoders and decoders. Field ids follow parquet.thrift.

struct Statistics: Equatable {
    var max: [UInt8]?        // 1, legacy (signed sort order only)
    var min: [UInt8]?        // 2, legacy
    var nullCount: Int64?    // 3
    var distinctCount: Int64? // 4
    var maxValue: [UInt8]?   // 5
    var minValue: [UInt8]?   // 6

    func encode(_ w: inout ThriftCompactWriter) {
        if let max { w.binary(1, max) }
        if let min { w.binary(2, min) }
        if let nullCount { w.i64(3, nullCount) }
        if let distinctCount { w.i64(4, distinctCount) }
        if let maxValue { w.binary(5, maxValue) }
        if let minValue { w.binary(6, minValue) }
    }

    static func decode(_ r: inout ThriftCompactReader) throws -> Statistics {
        var s = Statistics()
        try r.beginStruct()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, 8): s.max = try r.binary()
            case (2, 8): s.min = try r.binary()
            case (3, 6): s.nullCount = try r.i64()
            case (4, 6): s.distinctCount = try r.i64()
            case (5, 8): s.maxValue = try r.binary()
            case (6, 8): s.minValue = try r.binary()
            default: try r.skip(t)
            }
        }
        r.endStruct()
        return s
    }
}

struct DataPageHeader {
    var numValues: Int32
    var encoding: Int32
    var definitionLevelEncoding: Int32
    var repetitionLevelEncoding: Int32
    var statistics: Statistics?
}

struct DataPageHeaderV2 {
    var numValues: Int32
    var numNulls: Int32
    var numRows: Int32
    var encoding: Int32
    var definitionLevelsByteLength: Int32
    var repetitionLevelsByteLength: Int32
    var isCompressed: Bool
}

struct DictionaryPageHeader {
    var numValues: Int32
    var encoding: Int32
}

struct PageHeader {
    var type: Int32
    var uncompressedPageSize: Int32
    var compressedPageSize: Int32
    var dataPage: DataPageHeader?
    var dictionaryPage: DictionaryPageHeader?
    var dataPageV2: DataPageHeaderV2?

    func encode(_ w: inout ThriftCompactWriter) {
        w.i32(1, type)
        w.i32(2, uncompressedPageSize)
        w.i32(3, compressedPageSize)
        if let d = dataPage {
            w.beginStruct(5)
            w.i32(1, d.numValues); w.i32(2, d.encoding); w.i32(3, d.definitionLevelEncoding); w.i32(4, d.repetitionLevelEncoding)
            if let s = d.statistics { w.beginStruct(5); s.encode(&w); w.endStruct() }
            w.endStruct()
        }
        if let d = dictionaryPage {
            w.beginStruct(7); w.i32(1, d.numValues); w.i32(2, d.encoding); w.endStruct()
        }
        w.stop()
    }

    static func decode(_ r: inout ThriftCompactReader) throws -> PageHeader {
        var h = PageHeader(type: -1, uncompressedPageSize: -1, compressedPageSize: -1)
        try r.beginStruct()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, 5): h.type = try r.i32()
            case (2, 5): h.uncompressedPageSize = try r.i32()
            case (3, 5): h.compressedPageSize = try r.i32()
            case (5, 12):
                var d = DataPageHeader(numValues: -1, encoding: -1, definitionLevelEncoding: 3, repetitionLevelEncoding: 3)
                try r.beginStruct()
                while let (t2, id2) = try r.fieldHeader() {
                    switch (id2, t2) {
                    case (1, 5): d.numValues = try r.i32()
                    case (2, 5): d.encoding = try r.i32()
                    case (3, 5): d.definitionLevelEncoding = try r.i32()
                    case (4, 5): d.repetitionLevelEncoding = try r.i32()
                    case (5, 12): d.statistics = try Statistics.decode(&r)
                    default: try r.skip(t2)
                    }
                }
                r.endStruct()
                h.dataPage = d
            case (7, 12):
                var d = DictionaryPageHeader(numValues: -1, encoding: 0)
                try r.beginStruct()
                while let (t2, id2) = try r.fieldHeader() {
                    switch (id2, t2) {
                    case (1, 5): d.numValues = try r.i32()
                    case (2, 5): d.encoding = try r.i32()
                    default: try r.skip(t2)
                    }
                }
                r.endStruct()
                h.dictionaryPage = d
            case (8, 12):
                var d = DataPageHeaderV2(numValues: -1, numNulls: 0, numRows: -1, encoding: -1,
                                         definitionLevelsByteLength: 0, repetitionLevelsByteLength: 0, isCompressed: true)
                try r.beginStruct()
                while let (t2, id2) = try r.fieldHeader() {
                    switch (id2, t2) {
                    case (1, 5): d.numValues = try r.i32()
                    case (2, 5): d.numNulls = try r.i32()
                    case (3, 5): d.numRows = try r.i32()
                    case (4, 5): d.encoding = try r.i32()
                    case (5, 5): d.definitionLevelsByteLength = try r.i32()
                    case (6, 5): d.repetitionLevelsByteLength = try r.i32()
                    case (7, 1), (7, 2): d.isCompressed = r.boolValue(t2)
                    default: try r.skip(t2)
                    }
                }
                r.endStruct()
                h.dataPageV2 = d
            default: try r.skip(t)
            }
        }
        r.endStruct()
        guard h.type >= 0, h.uncompressedPageSize >= 0, h.compressedPageSize >= 0 else {
            throw ParquetError.corrupt("page header lacks type or sizes")
        }
        return h
    }
}

struct SchemaElement {
    var type: Int32?
    var typeLength: Int32?
    var repetition: Int32?
    var name: String
    var numChildren: Int32?
    var convertedType: Int32?
    var scale: Int32?
    var precision: Int32?
    var logicalType: LogicalType?

    func encode(_ w: inout ThriftCompactWriter) {
        w.pushStruct()
        if let type { w.i32(1, type) }
        if let typeLength { w.i32(2, typeLength) }
        if let repetition { w.i32(3, repetition) }
        w.string(4, name)
        if let numChildren { w.i32(5, numChildren) }
        if let convertedType { w.i32(6, convertedType) }
        if let scale { w.i32(7, scale) }
        if let precision { w.i32(8, precision) }
        if let lt = logicalType {
            w.beginStruct(10)
            switch lt {
            case .string: w.emptyStruct(1)
            case .map: w.emptyStruct(2)
            case .list: w.emptyStruct(3)
            case let .decimal(scale, precision): w.beginStruct(5); w.i32(1, scale); w.i32(2, precision); w.endStruct()
            case .date: w.emptyStruct(6)
            case let .timestamp(utc, unit), let .time(utc, unit):
                // TimeType is union member 7, TimestampType 8; both hold {isAdjustedToUTC, unit}.
                if case .time = lt { w.beginStruct(7) } else { w.beginStruct(8) }
                w.bool(1, utc)
                w.beginStruct(2); w.emptyStruct(unit == .millis ? 1 : unit == .micros ? 2 : 3); w.endStruct()
                w.endStruct()
            case let .integer(bits, signed): w.beginStruct(10); w.byte(1, bits); w.bool(2, signed); w.endStruct()
            case .json: w.emptyStruct(12)
            case .uuid: w.emptyStruct(14)
            default: break // never written by Inlet
            }
            w.endStruct()
        }
        w.endStruct()
    }

    static func decode(_ r: inout ThriftCompactReader) throws -> SchemaElement {
        var e = SchemaElement(name: "")
        try r.beginStruct()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, 5): e.type = try r.i32()
            case (2, 5): e.typeLength = try r.i32()
            case (3, 5): e.repetition = try r.i32()
            case (4, 8): e.name = try r.string()
            case (5, 5): e.numChildren = try r.i32()
            case (6, 5): e.convertedType = try r.i32()
            case (7, 5): e.scale = try r.i32()
            case (8, 5): e.precision = try r.i32()
            case (10, 12): e.logicalType = try decodeLogicalType(&r)
            default: try r.skip(t)
            }
        }
        r.endStruct()
        return e
    }

    private static func decodeTimeUnit(_ r: inout ThriftCompactReader) throws -> LogicalTimeUnit {
        var unit = LogicalTimeUnit.micros
        try r.beginStruct()
        while let (t, id) = try r.fieldHeader() {
            switch id { case 1: unit = .millis; case 2: unit = .micros; case 3: unit = .nanos; default: break }
            try r.skip(t)
        }
        r.endStruct()
        return unit
    }

    private static func decodeLogicalType(_ r: inout ThriftCompactReader) throws -> LogicalType? {
        var result: LogicalType?
        try r.beginStruct()
        while let (t, id) = try r.fieldHeader() {
            guard t == 12 else { try r.skip(t); continue }
            switch id {
            case 1: result = .string; try r.skip(t)
            case 2: result = .map; try r.skip(t)
            case 3: result = .list; try r.skip(t)
            case 4: result = .enumType; try r.skip(t)
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try r.beginStruct()
                while let (t2, id2) = try r.fieldHeader() {
                    switch (id2, t2) {
                    case (1, 5): scale = try r.i32()
                    case (2, 5): precision = try r.i32()
                    default: try r.skip(t2)
                    }
                }
                r.endStruct()
                result = .decimal(scale: scale, precision: precision)
            case 6: result = .date; try r.skip(t)
            case 7, 8:
                var utc = false, unit = LogicalTimeUnit.micros
                try r.beginStruct()
                while let (t2, id2) = try r.fieldHeader() {
                    switch (id2, t2) {
                    case (1, 1), (1, 2): utc = r.boolValue(t2)
                    case (2, 12): unit = try decodeTimeUnit(&r)
                    default: try r.skip(t2)
                    }
                }
                r.endStruct()
                result = id == 7 ? .time(utc: utc, unit: unit) : .timestamp(utc: utc, unit: unit)
            case 10:
                var bits: Int8 = 0, signed = true
                try r.beginStruct()
                while let (t2, id2) = try r.fieldHeader() {
                    switch (id2, t2) {
                    case (1, 3): bits = Int8(bitPattern: try r.u8())
                    case (2, 1), (2, 2): signed = r.boolValue(t2)
                    default: try r.skip(t2)
                    }
                }
                r.endStruct()
                result = .integer(bitWidth: bits, signed: signed)
            case 11: result = .unknownNull; try r.skip(t)
            case 12: result = .json; try r.skip(t)
            case 13: result = .bson; try r.skip(t)
            case 14: result = .uuid; try r.skip(t)
            case 15: result = .float16; try r.skip(t)
            default: result = .other(id); try r.skip(t)
            }
        }
        r.endStruct()
        return result
    }
}

struct PageEncodingStats { var pageType: Int32; var encoding: Int32; var count: Int32 }

struct ColumnMetaData {
    var type: Int32
    var encodings: [Int32]
    var pathInSchema: [String]
    var codec: Int32
    var numValues: Int64
    var totalUncompressedSize: Int64
    var totalCompressedSize: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?
    var statistics: Statistics?
    var encodingStats: [PageEncodingStats] = []

    func encode(_ w: inout ThriftCompactWriter) {
        w.i32(1, type)
        w.listHeader(2, .i32, count: encodings.count)
        for e in encodings { w.rawI32(e) }
        w.listHeader(3, .binary, count: pathInSchema.count)
        for p in pathInSchema { w.rawBinary(Array(p.utf8)) }
        w.i32(4, codec)
        w.i64(5, numValues)
        w.i64(6, totalUncompressedSize)
        w.i64(7, totalCompressedSize)
        w.i64(9, dataPageOffset)
        if let dictionaryPageOffset { w.i64(11, dictionaryPageOffset) }
        if let s = statistics { w.beginStruct(12); s.encode(&w); w.endStruct() }
        if !encodingStats.isEmpty {
            w.listHeader(13, .structure, count: encodingStats.count)
            for s in encodingStats {
                w.pushStruct(); w.i32(1, s.pageType); w.i32(2, s.encoding); w.i32(3, s.count); w.endStruct()
            }
        }
    }

    static func decode(_ r: inout ThriftCompactReader) throws -> ColumnMetaData {
        var m = ColumnMetaData(type: -1, encodings: [], pathInSchema: [], codec: 0, numValues: 0,
                               totalUncompressedSize: 0, totalCompressedSize: 0, dataPageOffset: -1)
        try r.beginStruct()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, 5): m.type = try r.i32()
            case (2, 9):
                let (_, n) = try r.listHeader()
                for _ in 0 ..< n { m.encodings.append(try r.i32()) }
            case (3, 9):
                let (_, n) = try r.listHeader()
                for _ in 0 ..< n { m.pathInSchema.append(try r.string()) }
            case (4, 5): m.codec = try r.i32()
            case (5, 6): m.numValues = try r.i64()
            case (6, 6): m.totalUncompressedSize = try r.i64()
            case (7, 6): m.totalCompressedSize = try r.i64()
            case (9, 6): m.dataPageOffset = try r.i64()
            case (11, 6): m.dictionaryPageOffset = try r.i64()
            case (12, 12): m.statistics = try Statistics.decode(&r)
            default: try r.skip(t)
            }
        }
        r.endStruct()
        return m
    }
}

struct ColumnChunk {
    var fileOffset: Int64
    var metaData: ColumnMetaData?
    var isEncrypted = false
    var filePath: String?

    func encode(_ w: inout ThriftCompactWriter) {
        w.pushStruct()
        w.i64(2, fileOffset)
        if let m = metaData { w.beginStruct(3); m.encode(&w); w.endStruct() }
        w.endStruct()
    }

    static func decode(_ r: inout ThriftCompactReader) throws -> ColumnChunk {
        var c = ColumnChunk(fileOffset: 0)
        try r.beginStruct()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, 8): c.filePath = try r.string()
            case (2, 6): c.fileOffset = try r.i64()
            case (3, 12): c.metaData = try ColumnMetaData.decode(&r)
            case (8, _), (9, _): c.isEncrypted = true; try r.skip(t)
            default: try r.skip(t)
            }
        }
        r.endStruct()
        return c
    }
}

struct RowGroup {
    var columns: [ColumnChunk]
    var totalByteSize: Int64
    var numRows: Int64
    var fileOffset: Int64?
    var totalCompressedSize: Int64?
    var ordinal: Int16?

    func encode(_ w: inout ThriftCompactWriter) {
        w.pushStruct()
        w.listHeader(1, .structure, count: columns.count)
        for c in columns { c.encode(&w) }
        w.i64(2, totalByteSize)
        w.i64(3, numRows)
        if let fileOffset { w.i64(5, fileOffset) }
        if let totalCompressedSize { w.i64(6, totalCompressedSize) }
        if let ordinal { w.i16(7, ordinal) }
        w.endStruct()
    }

    static func decode(_ r: inout ThriftCompactReader) throws -> RowGroup {
        var g = RowGroup(columns: [], totalByteSize: 0, numRows: -1)
        try r.beginStruct()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, 9):
                let (_, n) = try r.listHeader()
                for _ in 0 ..< n { g.columns.append(try ColumnChunk.decode(&r)) }
            case (2, 6): g.totalByteSize = try r.i64()
            case (3, 6): g.numRows = try r.i64()
            case (5, 6): g.fileOffset = try r.i64()
            case (6, 6): g.totalCompressedSize = try r.i64()
            default: try r.skip(t)
            }
        }
        r.endStruct()
        return g
    }
}

struct FileMetaData {
    var version: Int32
    var schema: [SchemaElement]
    var numRows: Int64
    var rowGroups: [RowGroup]
    var keyValueMetadata: [(key: String, value: String?)]
    var createdBy: String?
    var hasEncryptionAlgorithm = false

    func encode() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.i32(1, version)
        w.listHeader(2, .structure, count: schema.count)
        for e in schema { e.encode(&w) }
        w.i64(3, numRows)
        w.listHeader(4, .structure, count: rowGroups.count)
        for g in rowGroups { g.encode(&w) }
        if !keyValueMetadata.isEmpty {
            w.listHeader(5, .structure, count: keyValueMetadata.count)
            for kv in keyValueMetadata {
                w.pushStruct(); w.string(1, kv.key); if let v = kv.value { w.string(2, v) }; w.endStruct()
            }
        }
        if let createdBy { w.string(6, createdBy) }
        // column_orders: TYPE_DEFINED_ORDER for every leaf column (the elements with a physical type).
        let leaves = schema.reduce(0) { $0 + ($1.type == nil ? 0 : 1) }
        w.listHeader(7, .structure, count: leaves)
        for _ in 0 ..< leaves { w.pushStruct(); w.emptyStruct(1); w.endStruct() }
        w.stop()
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> FileMetaData {
        var r = ThriftCompactReader(bytes)
        var m = FileMetaData(version: 0, schema: [], numRows: -1, rowGroups: [], keyValueMetadata: [])
        try r.beginStruct()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, 5): m.version = try r.i32()
            case (2, 9):
                let (_, n) = try r.listHeader()
                for _ in 0 ..< n { m.schema.append(try SchemaElement.decode(&r)) }
            case (3, 6): m.numRows = try r.i64()
            case (4, 9):
                let (_, n) = try r.listHeader()
                for _ in 0 ..< n { m.rowGroups.append(try RowGroup.decode(&r)) }
            case (5, 9):
                let (_, n) = try r.listHeader()
                for _ in 0 ..< n {
                    var key = "", value: String?
                    try r.beginStruct()
                    while let (t2, id2) = try r.fieldHeader() {
                        switch (id2, t2) {
                        case (1, 8): key = try r.string()
                        case (2, 8): value = try r.string()
                        default: try r.skip(t2)
                        }
                    }
                    r.endStruct()
                    m.keyValueMetadata.append((key, value))
                }
            case (6, 8): m.createdBy = try r.string()
            case (8, _): m.hasEncryptionAlgorithm = true; try r.skip(t)
            default: try r.skip(t)
            }
        }
        r.endStruct()
        guard !m.schema.isEmpty, m.numRows >= 0 else { throw ParquetError.corrupt("footer lacks a schema or row count") }
        return m
    }
}
