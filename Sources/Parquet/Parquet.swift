// Placeholder until the Parquet layer lands.
