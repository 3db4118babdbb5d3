// Replaced by the Parquet layer's benchmark.
func runParquetWriteBench(_ args: [String]) throws { fatalError("parquet-write benchmark not built yet") }
