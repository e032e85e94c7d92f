"""Benchmark inputs: large MetaMathQA-format files made by replicating rows.

The 400K-row figure matches the real MetaMathQA (395K rows).  Rows are replicated in
order; each copy gets its own row index, hence its own RNG and its own corruption.  The
default rows are the bundled samples (36 distinct solutions, so the text compresses far
better than real data); ``gsm8k`` names a local GSM8K JSONL (the real train split has
7,473 distinct solutions), each row written the way MetaMathQA writes its GSM_ rows:
the solution without calculator annotations, then ``The answer is: X``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pairgen.output.files import file_sha256
from pairgen.sources import get_source
from pairgen.sources.inputs import sample_path
from pairgen.strategies.arithmetic.strategy import strip_annotations

DEFAULT_ROWS = 400_000


def metamath_rows(
    n: int = DEFAULT_ROWS,
    directory: Path = Path("/tmp/pairgen-bench"),
    gsm8k: Path | None = None,
) -> Path:
    """A Parquet file of ``n`` MetaMathQA rows (cached by row count and origin)."""
    directory.mkdir(parents=True, exist_ok=True)
    origin = "" if gsm8k is None else f"-gsm8k-{file_sha256(gsm8k)[:12]}"
    path = directory / f"metamath-{n}{origin}.parquet"
    if path.is_file():
        return path
    samples = sample_rows() if gsm8k is None else gsm8k_as_metamath(gsm8k)
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


def sample_rows() -> list[dict[str, str]]:
    """The bundled MetaMathQA sample rows."""
    source = get_source("metamath")
    lines = sample_path(source, "default", "train").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def gsm8k_as_metamath(path: Path) -> list[dict[str, str]]:
    """GSM8K rows in MetaMathQA's schema, as its GSM_AnsAug rows are written."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        solution = strip_annotations(row["answer"])
        final = solution.rsplit("####", 1)[-1].strip()
        rows.append(
            {
                "query": row["question"],
                "response": f"{solution}\nThe answer is: {final}",
                "type": "GSM_AnsAug",
                "original_question": row["question"],
            }
        )
    return rows
