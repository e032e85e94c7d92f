"""What every file reader shares: the row batch type, stream opening, schema check, compaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa

from pairgen.config.source_settings import DEFAULT_MAX_FIELD_CHARS
from pairgen.errors import PairgenError
from pairgen.sources.base import Source
from pairgen.sources.datafiles import DataFormat
from pairgen.sources.fields import OversizedLine

RawRows: TypeAlias = pa.RecordBatch | list[dict[str, Any]]
# what reading a corrupt or truncated (compressed) file raises
READ_ERRORS = (OSError, pa.ArrowException)
# The longest line (one row of JSON Lines) a reader holds in memory, per character a
# field may have: a row of several fields at the limit, each escaped (``\uXXXX`` is 6
# bytes a character), fits; a longer line cannot hold a row the build would keep, and is
# skipped while it streams by and rejected as ``too_long``, never held.
LINE_BYTES_PER_FIELD_CHAR = 64
READ_BYTES = 1 << 20  # how much of a (decompressed) stream is read at a time
# A line this long is no row that was cut short but a damaged or hostile file (a gzip
# bomb expanding to gigabytes without a line break): the reader stops there, with an error.
MAX_SKIPPED_LINE_BYTES = 256 << 20
# A JSON array is parsed whole: past this it must be JSON Lines (or Parquet) instead.
MAX_JSON_ARRAY_BYTES = 512 << 20


def max_line_bytes(max_field_chars: int = DEFAULT_MAX_FIELD_CHARS) -> int:
    """The longest line a reader reads as a row (:data:`LINE_BYTES_PER_FIELD_CHAR`)."""
    return LINE_BYTES_PER_FIELD_CHAR * max_field_chars


class LineTooLong(Exception):
    """A line ran past ``give_up`` bytes (:func:`bounded_lines`); ``line`` is its number."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}")
        self.line = line


def bounded_lines(
    handle: pa.NativeFile, limit: int, give_up: int | None = None
) -> Iterator[bytes | int]:
    """The lines of a byte stream (without their line break), each at most ``limit``
    bytes; a longer line comes as its length (an ``int``), counted while it is skipped,
    so memory stays under ``limit`` plus one read whatever the stream holds.  A line
    still running at ``give_up`` bytes raises :class:`LineTooLong` at once."""
    buffer = bytearray()
    skipping = 0  # bytes of an over-long line seen so far (0: not skipping)
    number = 1  # of the line being read
    while chunk := handle.read(READ_BYTES):
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                break
            number += 1
            if skipping:
                yield skipping + end - start
                skipping = 0
            else:
                buffer += chunk[start:end]
                if len(buffer) > limit:
                    yield len(buffer)
                else:
                    yield bytes(buffer)
                buffer.clear()
            start = end + 1
        rest = len(chunk) - start
        if skipping:
            skipping += rest
        elif len(buffer) + rest > limit:
            skipping = len(buffer) + rest
            buffer.clear()
        else:
            buffer += chunk[start:]
        if give_up is not None and skipping > give_up:
            raise LineTooLong(number)
    if skipping:
        yield skipping
    elif buffer:
        yield bytes(buffer)


def read_bounded(handle: pa.NativeFile, limit: int, location: str, what: str) -> bytes:
    """All of a stream, refused with one line once it passes ``limit`` bytes (read in
    pieces: a compressed file that expands without end stops there, not at memory's end)."""
    data = bytearray()
    while chunk := handle.read(READ_BYTES):
        data += chunk
        if len(data) > limit:
            raise PairgenError(
                f"{what} is over {limit >> 20} MiB (decompressed); convert it to JSON Lines "
                "or Parquet, which pairgen streams",
                file=location,
            )
    return bytes(data)


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
    "LINE_BYTES_PER_FIELD_CHAR",
    "MAX_JSON_ARRAY_BYTES",
    "MAX_SKIPPED_LINE_BYTES",
    "READ_BYTES",
    "READ_ERRORS",
    "LineTooLong",
    "OversizedLine",
    "RawRows",
    "bounded_lines",
    "check_columns",
    "compact",
    "invalid_column",
    "max_line_bytes",
    "open_stream",
    "pieces",
    "read_bounded",
]
