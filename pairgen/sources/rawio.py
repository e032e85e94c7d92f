"""What every file reader shares: the row batch type, stream opening, schema check, compaction."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa

from pairgen.errors import PairgenError
from pairgen.sources.base import Source
from pairgen.sources.datafiles import DataFormat

RawRows: TypeAlias = pa.RecordBatch | list[dict[str, Any]]
# what reading a corrupt or truncated (compressed) file raises
READ_ERRORS = (OSError, pa.ArrowException)


def open_stream(path: Path, fmt: DataFormat) -> pa.NativeFile:
    """The file's bytes, decompressed as its name says."""
    return pa.input_stream(str(path), compression=fmt.compression)


def check_columns(columns: Sequence[str], source: Source, location: str) -> None:
    """Fail with the missing column's name when a file is not in the source's schema."""
    missing = [c for c in source.required_columns if c not in columns]
    if missing:
        found = ", ".join(ascii(c)[1:-1] for c in columns) or "none"
        raise PairgenError(
            f"not in the {source.name} schema: missing column {missing[0]!r} "
            f"(expected {', '.join(source.required_columns)}; found {found})",
            file=location,
        )


def compact(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A copy of ``batch`` that holds only its own rows.

    A slice shares its parent's buffers, and pickling it for a worker process sends them
    whole: a 4,096-row piece of an 8 MB JSON block carried all 8 MB (3x the bytes), and a
    Hub chunk sliced from a memory-mapped file carries the chunk.
    """
    columns = [pa.concat_arrays([column]) for column in batch.columns]
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def invalid_column(batch: pa.RecordBatch) -> str | None:
    """The first column of ``batch`` with invalid data, or ``None``.

    Arrow's JSON and Parquet readers pass string bytes through without checking that
    they are UTF-8; Python's conversion of such a batch (in a worker) would then fail.
    Checking costs ~10 ms per 20 MB, a tenth of that conversion.
    """
    try:
        batch.validate(full=True)
    except pa.ArrowInvalid:
        names: list[str] = batch.schema.names
        for name, column in zip(names, batch.columns, strict=True):
            try:
                column.validate(full=True)
            except pa.ArrowInvalid:
                return name
        raise
    return None


def pieces(batch: pa.RecordBatch, batch_rows: int) -> list[pa.RecordBatch]:
    """``batch`` cut into compact batches of at most ``batch_rows`` rows."""
    return [
        compact(batch.slice(start, batch_rows)) for start in range(0, batch.num_rows, batch_rows)
    ]


__all__ = [
    "READ_ERRORS",
    "RawRows",
    "check_columns",
    "compact",
    "invalid_column",
    "open_stream",
    "pieces",
]
