"""Doctoring a build the way a careful tamperer (or a buggy tool) would, for validate's tests.

A plain module, not conftest.py, so the test files of this folder import it by a name no
other test folder uses.  :func:`rewrite_shard` rewrites one shard and updates what the
manifest says about it (checksum, size, rows, and unless told otherwise the split's
``rows_sha256``), so only the checks under test can notice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pairgen.errors import PairgenError
from pairgen.metrics import edit_stats
from pairgen.output.digest import rows_sha256
from pairgen.output.files import file_sha256, write_json_atomically
from pairgen.output.manifest import Manifest, parse_as, read_manifest_json
from pairgen.pipeline.writer import parquet_writer
from pairgen.validate.rows import CHAR_COLUMNS


def rewrite_shard(
    out: Path, shard: str, edit: Callable[[pa.Table], pa.Table], digest: bool = True
) -> None:
    """Rewrite a shard through ``edit`` and record its new checksum, size and row count in
    the manifest; with ``digest`` also the split's new ``rows_sha256``."""
    path = out / shard
    table = edit(pq.read_table(path))
    writer = parquet_writer(path, table.schema)
    writer.write_table(table)
    writer.close()
    manifest = read_manifest_json(out)
    for info in split_entries(manifest):
        listed = [s for s in info["shards"] if s["path"] == shard]
        for entry in listed:
            entry.update(sha256=file_sha256(path), bytes=path.stat().st_size, rows=table.num_rows)
        if listed:
            info["pairs"] = sum(s["rows"] for s in info["shards"])
            if digest:
                info["rows_sha256"] = recomputed_digest(out, info)
    write_json_atomically(out / "manifest.json", manifest)


def edit_manifest(
    out: Path, edit: Callable[[dict[str, Any]], None], *, rehash: bool = True
) -> None:
    """Apply ``edit`` to the manifest; with ``rehash``, its config_hash is recomputed so the
    manifest stays self-consistent (a tamper that also covers its tracks) and the checks
    below the manifest reader are what is tested."""
    manifest = read_manifest_json(out)
    edit(manifest)
    if rehash:
        try:
            typed = parse_as(Manifest, manifest)
            manifest["config_hash"] = typed.computed_config_hash()
        except (PairgenError, AttributeError, TypeError, KeyError):
            pass  # a malformed manifest: the reader's refusal is what is tested
    write_json_atomically(out / "manifest.json", manifest)


def split_entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [info for entry in manifest["configs"].values() for info in entry["splits"].values()]


def recomputed_digest(out: Path, info: dict[str, Any]) -> str:
    return rows_sha256([pq.read_table(out / s["path"]) for s in info["shards"]])


def set_cell(table: pa.Table, column: str, row: int, value: object) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    return set_values(table, column, values)


def set_values(table: pa.Table, column: str, values: list[Any]) -> pa.Table:
    index = table.schema.get_field_index(column)
    field = table.schema.field(index)
    return table.set_column(index, field, pa.array(values, field.type))


def with_recomputed_char_stats(table: pa.Table) -> pa.Table:
    """The table with its character statistics made consistent with its (edited) text."""
    stats = edit_stats(table.column("chosen").to_pylist(), table.column("rejected").to_pylist())
    for column, attribute in CHAR_COLUMNS.items():
        table = set_values(table, column, getattr(stats, attribute).tolist())
    return set_values(table, "edit_start", stats.common_prefix.tolist())
