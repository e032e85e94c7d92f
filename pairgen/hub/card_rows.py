"""What a card shows of the data itself: an example instance, the data-fields table and the
distribution of ``edit_kind``.

The example is a real row, the first pair of each source's first declared split, read
back from its shard (one batch, not the whole file); long texts are cut in the middle so
that a few-shot prompt does not fill the page.  The fields table takes each column's type from
the shard's own schema and its meaning from :data:`pairgen.record.COLUMN_DESCRIPTIONS`,
so the card cannot describe a column the shards do not have.  The ``edit_kind`` counts
(which kind of site each pair edits: ``result``, ``standalone``, ``carried`` for the math
strategy, ``result`` for the arithmetic one, ``choice``) are read from every shard of
every split, so a reader sees how many pairs of a carried-tier build edit an operand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pairgen.hub.reproduce import ordered_splits
from pairgen.output.files import listed_file
from pairgen.output.manifest import Manifest
from pairgen.record import COLUMN_DESCRIPTIONS, MESSAGE_TYPE

# Characters of a text cell the example shows before cutting it.
EXAMPLE_TEXT_CHARS = 300
# The order the card lists the kinds in (pairgen's own first, then others by name); a pair
# of a plugin strategy that names no kind is counted as ``none``.
EDIT_KIND_ORDER = ("result", "standalone", "carried", "choice")
NO_KIND = "none"


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


def edit_kind_rows(out: Path, manifest: Manifest) -> list[dict[str, Any]]:
    """``config``, ``split``, ``kind``, ``pairs`` and ``share`` of every kind of edit in
    every split with pairs, in the card's config and split order and
    :data:`EDIT_KIND_ORDER`; none for a build whose shards have no ``edit_kind`` column."""
    rows: list[dict[str, Any]] = []
    for config, entry in manifest.configs.items():
        for split in ordered_splits(entry):
            info = entry.splits[split]
            counts: dict[str, int] = {}
            for shard in info.shards:
                path = listed_file(out, shard.path)
                if "edit_kind" not in pq.read_schema(path).names:
                    return []
                column = pq.read_table(path, columns=["edit_kind"]).column("edit_kind")
                for kind in column.to_pylist():
                    key = NO_KIND if kind is None else str(kind)
                    counts[key] = counts.get(key, 0) + 1
            total = sum(counts.values())
            for kind in sorted(counts, key=_kind_order):
                rows.append(
                    {
                        "config": config,
                        "split": split,
                        "kind": kind,
                        "pairs": counts[kind],
                        "share": f"{counts[kind] / total:.1%}",
                    }
                )
    return rows


def _kind_order(kind: str) -> tuple[int, str]:
    known = EDIT_KIND_ORDER.index(kind) if kind in EDIT_KIND_ORDER else len(EDIT_KIND_ORDER)
    return known, kind


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


__all__ = [
    "EDIT_KIND_ORDER",
    "EXAMPLE_TEXT_CHARS",
    "NO_KIND",
    "data_fields",
    "edit_kind_rows",
    "example_rows",
]
