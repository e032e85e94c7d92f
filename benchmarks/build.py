"""Build throughput: pairs/s, peak RSS, and the ratio to an I/O-only baseline.

    python benchmarks/build.py [--rows 400000] [--workers 2] [--repeat 3] [--gsm8k train.jsonl]

The baseline reads the same input with pyarrow and writes the same output columns with
the same Parquet settings, with no pair making and no statistics: the floor any build
of this data has to pay.  The pipeline floor is the same build with a strategy that
does no work (``_floor.py``): what reading rows into examples, prompts, ids, statistics,
Arrow conversion, workers and writing cost before any pair making.

Everything runs in this process on this machine, one measurement after the other, each
after one untimed warm-up: the first run in a process pays for growing Arrow's memory
pool (page faults on ~300 MiB), which is 0.4 s of a 0.3 s baseline, so timing the
baseline cold and the build warm (as an earlier version of this script did) understates
the ratio 2-3x.  Each figure is the median of ``--repeat`` runs; peak RSS is the highest.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline import build
from pairgen.pipeline.writer import SplitWriter
from pairgen.record import PAIR_SCHEMA

from _data import DEFAULT_ROWS, metamath_rows
from _floor import register as register_floor_strategy
from _measure import Measurement, timed


def io_baseline(source: Path, out: Path) -> int:
    """Read the input, write rows of the pair schema copied from it, no pairing."""
    writer = SplitWriter(out, "metamath", "train", PAIR_SCHEMA)
    rows = 0
    for batch in pq.ParquetFile(source).iter_batches(batch_size=4096):
        writer.write(copy_into_pair_schema(batch))
        rows += batch.num_rows
    writer.close()
    return rows


def copy_into_pair_schema(batch: pa.RecordBatch) -> pa.Table:
    """Text columns from the input, constant provenance and statistics columns."""
    n = batch.num_rows
    text = {
        "prompt": batch.column("query"),
        "chosen": batch.column("response"),
        "rejected": batch.column("response"),
    }
    columns = {}
    for field in PAIR_SCHEMA:
        if field.name in text:
            columns[field.name] = text[field.name]
        elif field.nullable:
            columns[field.name] = pa.nulls(n, field.type)
        else:
            value = "x" if pa.types.is_string(field.type) else 0
            columns[field.name] = pa.array([value] * n, type=field.type)
    return pa.Table.from_pydict(columns, schema=PAIR_SCHEMA)


def repeated(fn: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    """One untimed warm-up, then ``repeat`` runs: (last value, median s, peak RSS MiB)."""
    fn()
    runs: list[Measurement] = []
    value = None
    for _ in range(repeat):
        value, run = timed(fn)
        runs.append(run)
    return (
        value,
        statistics.median(r.seconds for r in runs),
        max(r.peak_rss_mib for r in runs),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tokenizer", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--gsm8k",
        type=Path,
        default=None,
        help="replicate this local GSM8K JSONL (distinct real text) instead of the samples",
    )
    args = parser.parse_args()

    source = metamath_rows(args.rows, gsm8k=args.gsm8k)
    work = Path(tempfile.mkdtemp(prefix="pairgen-bench-"))

    def spec(strategy: str | None = None) -> BuildSpec:
        files = {"train": [str(source)]}
        return BuildSpec(
            out=work / "build",
            sources=(SourceSpec("metamath", backend="files", data_files=files, strategy=strategy),),
            workers=args.workers,
            tokenizer=args.tokenizer,
        )

    floor_spec = spec(register_floor_strategy())
    try:
        rows, base_s, base_rss = repeated(
            lambda: io_baseline(source, work / "baseline"), args.repeat
        )
        _, floor_s, floor_rss = repeated(lambda: build(floor_spec), args.repeat)
        manifest, run_s, run_rss = repeated(lambda: build(spec()), args.repeat)
        split = manifest["configs"]["metamath"]["splits"]["train"]
        pairs = split["pairs"]
        print(f"input rows            {rows:>12,}   (median of {args.repeat} warm runs each)")
        print(
            f"pairs                 {pairs:>12,}   rejects {split['rows_rejected']:,} {split['rejects_by_reason']}"
        )
        print(
            f"I/O baseline          {base_s:>12.2f} s   {rows / base_s:,.0f} rows/s   peak RSS {base_rss:,.0f} MiB"
        )
        print(
            f"pipeline floor ({args.workers}w)   {floor_s:>12.2f} s   {rows / floor_s:,.0f} rows/s   peak RSS {floor_rss:,.0f} MiB   (no-op strategy)"
        )
        print(
            f"pairgen build ({args.workers}w)    {run_s:>12.2f} s   {pairs / run_s:,.0f} pairs/s   peak RSS {run_rss:,.0f} MiB"
        )
        print(
            f"ratio to baseline     {run_s / base_s:>12.2f} x   (pipeline floor {floor_s / base_s:.2f} x)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
