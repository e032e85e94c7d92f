"""Benchmark inputs: large MetaMathQA-format files made by replicating the samples.

The 400K-row figure matches the real MetaMathQA (395K rows).  Rows are replicated in
order; each copy gets its own row index, hence its own RNG and its own corruption.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pairgen.loading import sample_path
from pairgen.sources import get_source

DEFAULT_ROWS = 400_000


def metamath_rows(n: int = DEFAULT_ROWS, directory: Path = Path("/tmp/pairgen-bench")) -> Path:
    """A Parquet file of ``n`` MetaMathQA rows (cached by row count)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"metamath-{n}.parquet"
    if path.is_file():
        return path
    source = get_source("metamath")
    lines = sample_path(source, "default", "train").read_text(encoding="utf-8").splitlines()
    samples = [json.loads(line) for line in lines if line.strip()]
    columns = list(samples[0])
    writer = pq.ParquetWriter(
        path.with_suffix(".partial"), pa.schema([(c, pa.string()) for c in columns])
    )
    chunk = 50_000
    for start in range(0, n, chunk):
        rows = [samples[i % len(samples)] for i in range(start, min(n, start + chunk))]
        writer.write_table(pa.Table.from_pylist(rows, schema=writer.schema))
    writer.close()
    path.with_suffix(".partial").rename(path)
    return path
