"""Repeated row ids within a split: the first row keeps its id, later ones are rejects.

A pair's id is ``<config>/<split>/<source_id>/<pair_index>``, so two rows with one id
(a file concatenated twice, a scrape that repeats a question) would give pairs with the
same id and an output that fails its own ``validate``.  The build reads rows in the
parent process and pairs them in workers, so repeats are found here, in the parent, from
the id column alone (cheap: one column of one batch at a time), and travel with the
batch to the worker, which rejects those rows as ``duplicate_id`` naming the first row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from pairgen.errors import RowRejected
from pairgen.sources.base import Source
from pairgen.sources.rawio import RawRows


class DuplicateIds:
    """The ids seen so far in one split, and the rows that repeat one of them."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.first_row: dict[str, int] = {}

    def repeats(self, rows: RawRows, first_row: int) -> dict[int, int]:
        """Offsets of the rows of a batch whose id an earlier row has -> that row's index."""
        column = self.source.id_column
        if column is None:
            return {}  # ids are row indexes: unique by construction
        # Arrow writes an int column's ids as the base source_id does, much faster
        plain = type(self.source).source_id is Source.source_id
        ids = _int_ids(rows, column) if plain else None
        if ids is None:
            source_id = self.source.source_id
            values = enumerate(_values(rows, column))
            ids = [source_id({column: value}, first_row + i) for i, value in values]
        seen = self.first_row
        # the common case, no repeat, in C: the batch's ids (first occurrence kept) are
        # all new and all distinct
        last = first_row + len(ids) - 1
        rows_of = dict(zip(reversed(ids), range(last, first_row - 1, -1), strict=True))
        if len(rows_of) == len(ids) and seen.keys().isdisjoint(rows_of):
            seen.update(rows_of)
            return {}
        repeats: dict[int, int] = {}
        for offset, key in enumerate(ids):
            row_index = first_row + offset
            first = seen.setdefault(key, row_index)
            if first != row_index:
                repeats[offset] = first
        return repeats


def _values(rows: RawRows, column: str) -> list[Any]:
    if isinstance(rows, list):
        return [row.get(column) for row in rows]
    values: list[Any] = (
        rows.column(column).to_pylist() if column in rows.schema.names else [None] * len(rows)
    )
    return values


def _int_ids(rows: RawRows, column: str) -> list[str] | None:
    """The ids of an integer id column without nulls (HellaSwag's ``ind``), as
    :meth:`Source.source_id` writes them, converted by Arrow; ``None`` otherwise."""
    if not isinstance(rows, pa.RecordBatch) or column not in rows.schema.names:
        return None
    values = rows.column(column)
    if not pa.types.is_integer(values.type) or values.null_count:
        return None
    ids: list[str] = values.cast(pa.string()).to_pylist()
    return ids


def duplicate_reject(repeats: Mapping[int, int], offset: int, source_id: str) -> None:
    """Raise the ``duplicate_id`` reject for the row at ``offset`` if it repeats an id."""
    first = repeats.get(offset)
    if first is not None:
        raise RowRejected("duplicate_id", f"id {source_id!r} was already used by row {first}")


__all__ = ["DuplicateIds", "duplicate_reject"]
