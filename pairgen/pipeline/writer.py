"""Hub-layout Parquet shards, written atomically and byte-for-byte reproducibly.

Layout: ``OUT/data/<config>/<split>-00000-of-00003.parquet`` (the names the Hub's
dataset viewer and ``datasets.load_dataset`` understand), zstd, page index, row groups of
at most ~100 MB and shards of at most ~500 MB of uncompressed text.

Byte-identical output whatever the batch size or worker count: row-group and shard
boundaries are decided from each row's own size (cumulative sums over the buffered
rows), never from how rows happened to arrive.  Shards are written under a temporary
name and renamed into place only when the split is complete, because the final name
carries the total shard count; a crash leaves only ``.partial`` files, never a half shard
under a real name.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pairgen.output.digest import RowsDigest
from pairgen.output.files import file_sha256
from pairgen.output.manifest import DATA_DIR, RejectsEntry, ShardEntry, shard_name

ROW_GROUP_BYTES = 100 * 1024 * 1024
SHARD_BYTES = 500 * 1024 * 1024
MAX_ROW_GROUP_ROWS = 100_000
TEXT_COLUMNS = ("prompt", "chosen", "rejected")
ROW_OVERHEAD_BYTES = 200  # provenance and statistics columns, roughly


def row_sizes(table: pa.Table) -> np.ndarray:
    """Approximate uncompressed bytes of each row (text lengths plus a fixed overhead)."""
    sizes = np.full(table.num_rows, ROW_OVERHEAD_BYTES, dtype=np.int64)
    for name in TEXT_COLUMNS:
        column = table.column(name)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            lengths = pc.binary_length(column).to_numpy(zero_copy_only=False)
        else:  # message lists: measure the flattened contents
            lengths = np.array(
                [sum(len(m["content"]) for m in v) for v in column.to_pylist()], dtype=np.int64
            )
        sizes += lengths.astype(np.int64)
    return sizes


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """The one place write options live, so every Parquet file pairgen writes matches."""
    return pq.ParquetWriter(
        path,
        schema,
        compression="zstd",
        compression_level=3,
        write_page_index=True,
        write_statistics=True,
        use_dictionary=["source", "config", "split", "strategy", "tokenizer"],
    )


@dataclass
class SplitWriter:
    """Streams the pairs of one (config, split) into size-bounded shards."""

    root: Path
    config: str
    split: str
    schema: pa.Schema
    row_group_bytes: int = ROW_GROUP_BYTES
    shard_bytes: int = SHARD_BYTES
    max_row_group_rows: int = MAX_ROW_GROUP_ROWS
    digest: RowsDigest = field(default_factory=RowsDigest)  # the split's rows_sha256
    _buffer: list[pa.Table] = field(default_factory=list)
    _buffer_sizes: list[np.ndarray] = field(default_factory=list)
    _partials: list[tuple[Path, int]] = field(default_factory=list)
    _writer: pq.ParquetWriter | None = None
    _shard_rows: int = 0
    _shard_bytes: int = 0

    @property
    def directory(self) -> Path:
        return self.root / DATA_DIR / self.config

    def write(self, table: pa.Table) -> None:
        """Add rows (in order); full row groups are flushed as they fill."""
        if table.num_rows == 0:
            return
        self.digest.update(table)
        self._buffer.append(table)
        self._buffer_sizes.append(row_sizes(table))
        self._flush(final=False)

    def close(self) -> list[ShardEntry]:
        """Flush the rest, rename the shards to their final names, return their info.

        A split with no pairs gets no shard at all (``shards: []`` in the manifest): a
        0-row Parquet file makes ``load_dataset("parquet", data_dir=...)`` fail.
        """
        self._flush(final=True)
        self._close_shard()
        total = len(self._partials)
        shards = []
        for index, (partial, rows) in enumerate(self._partials):
            final = self.directory / shard_name(self.split, index, total)
            os.replace(partial, final)
            shards.append(
                ShardEntry(
                    path=final.relative_to(self.root).as_posix(),
                    rows=rows,
                    bytes=final.stat().st_size,
                    sha256=file_sha256(final),
                )
            )
        return shards

    def abort(self) -> None:
        """Remove partial files after a failed build."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        for partial, _ in self._partials:
            partial.unlink(missing_ok=True)
        self._partials.clear()

    # -- internals -------------------------------------------------------------------
    def _flush(self, final: bool) -> None:
        if not self._buffer:
            return
        sizes = np.concatenate(self._buffer_sizes)
        table = pa.concat_tables(self._buffer)
        start = 0
        while start < table.num_rows:
            cut = self._row_group_end(sizes, start)
            if cut is None:
                if not final:
                    break
                cut = table.num_rows
            self._write_row_group(table.slice(start, cut - start), int(sizes[start:cut].sum()))
            start = cut
        self._buffer = [table.slice(start)] if start < table.num_rows else []
        self._buffer_sizes = [sizes[start:]] if start < table.num_rows else []

    def _row_group_end(self, sizes: np.ndarray, start: int) -> int | None:
        """End (exclusive) of the row group starting at ``start``, or None if not full yet."""
        cumulative = np.cumsum(sizes[start : start + self.max_row_group_rows])
        over = int(np.searchsorted(cumulative, self.row_group_bytes, side="left"))
        if over < len(cumulative):
            return start + over + 1
        if len(cumulative) == self.max_row_group_rows:
            return start + self.max_row_group_rows
        return None

    def _write_row_group(self, rows: pa.Table, size: int) -> None:
        if self._writer is None:
            self._open_shard()
        assert self._writer is not None
        # One contiguous chunk per column: Arrow's writer places page boundaries by the
        # chunk layout it is given, which would otherwise follow the input batches.
        self._writer.write_table(rows.combine_chunks(), row_group_size=rows.num_rows)
        self._shard_rows += rows.num_rows
        self._shard_bytes += size
        if self._shard_bytes >= self.shard_bytes:
            self._close_shard()

    def _open_shard(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self.directory / f".{self.split}-{len(self._partials):05d}.parquet.partial"
        self._writer = parquet_writer(partial, self.schema)
        self._partials.append((partial, 0))
        self._shard_rows = 0
        self._shard_bytes = 0

    def _close_shard(self) -> None:
        if self._writer is None:
            return
        self._writer.close()
        self._writer = None
        partial, _ = self._partials[-1]
        self._partials[-1] = (partial, self._shard_rows)


@contextmanager
def in_background(
    write: Callable[[pa.Table], None], max_pending: int = 4
) -> Iterator[Callable[[pa.Table], None]]:
    """``write`` on one background thread: calls run in order, at most ``max_pending``
    wait, and a failed write is raised to the caller (at a later call or on exit).

    Arrow compresses with the GIL released, so the building process keeps collecting
    results and feeding its workers while a row group is compressed (~0.4 s for a
    100,000-row row group of real text, during which the workers ran out of work).
    After any failure, the caller's or a write's, the writes still queued are dropped
    (never run on a writer that already failed).  The error raised is the caller's own
    when its body fails, else the first write's that failed.
    """
    pending: deque[Future[None]] = deque()
    failed = threading.Event()

    def guarded_write(table: pa.Table) -> None:
        if failed.is_set():
            return  # never write on after a failure
        try:
            write(table)
        except BaseException:
            failed.set()
            raise

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pairgen-writer") as thread:

        def submit(table: pa.Table) -> None:
            pending.append(thread.submit(guarded_write, table))
            while len(pending) > max_pending or (pending and pending[0].done()):
                pending.popleft().result()

        try:
            yield submit
            while pending:
                pending.popleft().result()
        except BaseException:
            failed.set()
            futures.wait(pending)  # the write under way finishes; its error is not raised
            raise


def write_rejects(root: Path, relative: str, table: pa.Table) -> RejectsEntry:
    """Write a split's rejects (one whole Parquet file) at ``root / relative`` under a
    temporary name, then rename it; return its manifest entry."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    writer = parquet_writer(partial, table.schema)
    try:
        writer.write_table(table.combine_chunks())
    finally:
        writer.close()
    os.replace(partial, path)
    return RejectsEntry(path=relative, rows=table.num_rows, sha256=file_sha256(path))


__all__ = [
    "MAX_ROW_GROUP_ROWS",
    "ROW_GROUP_BYTES",
    "ROW_OVERHEAD_BYTES",
    "SHARD_BYTES",
    "TEXT_COLUMNS",
    "SplitWriter",
    "in_background",
    "parquet_writer",
    "row_sizes",
    "write_rejects",
]
