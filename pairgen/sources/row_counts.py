"""How many rows a local file holds, for a progress bar's total and ETA, read cheaply.

- Parquet says so in its footer: exact.
- Uncompressed JSON Lines (and ``.json`` files holding JSON Lines) and CSV/TSV: from
  bytes.  A file of at most :data:`SAMPLE_BYTES` is read whole and its rows counted (one
  per non-blank line; a CSV's header is not a row).  A larger one is sampled in
  :data:`WINDOWS` windows spread over the file; its size times the lines per byte seen
  there is the estimate (rows of very uneven length, or CSV fields with newlines, make
  it approximate; the build's last progress call gives the exact count).
- A JSON array, or a compressed file: ``None`` (the bar counts rows without a total).
  Their row count cannot be read without parsing or decompressing the file, and a gzip
  file's recorded size is wrong for multi-member files, so they are left open.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pairgen.sources.datafiles import data_format
from pairgen.sources.readers import is_json_array

SAMPLE_BYTES = 1 << 20
WINDOWS = 4
_LINE_FORMATS = ("jsonl", "json", "csv", "tsv")


def count_rows(path: Path) -> int | None:
    """Rows in one file: exact for Parquet, estimated from bytes for text (see above).

    For progress totals only: a file this cannot open is reported by its reader.
    """
    fmt = data_format(path)
    try:
        if fmt is None:
            return None
        if fmt.kind == "parquet":
            return int(pq.ParquetFile(path).metadata.num_rows)
        if fmt.kind in _LINE_FORMATS and fmt.compression is None:
            return _rows_from_bytes(path, header=fmt.kind in ("csv", "tsv"))
    except (pa.ArrowInvalid, OSError):
        return None
    return None


def _rows_from_bytes(path: Path, header: bool) -> int | None:
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)  # the whole file when it is small
        if is_json_array(head):
            return None  # a JSON array: one document, not lines
        if size <= SAMPLE_BYTES:
            rows = sum(1 for line in head.split(b"\n") if line.strip())
            return max(rows - header, 0)
        window = SAMPLE_BYTES // WINDOWS
        newlines = 0
        for index in range(WINDOWS):
            handle.seek(index * (size - window) // (WINDOWS - 1))
            newlines += handle.read(window).count(b"\n")
    return max(round(size * newlines / (window * WINDOWS)) - header, 0)


__all__ = ["SAMPLE_BYTES", "WINDOWS", "count_rows"]
