#!/usr/bin/env python3
"""The API benchmark's peer: dlt's rest_api source, cursor pages of the emulator's /records,
into the filesystem destination as Parquet. Usage: bench_api_dlt.py BASE_URL OUT_DIR"""
import os, sys, tempfile

import dlt
from dlt.sources.rest_api import rest_api_source

base_url, out = sys.argv[1], sys.argv[2]
source = rest_api_source({
    "client": {"base_url": base_url},
    "resources": [{
        "name": "records",
        "endpoint": {
            "path": "records",
            "data_selector": "data",
            "paginator": {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"},
        },
    }],
})
pipeline = dlt.pipeline(pipeline_name="inlet_bench_api", pipelines_dir=tempfile.mkdtemp(prefix="dlt-"),
                        destination=dlt.destinations.filesystem(bucket_url=os.path.abspath(out)), dataset_name="bench")
info = pipeline.run(source, loader_file_format="parquet")
print(pipeline.last_trace.last_normalize_info.row_counts.get("records", 0))
