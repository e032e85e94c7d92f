"""What validate reports and where: a violation, a shard's context, and the batch helpers
every row check shares (completion text, masks)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

# A problem found in a batch: (row within the batch, reason, check code).
Finding = tuple[int, str, str]


@dataclass(frozen=True, slots=True)
class Violation:
    """One thing wrong with a build: where (shard, row) and why.

    ``row`` is the 0-based row within the shard, ``None`` for a problem with the whole
    file; ``check`` is a short stable code (``sha256``, ``stats``, ``arithmetic``, ...)
    for grouping.
    """

    shard: str
    row: int | None
    reason: str
    check: str = ""

    def __str__(self) -> str:
        where = self.shard if self.row is None else f"{self.shard}, row {self.row}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ShardContext:
    """What a shard's rows must agree with (from the manifest) and where the batch sits."""

    shard: str
    source: str
    config: str
    split: str
    first_row: int = 0
    shots: int | None = None  # the build's --shots; a row may have fewer (a small pool)


def completion_texts(column: pa.Array) -> list[str]:
    """Strings of a text column: itself, or the last message's content (conversational)."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.to_pylist()  # type: ignore[no-any-return]
    lengths = pc.list_value_length(column).fill_null(0).to_numpy(zero_copy_only=False)
    contents = column.flatten().field("content")
    last = np.cumsum(lengths) - 1
    texts = contents.take(pa.array(np.maximum(last, 0))).to_pylist() if len(contents) else []
    return [t if n else "" for t, n in zip(texts or [""] * len(lengths), lengths, strict=True)]


def true_mask(array: pa.Array | pa.ChunkedArray) -> NDArray[np.bool_]:
    return np.asarray(array.fill_null(False).to_numpy(zero_copy_only=False), dtype=np.bool_)


__all__ = ["Finding", "ShardContext", "Violation", "completion_texts", "true_mask"]
