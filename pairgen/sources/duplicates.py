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
        if isinstance(rows, pa.RecordBatch):
            index = rows.schema.get_field_index(column)
            values = rows.column(index).to_pylist() if index >= 0 else [None] * rows.num_rows
        else:
            values = [row.get(column) for row in rows]
        repeats: dict[int, int] = {}
        for offset, value in enumerate(values):
            row_index = first_row + offset
            source_id = self.source.source_id({column: value}, row_index)
            first = self.first_row.setdefault(source_id, row_index)
            if first != row_index:
                repeats[offset] = first
        return repeats


def duplicate_reject(repeats: Mapping[int, int], offset: int, source_id: str) -> None:
    """Raise the ``duplicate_id`` reject for the row at ``offset`` if it repeats an id."""
    first = repeats.get(offset)
    if first is not None:
        raise RowRejected("duplicate_id", f"id {source_id!r} was already used by row {first}")


__all__ = ["DuplicateIds", "duplicate_reject"]
