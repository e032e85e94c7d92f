"""DuckDB over a build's shards: the ``pairs`` and ``rejects`` views and query helpers.

DuckDB runs in-process and reads the Parquet shards where they lie, so a query never
copies them.  The connection is restricted (:mod:`pairgen.query.sandbox`): it reads the
files the views cover and nothing else, and writes nothing (only ``--db FILE`` writes a
file, a DuckDB catalog holding the two views for other tools to open);
``unrestricted=True`` gives DuckDB's full powers back.

What the views cover:

- a local build (``OUT/manifest.json`` present): exactly the shards and rejects files
  the manifest lists, so a stray file in ``data/`` never leaks into a query and a
  missing shard is a clear error instead of a silently smaller answer;
- a directory of Hub-layout shards without a manifest: ``data/*/*.parquet`` and
  ``rejects/*/*.parquet``;
- ``hf://datasets/ORG/NAME``: the same globs on the Hub, read by DuckDB's ``httpfs``
  (needs network; a clear error when there is none).  Restricted, such a connection
  reads under ``hf://datasets/ORG/NAME/`` only.

Every file a local view reads must be a regular file inside the output folder: a
manifest path with ``..`` or a symlinked shard is refused, never followed.

Every shard already carries ``source``, ``config`` and ``split`` columns, so
``GROUP BY source, config, split`` works on ``pairs`` and ``rejects`` alike.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pairgen.config.source_settings import kept_columns
from pairgen.errors import PairgenError, whole_message
from pairgen.output.files import listed_file
from pairgen.output.manifest import DATA_DIR, MANIFEST_NAME, REJECTS_DIR, STATE_DIR, read_manifest
from pairgen.query.sandbox import check_statements, explain, is_restricted, restrict
from pairgen.record import REJECT_SCHEMA, pair_schema

HUB_PREFIX = "hf://"

# The per source/config/split summary of ``pairgen stats`` (and of benchmarks/query.py).
# "after diff" = units of the chosen completion after its first differing one
# (``tokens_after_first_diff``; in characters ``chosen_chars - common_prefix_chars - 1``).
# A full join keeps splits that have rejects but no pairs (HellaSwag's unlabeled test).
SUMMARY_SQL = """
WITH p AS (
    SELECT source, config, split,
           count(*) AS pairs,
           count(DISTINCT source_id) AS rows_paired,
           avg(norm_edit_distance) AS ned_mean,
           median(norm_edit_distance) AS ned_median,
           quantile_cont(norm_edit_distance, 0.9) AS ned_p90,
           avg(greatest(chosen_chars - common_prefix_chars - 1, 0)) AS chars_after_diff_mean,
           avg(tokens_after_first_diff) AS tokens_after_diff_mean,
           median(tokens_after_first_diff) AS tokens_after_diff_median
    FROM pairs GROUP BY ALL
), r AS (
    SELECT source, config, split, count(*) AS rejects FROM rejects GROUP BY ALL
)
SELECT source, config, split,
       coalesce(pairs, 0) AS pairs,
       coalesce(rows_paired, 0) AS rows_paired,
       coalesce(rejects, 0) AS rejects,
       ned_mean, ned_median, ned_p90,
       chars_after_diff_mean, tokens_after_diff_mean, tokens_after_diff_median
FROM p FULL OUTER JOIN r USING (source, config, split)
ORDER BY source, config, split
"""
_DUCKDB_SCALARS = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.float64(): "DOUBLE",
}


def is_hub_target(target: str | Path) -> bool:
    return str(target).startswith(HUB_PREFIX)


def shard_files(out: Path) -> tuple[list[Path], list[Path]]:
    """The pair shards and rejects files of a local output, in manifest order.

    Without a manifest, every Parquet file under ``data/`` and ``rejects/`` (sorted).
    Each one is a regular file inside ``out`` (:func:`~pairgen.output.files.regular_file_inside`).
    """
    if not out.is_dir():
        raise PairgenError("not a directory", file=str(out))
    if not (out / MANIFEST_NAME).is_file():
        if os.path.lexists(out / STATE_DIR):  # pairgen was writing here and did not finish
            read_manifest(out)  # raises: "not a finished pairgen build output"
        pair_paths = [
            p.relative_to(out).as_posix() for p in sorted(out.glob(f"{DATA_DIR}/*/*.parquet"))
        ]
        if not pair_paths:
            raise PairgenError("no manifest.json and no data/*/*.parquet shards", file=str(out))
        reject_paths = [
            p.relative_to(out).as_posix() for p in sorted(out.glob(f"{REJECTS_DIR}/*/*.parquet"))
        ]
        return _inside(out, pair_paths), _inside(out, reject_paths)
    splits = [info for _, _, info in read_manifest(out).splits()]
    pairs = [shard.path for info in splits for shard in info.shards]
    return _inside(out, pairs), _inside(out, [info.rejects.path for info in splits])


def _inside(out: Path, paths: list[str]) -> list[Path]:
    return [listed_file(out, path) for path in paths]


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _parquet_source(paths: Sequence[str]) -> str:
    listed = ", ".join(_sql_string(p) for p in paths)
    return f"read_parquet([{listed}], union_by_name = true)"


def _duckdb_type(arrow_type: pa.DataType) -> str:
    """The DuckDB spelling of a shard column's Arrow type (messages: a list of structs)."""
    if pa.types.is_list(arrow_type):
        return f"{_duckdb_type(arrow_type.value_type)}[]"
    if pa.types.is_struct(arrow_type):
        fields = ", ".join(f"{f.name} {_duckdb_type(f.type)}" for f in arrow_type)
        return f"STRUCT({fields})"
    return _DUCKDB_SCALARS[arrow_type]


