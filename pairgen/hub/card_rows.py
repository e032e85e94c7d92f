"""What a card shows of the data itself: an example instance and the data-fields table.

The example is a real row, the first pair of each source's first declared split, read
back from its shard (one batch, not the whole file); long texts are cut in the middle so
that a few-shot prompt does not fill the page.  The fields table takes each column's type from
the shard's own schema and its meaning from :data:`pairgen.record.COLUMN_DESCRIPTIONS`,
so the card cannot describe a column the shards do not have.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pairgen.output.files import listed_file
from pairgen.output.manifest import Manifest
from pairgen.record import COLUMN_DESCRIPTIONS, MESSAGE_TYPE

# Characters of a text cell the example shows before cutting it.
EXAMPLE_TEXT_CHARS = 300


def example_rows(
    out: Path, manifest: Manifest, declared: dict[str, list[str]]
) -> list[dict[str, str]]:
    """One example per source: ``config``, ``split`` and the row as indented JSON."""
    examples: list[dict[str, str]] = []
    seen: set[str] = set()
    for config, splits in declared.items():
        entry = manifest.configs[config]
        if entry.source in seen:
            continue
        seen.add(entry.source)
        split = splits[0]
        row = _first_row(listed_file(out, entry.splits[split].shards[0].path))
        text = json.dumps(_shorten(row), ensure_ascii=False, indent=2, default=str)
        examples.append({"source": entry.source, "config": config, "split": split, "json": text})
    return examples


def data_fields(
    out: Path,
    manifest: Manifest,
    declared: dict[str, list[str]],
    values: dict[str, str] | None = None,
) -> list[dict[str, str]]:
    """``name``, ``type`` and ``description`` of every column, in the shards' order;
    ``values`` adds what a column holds in this build (``source``: the sources' names)."""
    values = values or {}
    config, splits = next(iter(declared.items()))
    shard = manifest.configs[config].splits[splits[0]].shards[0].path
    schema = pq.read_schema(listed_file(out, shard))
    return [
        {
            "name": field.name,
            "type": _type_name(field.type),
            "description": COLUMN_DESCRIPTIONS.get(field.name, "")
            + (f"; here: {values[field.name]}" if field.name in values else ""),
        }
        for field in schema
    ]


def _first_row(path: Path) -> dict[str, Any]:
    parquet = pq.ParquetFile(path)
    batch = next(parquet.iter_batches(batch_size=1))
    rows: list[dict[str, Any]] = batch.to_pylist()
    return rows[0]


def _shorten(value: Any) -> Any:
    """``value`` with every string over :data:`EXAMPLE_TEXT_CHARS` cut in the middle.

    The middle, because both ends matter: a few-shot prompt ends with the question the
    pair answers, and a completion ends with its final answer.
    """
    if isinstance(value, str) and len(value) > EXAMPLE_TEXT_CHARS:
        head, tail = EXAMPLE_TEXT_CHARS * 2 // 5, EXAMPLE_TEXT_CHARS * 3 // 5
        cut = len(value) - head - tail
        return f"{value[:head]} … [{cut:,} characters cut] … {value[-tail:]}"
    if isinstance(value, dict):
        return {key: _shorten(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shorten(item) for item in value]
    return value


def _type_name(kind: pa.DataType) -> str:
    if kind == MESSAGE_TYPE:
        return "list of {role, content} messages"
    return "string" if pa.types.is_string(kind) or pa.types.is_large_string(kind) else str(kind)


__all__ = ["EXAMPLE_TEXT_CHARS", "data_fields", "example_rows"]
