// Replaced once CSV reading and inference land.
func runCSVReadBench(_ args: [String]) throws { fatalError("csv-read benchmark not built yet") }