def _empty_sql(schema: pa.Schema) -> str:
    """A typed, empty relation: a view over no files (a build whose every split was
    rejected writes no shard; one with no rejects has no rejects files)."""
    columns = ", ".join(f"CAST(NULL AS {_duckdb_type(f.type)}) AS {f.name}" for f in schema)
    return f"SELECT {columns} WHERE false"


def _empty_rejects_sql() -> str:
    return _empty_sql(REJECT_SCHEMA)


def _empty_pairs_sql(out: Path) -> str:
    """No pair shards at all: the columns the build's shards would have had."""
    manifest = read_manifest(out)
    kept = [k for entry in manifest.configs.values() for k in kept_columns(entry.source_settings)]
    return _empty_sql(pair_schema(manifest.format == "conversational", list(dict.fromkeys(kept))))


def view_sources(target: str | Path) -> tuple[str, str]:
    """``SELECT`` statements for the ``pairs`` and ``rejects`` views of ``target``."""
    return _views(target)[:2]


def _views(target: str | Path) -> tuple[str, str, list[str], list[str]]:
    """The two view statements, the files they read and the prefixes (Hub) they read under."""
    if is_hub_target(target):
        base = str(target).rstrip("/")
        return (
            f"SELECT * FROM {_parquet_source([base + '/data/*/*.parquet'])}",
            f"SELECT * FROM {_parquet_source([base + '/rejects/*/*.parquet'])}",
            [],
            [base + "/"],
        )
    pairs, rejects = shard_files(Path(target))
    pair_paths = [str(p.resolve()) for p in pairs]
    reject_paths = [str(p.resolve()) for p in rejects]
    pairs_sql = (
        f"SELECT * FROM {_parquet_source(pair_paths)}" if pairs else _empty_pairs_sql(Path(target))
    )
    rejects_sql = (
        f"SELECT * FROM {_parquet_source(reject_paths)}" if rejects else _empty_rejects_sql()
    )
    return pairs_sql, rejects_sql, pair_paths + reject_paths, []


def open_catalog(
    target: str | Path, db: Path | None = None, *, unrestricted: bool = False
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the views ``pairs`` and ``rejects`` over ``target``.

    ``target`` is a build output directory or ``hf://datasets/ORG/NAME``.  With ``db``
    the views are stored in that DuckDB file (created or updated) so other tools can open
    it; otherwise the catalog lives in memory.  Unless ``unrestricted``, the connection
    can read the files behind the views and nothing else, and write no file
    (:mod:`pairgen.query.sandbox`).
    """
    pairs_sql, rejects_sql, paths, prefixes = _views(target)
    try:
        con = duckdb.connect(str(db) if db is not None else ":memory:")
    except duckdb.Error as exc:
        raise PairgenError(
            f"cannot open DuckDB catalog: {whole_message(exc)}", file=str(db)
        ) from exc
    try:
        con.execute(f"CREATE OR REPLACE VIEW pairs AS {pairs_sql}")
    except duckdb.Error as exc:
        con.close()
        hint = " (hf:// needs network access to the Hub)" if is_hub_target(target) else ""
        raise PairgenError(
            f"cannot read shards{hint}: {whole_message(exc)}", file=str(target)
        ) from exc
    try:
        con.execute(f"CREATE OR REPLACE VIEW rejects AS {rejects_sql}")
    except duckdb.Error as exc:
        if not is_hub_target(target):
            con.close()
            raise PairgenError(
                f"cannot read rejects: {whole_message(exc)}", file=str(target)
            ) from exc
        # A published dataset need not carry its rejects: an empty view keeps queries valid.
        con.execute(f"CREATE OR REPLACE VIEW rejects AS {_empty_rejects_sql()}")
    if not unrestricted:
        # After the views: creating them loads httpfs for an hf:// target, which a
        # restricted connection could no longer do.
        restrict(con, paths, prefixes)
    return con


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """Run ``sql`` (several statements allowed; the last one's result is returned).

    On a restricted connection, statements that write files or reach outside the
    database are refused before anything runs.
    """
    if is_restricted(con):
        check_statements(sql)
    try:
        relation = con.sql(sql)
        return pa.table({}) if relation is None else relation.to_arrow_table()
    except duckdb.Error as exc:
        raise PairgenError(f"query failed: {explain(exc)}") from exc


def _plain(value: Any) -> Any:
    """A cell as CSV text: nested values (conversational messages) as JSON."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def to_csv(table: pa.Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in rows_by_position(table):
        writer.writerow([_plain(v) for v in row])
    return buffer.getvalue()


def rows_by_position(table: pa.Table) -> list[tuple[Any, ...]]:
    """Rows as tuples in column order: a result may repeat a column name (a self-join)."""
    columns = [column.to_pylist() for column in table.columns]
    return list(zip(*columns, strict=True)) if columns else []


def to_json(table: pa.Table) -> str:
    """The rows as a JSON array of objects (dates and decimals as strings)."""
    names = unique_names(table.column_names)
    rows = [dict(zip(names, row, strict=True)) for row in rows_by_position(table)]
    return json.dumps(rows, ensure_ascii=False, default=str, indent=1) + "\n"


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique for JSON keys: a repeated ``id`` becomes ``id_2``."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return result


__all__ = [
    "SUMMARY_SQL",
    "is_hub_target",
    "open_catalog",
    "run_query",
    "shard_files",
    "to_csv",
    "to_json",
    "view_sources",
]
