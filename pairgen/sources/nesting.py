"""How deeply a row may nest, and the cheap checks that keep deeper rows out.

No real source row nests more than a few levels (ARC: a row, its ``choices`` mapping, a
list of texts).  A hostile or broken file can nest thousands: Arrow's JSON parser then
crashes the whole process (a segmentation fault on a line ~20,000 levels deep), Python's
``json`` raises ``RecursionError`` past ~1,000, and every later step that walks a row
(pickling it for a worker, writing it to the rejects table as JSON) recurses too.  So a
row nested deeper than :data:`MAX_NESTING` levels is an error naming file, line and field,
and a file is handed to Arrow only when no line could be deep enough to crash it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from pairgen.errors import PairgenError

MAX_NESTING = 64  # levels of lists/objects inside one field of a row
# Arrow's JSON parser survives ~10,000 levels; a line with fewer opening brackets than
# this (in strings or not) cannot come near that.
ARROW_SAFE_OPENERS = 1000
_CHUNK_BYTES = 8 << 20
_OPEN_BRACKETS = (ord("["), ord("{"))


def type_depth(kind: pa.DataType) -> int:
    """Levels of nesting of an Arrow type (a string is 0, a list of strings 1)."""
    depth, level = 0, [kind]
    while True:
        level = [t.field(i).type for t in level for i in range(t.num_fields)]
        if not level:
            return depth
        depth += 1


def _nested_deeper(value: Any, limit: int) -> bool:
    """Whether ``value`` holds lists/objects more than ``limit`` levels deep (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, Mapping) else item
        stack += [(c, depth + 1) for c in children if isinstance(c, list | Mapping)]
    return False


def check_nesting(row: Mapping[str, Any], location: str, where: int | str) -> None:
    """Fail naming the field when a field of ``row`` nests deeper than :data:`MAX_NESTING`.

    ``where`` is the row's line number, or a description (``element [3]``).
    """
    for name, value in row.items():
        if isinstance(value, list | Mapping) and _nested_deeper(value, MAX_NESTING):
            line = where if isinstance(where, int) else None
            place = "" if line is not None else f"{where}: "
            raise PairgenError(
                f"{place}value nested deeper than {MAX_NESTING} levels",
                file=location,
                row=line,
                field=ascii(name)[1:-1],
            )


def arrow_safe(open_stream: Callable[[], pa.NativeFile], location: str) -> bool:
    """Whether no line of a JSON Lines file has more than :data:`ARROW_SAFE_OPENERS`
    opening brackets, so Arrow's parser can read it without risk.

    One pass over the (decompressed) bytes: a chunk with few brackets in all is cleared
    by two ``bytes.count`` calls; only a chunk with many (WikiHow's ``[step]`` markup)
    is counted line by line, with numpy.
    """
    carry = 0  # brackets on the line the previous chunk ended in
    try:
        with open_stream() as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                total = chunk.count(b"[") + chunk.count(b"{")
                last_newline = chunk.rfind(b"\n")
                if carry + total > ARROW_SAFE_OPENERS:
                    counts = _openers_per_line(chunk)
                    counts[0] += carry
                    if int(counts.max()) > ARROW_SAFE_OPENERS:
                        return False
                    carry = int(counts[-1])
                elif last_newline < 0:
                    carry += total
                else:
                    tail = chunk[last_newline + 1 :]
                    carry = tail.count(b"[") + tail.count(b"{")
    except (OSError, pa.ArrowException) as exc:
        raise PairgenError(f"cannot read the file: {exc}", file=location) from exc
    return True


def _openers_per_line(chunk: bytes) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Opening brackets on each line of ``chunk`` (the last entry: after the last newline)."""
    data = np.frombuffer(chunk, dtype=np.uint8)
    openers = np.flatnonzero((data == _OPEN_BRACKETS[0]) | (data == _OPEN_BRACKETS[1]))
    bounds = np.concatenate(([0], np.flatnonzero(data == ord("\n")) + 1, [len(chunk)]))
    return np.diff(np.searchsorted(openers, bounds)).astype(np.int64)


__all__ = ["ARROW_SAFE_OPENERS", "MAX_NESTING", "arrow_safe", "check_nesting", "type_depth"]
