"""Raw rows out of local files in a source's Hub schema: Parquet, JSON Lines, JSON arrays.

Each reader yields batches of at most ``batch_rows`` rows, in file order and in bounded
memory (a JSON array, parsed whole, is the exception its reader documents): Arrow record
batches where Arrow can read the file, lists of row dicts where rows of mixed types make
it fall back to Python.  A file that is not in the source's schema fails with the
missing column's name; a line that is not JSON fails with its line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from pairgen.errors import PairgenError
from pairgen.sources.base import Source

RawRows: TypeAlias = pa.RecordBatch | list[dict[str, Any]]


def read_file(path: Path, source: Source, batch_rows: int) -> Iterator[RawRows]:
    """The rows of one local file, by its suffix (``.parquet``, ``.jsonl``, ``.json``)."""
    if path.suffix == ".parquet":
        return _iter_parquet(path, source, batch_rows)
    if path.suffix == ".json" and _starts_with_array(path):
        return _iter_json_array(path, source, batch_rows)
    if path.suffix in (".jsonl", ".json"):
        return _iter_jsonl(path, source, batch_rows)
    raise PairgenError("unsupported file type (use .parquet or .jsonl)", file=str(path))


def check_columns(columns: Sequence[str], source: Source, location: str) -> None:
    """Fail with the missing column's name when a file is not in the source's schema."""
    missing = [c for c in source.required_columns if c not in columns]
    if missing:
        raise PairgenError(
            f"not in the {source.name} schema: missing column {missing[0]!r} "
            f"(expected {', '.join(source.required_columns)}; "
            f"found {', '.join(columns) or 'none'})",
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


def _iter_parquet(path: Path, source: Source, batch_rows: int) -> Iterator[pa.RecordBatch]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise PairgenError(f"not a readable Parquet file: {exc}", file=str(path)) from exc
    check_columns(parquet.schema_arrow.names, source, str(path))
    try:
        yield from parquet.iter_batches(batch_size=batch_rows)
    except (pa.ArrowInvalid, OSError) as exc:
        raise PairgenError(f"corrupt Parquet data: {exc}", file=str(path)) from exc


def _starts_with_array(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"[")


def _iter_json_array(path: Path, source: Source, batch_rows: int) -> Iterator[list[dict[str, Any]]]:
    """A file holding one JSON array of rows (how MetaMathQA-395K.json ships on the Hub).

    The array is parsed whole (about 1 GB of memory for MetaMathQA); convert it to JSON
    Lines or Parquet once for builds on machines tighter than that.
    """
    try:
        rows = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise PairgenError(f"unparsable JSON: {exc.msg}", file=str(path), row=exc.lineno) from exc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise PairgenError("a .json input must be an array of objects", file=str(path))
    columns: set[str] = set()
    for row in rows[:1000]:
        columns.update(row)
    check_columns(sorted(columns), source, str(path))
    for start in range(0, len(rows), batch_rows):
        yield rows[start : start + batch_rows]


def _iter_jsonl(
    path: Path, source: Source, batch_rows: int
) -> Iterator[pa.RecordBatch | list[dict[str, Any]]]:
    """JSON Lines through Arrow's streaming reader; rows of mixed types fall back to Python.

    Arrow stops at the first block whose types disagree with the schema it inferred, so on
    an Arrow error the rest of the file is read line by line, skipping the rows already
    yielded: a line that is not JSON is a hard error naming the line, while a row with odd
    types goes on to the source, which rejects it with a reason.
    """
    yielded = 0
    try:
        reader = pa_json.open_json(path, read_options=pa_json.ReadOptions(block_size=8 << 20))
        check_columns(reader.schema.names, source, str(path))
        for batch in reader:
            for start in range(0, batch.num_rows, batch_rows):
                piece = compact(batch.slice(start, batch_rows))
                yield piece
                yielded += piece.num_rows
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        yield from _read_jsonl_python(path, source, batch_rows, skip_rows=yielded)


def _read_jsonl_python(
    path: Path, source: Source, batch_rows: int, skip_rows: int = 0
) -> Iterator[list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    rows_seen = 0
    seen_columns: set[str] = set()
    checked = False
    with path.open(encoding="utf-8-sig") as handle:  # a BOM is not part of the first row
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PairgenError(
                    f"unparsable JSON: {exc.msg}", file=str(path), row=line_number
                ) from exc
            if not isinstance(row, dict):
                raise PairgenError(
                    "a JSON Lines row must be an object", file=str(path), row=line_number
                )
            seen_columns.update(row)
            rows_seen += 1
            if rows_seen <= skip_rows:
                continue
            rows.append(row)
            if len(rows) == batch_rows:
                if not checked:
                    check_columns(sorted(seen_columns), source, str(path))
                    checked = True
                yield rows
                rows = []
    if rows or (rows_seen and not checked):  # an empty file is in every schema: no rows
        check_columns(sorted(seen_columns), source, str(path))
    if rows:
        yield rows
