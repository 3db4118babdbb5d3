/// The enums of parquet.thrift, as the raw integers stored in the file.
enum PhysicalType: Int32 {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
}

enum Encoding: Int32 {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
    case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
}

enum CompressionCodec: Int32 {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7
}

enum PageType: Int32 { case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3 }

enum Repetition: Int32 { case required = 0, optional = 1, repeated = 2 }

/// Legacy ConvertedType values still read by older engines.
enum ConvertedType: Int32 {
    case utf8 = 0, map = 1, mapKeyValue = 2, list = 3, enumType = 4, decimal = 5, date = 6
    case timeMillis = 7, timeMicros = 8, timestampMillis = 9, timestampMicros = 10
    case uint8 = 11, uint16 = 12, uint32 = 13, uint64 = 14, int8 = 15, int16 = 16, int32 = 17, int64 = 18
    case json = 19, bson = 20, interval = 21
}

/// The LogicalType union, reduced to what a reader needs to know.
enum LogicalType: Equatable {
    case string, map, list, enumType, json, bson, uuid, float16, unknownNull
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(utc: Bool, unit: LogicalTimeUnit)
    case timestamp(utc: Bool, unit: LogicalTimeUnit)
    case integer(bitWidth: Int8, signed: Bool)
    case other(Int16)
}

enum LogicalTimeUnit: Equatable { case millis, micros, nanos }
