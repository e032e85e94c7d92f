"""Query and validate speed on a large build, with polars on the same shards for scale.

    python benchmarks/query.py [--rows 400000] [--workers 2] [--repeat 5]

Builds (once, cached under /tmp/pairgen-bench) a MetaMathQA-format input of ``--rows``
rows replicated from the bundled sample and its pairgen build, then times, in this
process, one after the other:

- the summary query of the issue (``count(*)``, ``avg(norm_edit_distance)`` per
  source/split) and ``pairgen stats``' full summary (median, p90, distinct rows, reject
  join) through :func:`pairgen.query.catalog.open_catalog`, catalog creation included;
- the same two aggregations with a polars lazy scan of the same shards;
- :func:`pairgen.validate.run.validate_output` on the whole build (checksums, statistics
  recomputed from the text, every invariant), as pairs per second.

Query timings are the median of ``--repeat`` runs after one warm-up (the page cache is
warm for every engine alike); validate runs once.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.output.manifest import MANIFEST_NAME
from pairgen.pipeline import build
from pairgen.query.catalog import SUMMARY_SQL, open_catalog, run_query, shard_files
from pairgen.validate.run import validate_output

from _data import DEFAULT_ROWS, metamath_rows
from _measure import timed

ISSUE_SQL = "SELECT source, split, count(*), avg(norm_edit_distance) FROM pairs GROUP BY ALL"


def built_output(rows: int, workers: int, directory: Path = Path("/tmp/pairgen-bench")) -> Path:
    """The pairgen build of the ``rows``-row MetaMath input (built once, then reused)."""
    out = directory / f"query-out-{rows}"
    if (out / MANIFEST_NAME).is_file():
        return out
    source = SourceSpec(
        source="metamath", backend="files", data_files={"train": [str(metamath_rows(rows))]}
    )
    build(BuildSpec(out=out, sources=(source,), workers=workers))
    return out


def median_seconds(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up: imports, page cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def duckdb_query(out: Path, sql: str) -> Callable[[], Any]:
    def run() -> Any:
        con = open_catalog(out)
        try:
            return run_query(con, sql)
        finally:
            con.close()

    return run


def polars_issue(shards: list[str]) -> Callable[[], Any]:
    def run() -> Any:
        return (
            pl.scan_parquet(shards)
            .group_by("source", "split")
            .agg(pl.len(), pl.col("norm_edit_distance").mean())
            .collect()
        )

    return run


def polars_summary(shards: list[str], rejects: list[str]) -> Callable[[], Any]:
    def run() -> Any:
        keys = ["source", "config", "split"]
        ned = pl.col("norm_edit_distance")
        pairs = (
            pl.scan_parquet(shards)
            .group_by(keys)
            .agg(
                pl.len().alias("pairs"),
                pl.col("source_id").n_unique().alias("rows_paired"),
                ned.mean().alias("ned_mean"),
                ned.median().alias("ned_median"),
                ned.quantile(0.9, interpolation="linear").alias("ned_p90"),
                (pl.col("chosen_chars") - pl.col("common_prefix_chars") - 1)
                .clip(0)
                .mean()
                .alias("chars_after_diff_mean"),
                pl.col("tokens_after_first_diff").mean().alias("tokens_after_diff_mean"),
                pl.col("tokens_after_first_diff").median().alias("tokens_after_diff_median"),
            )
        )
        counts = pl.scan_parquet(rejects).group_by(keys).agg(pl.len().alias("rejects"))
        return pairs.join(counts, on=keys, how="full", coalesce=True).sort(keys).collect()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument(
        "--workers", type=int, default=2, help="build workers (the build is cached)"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    out = built_output(args.rows, args.workers)
    pair_paths, reject_paths = shard_files(out)
    shards, rejects = [str(p) for p in pair_paths], [str(p) for p in reject_paths]
    pairs = int(run_query(open_catalog(out), "SELECT count(*) AS n FROM pairs")["n"][0].as_py())
    results: dict[str, Any] = {"rows_in": args.rows, "pairs": pairs, "shards": len(shards)}
    results["duckdb_issue_query_seconds"] = median_seconds(
        duckdb_query(out, ISSUE_SQL), args.repeat
    )
    results["duckdb_summary_query_seconds"] = median_seconds(
        duckdb_query(out, SUMMARY_SQL), args.repeat
    )
    results["polars_issue_query_seconds"] = median_seconds(polars_issue(shards), args.repeat)
    results["polars_summary_query_seconds"] = median_seconds(
        polars_summary(shards, rejects), args.repeat
    )
    report, measurement = timed(lambda: validate_output(out))
    if not report.ok:
        raise SystemExit(f"the benchmark build is not valid: {report.violations[:3]}")
    results["validate_seconds"] = measurement.seconds
    results["validate_pairs_per_s"] = report.pairs_checked / measurement.seconds
    results["validate_peak_rss_mib"] = measurement.peak_rss_mib

    print(f"{pairs:,} pairs in {len(shards)} shard(s) from {args.rows:,} rows: {out}")
    for key, value in results.items():
        if key.endswith("_seconds"):
            print(f"  {key:<28} {value * 1000:10.1f} ms")
        elif isinstance(value, float):
            print(f"  {key:<28} {value:12,.0f}")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
