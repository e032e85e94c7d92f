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
_NEWLINE = ord("\n")
_BLOCK = ARROW_SAFE_OPENERS // 2  # a line under two blocks has too few brackets to matter


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


def arrow_safe(
    open_stream: Callable[[], pa.NativeFile], location: str, max_line: int | None = None
) -> bool:
    """Whether no line of a JSON Lines file has more than :data:`ARROW_SAFE_OPENERS`
    opening brackets, so Arrow's parser can read it without risk, and none is longer than
    ``max_line`` bytes (the line reader rejects those; it stops at the first one, so a
    compressed file that expands without a line break is not read to its end here).

    One pass over the (decompressed) bytes that looks only at long lines: a line with
    that many brackets is at least that many bytes long, and real rows rarely are.  A
    chunk with a line break in every 500 bytes is cleared at once; only a chunk with
    longer lines has its line lengths measured and its long lines' brackets counted.
    """
    carry_length = 0  # bytes of the line the previous chunk ended in
    carry_openers = 0  # and its opening brackets
    try:
        with open_stream() as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                data = np.frombuffer(chunk, dtype=np.uint8)
                if carry_length <= _BLOCK and _newline_in_every_block(data):
                    # every line that ends in this chunk is under 2 blocks: none can be
                    # deep enough; carry the unfinished last line
                    tail_start = chunk.rfind(b"\n") + 1
                    carry_length = len(chunk) - tail_start
                    carry_openers = chunk.count(b"[", tail_start) + chunk.count(b"{", tail_start)
                    continue
                starts = np.concatenate(([0], np.flatnonzero(data == _NEWLINE) + 1))
                ends = np.append(starts[1:] - 1, len(chunk))
                lengths = ends - starts
                lengths[0] += carry_length
                if max_line is not None and int(lengths.max()) > max_line:
                    return False
                for line in np.flatnonzero(lengths > ARROW_SAFE_OPENERS):
                    start, end = int(starts[line]), int(ends[line])
                    openers = chunk.count(b"[", start, end) + chunk.count(b"{", start, end)
                    if openers + (carry_openers if line == 0 else 0) > ARROW_SAFE_OPENERS:
                        return False
                tail_start = int(starts[-1])
                tail = chunk.count(b"[", tail_start) + chunk.count(b"{", tail_start)
                carry_openers = tail + (carry_openers if len(starts) == 1 else 0)
                carry_length = int(lengths[-1])
    except (OSError, pa.ArrowException) as exc:
        raise PairgenError(f"cannot read the file: {exc}", file=location) from exc
    return True


def _newline_in_every_block(data: np.ndarray[Any, np.dtype[np.uint8]]) -> bool:
    """Whether every whole block of :data:`_BLOCK` bytes holds a line break (so no line
    is longer than two blocks): one comparison and one reduction, ~3 ms per 8 MB."""
    whole = len(data) // _BLOCK * _BLOCK
    return whole > 0 and bool((data[:whole].reshape(-1, _BLOCK) == _NEWLINE).any(axis=1).all())


__all__ = ["ARROW_SAFE_OPENERS", "MAX_NESTING", "arrow_safe", "check_nesting", "type_depth"]
