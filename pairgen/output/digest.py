"""The per-split content digest (``rows_sha256``): which prompt goes with which pair.

A shard's sha256 proves its bytes, not what they say: a shard rewritten with two prompts
swapped, a row deleted or a pair turned around, with its checksum and counts updated in
the manifest, passes every per-file check.  The build therefore records, per split, a
sha256 over every pair's ``id``, ``prompt``, ``chosen`` and ``rejected`` in row order,
and ``pairgen validate`` recomputes it from the shards.  It is computed from the values,
not the Parquet bytes, so it is the same whatever the row groups, shards or compression.

How it is computed (so another tool can recompute it): for each of the four columns, two
kinds of stream are hashed with sha256 as rows arrive, in row order: each value's UTF-8
byte length as a little-endian int64 (``<column>.len``) and the bytes themselves
(``<column>.data``).  Message-list columns (``--format conversational``) hash the number
of messages per row (``<column>.messages``), then ``role`` and ``content`` the same way
(``<column>.role.len`` ...).  The digest is the sha256 of the lines
``<stream> <hex digest>\\n`` in sorted stream order, after the line ``pairgen-rows-v1``.
Streams of lengths and bytes kept apart keep it independent of how rows are batched while
staying unambiguous (the lengths cut the bytes back into values).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DIGEST_COLUMNS = ("id", "prompt", "chosen", "rejected")
_VERSION_LINE = "pairgen-rows-v1\n"


class RowsDigest:
    """Accumulates ``rows_sha256`` over tables or batches given in row order."""

    def __init__(self) -> None:
        self._streams: dict[str, Any] = {}

    def update(self, rows: pa.Table | pa.RecordBatch) -> None:
        """Add the rows of ``rows`` (after every row added before)."""
        if rows.num_rows == 0:
            return
        for name in DIGEST_COLUMNS:
            column = rows.column(name)
            chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
            for chunk in chunks:
                self._add(name, chunk)

    def hexdigest(self) -> str:
        digest = hashlib.sha256(_VERSION_LINE.encode())
        for name in sorted(self._streams):
            digest.update(f"{name} {self._streams[name].hexdigest()}\n".encode())
        return digest.hexdigest()

    def _stream(self, name: str) -> Any:
        stream = self._streams.get(name)
        if stream is None:
            stream = self._streams[name] = hashlib.sha256()
        return stream

    def _add(self, name: str, array: pa.Array) -> None:
        if len(array) == 0:
            return
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            lengths, data = _string_parts(array)
            self._stream(f"{name}.len").update(lengths)
            self._stream(f"{name}.data").update(data)
        elif pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
            counts = pc.list_value_length(array).fill_null(0).to_numpy(zero_copy_only=False)
            self._stream(f"{name}.messages").update(counts.astype("<i8").tobytes())
            self._add(name, array.flatten())
        elif pa.types.is_struct(array.type):
            for field, child in zip(array.type, array.flatten(), strict=True):
                self._add(f"{name}.{field.name}", child)
        else:
            raise TypeError(f"rows_sha256 cannot hash column {name!r} of type {array.type}")


def _string_parts(array: pa.Array) -> tuple[bytes, memoryview]:
    """Each value's UTF-8 length (int64 little-endian) and all the bytes, zero-copy."""
    offset_type = np.int32 if pa.types.is_string(array.type) else np.int64
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[
        array.offset : array.offset + len(array) + 1
    ]
    lengths = np.diff(offsets).astype("<i8").tobytes()
    if data_buffer is None:
        return lengths, memoryview(b"")
    return lengths, memoryview(data_buffer)[int(offsets[0]) : int(offsets[-1])]


def rows_sha256(tables: list[pa.Table]) -> str:
    """The digest of ``tables`` concatenated (a convenience for tests and tools)."""
    digest = RowsDigest()
    for table in tables:
        digest.update(table)
    return digest.hexdigest()


__all__ = ["DIGEST_COLUMNS", "RowsDigest", "rows_sha256"]
