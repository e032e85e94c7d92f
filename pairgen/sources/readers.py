"""Raw rows out of local files in a source's Hub schema: Parquet, JSON Lines, JSON, CSV.

Each reader yields batches of at most ``batch_rows`` rows, in file order and in bounded
memory (a JSON array, parsed whole, is the exception its reader documents): Arrow record
batches where Arrow can read the file, lists of row dicts where rows of mixed types make
it fall back to Python.  JSON Lines, JSON and CSV may be compressed (``.gz``, ``.zst``;
:mod:`pairgen.sources.datafiles` decides the format from the name).

What a reader guarantees the rest of the build, whatever the file holds:

- a file not in the source's schema fails with the missing column's name; a line that
  is not JSON, or not an object, fails with its line number; a JSON array element that
  is not an object fails with its index; a CSV row with the wrong number of fields fails
  quoting the row;
- the source's declared text columns (:meth:`Source.column_types`) are read as strings:
  Arrow's JSON and CSV readers would otherwise turn a question like ``2021-01-01`` into a
  timestamp and the row would be rejected for its type;
- no row is nested deeper than :data:`MAX_NESTING` levels (an error naming file, line and
  field): Arrow's JSON parser crashes the process on a line nested ~20,000 deep, and
  Python's json module and every later step recurse;
- integers too long for Python's ``int()`` arrive as :class:`decimal.Decimal` (the
  source then rejects the field for its type) and bytes that are not UTF-8 as lone
  surrogates (the row is rejected as ``bad_encoding``), never as a traceback.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from pairgen.config.source_settings import DEFAULT_MAX_FIELD_CHARS
from pairgen.errors import PairgenError
from pairgen.sources.base import Source
from pairgen.sources.csv_reader import iter_csv
from pairgen.sources.datafiles import DataFormat, data_format, known_formats
from pairgen.sources.fields import OversizedLine
from pairgen.sources.nesting import MAX_NESTING, arrow_safe, check_nesting, type_depth
from pairgen.sources.rawio import (
    MAX_JSON_ARRAY_BYTES,
    MAX_SKIPPED_LINE_BYTES,
    READ_ERRORS,
    LineTooLong,
    RawRows,
    bounded_lines,
    check_columns,
    invalid_column,
    max_line_bytes,
    open_stream,
    pieces,
    read_bounded,
)

_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)
BLOCK_BYTES = 8 << 20


class _NotForArrow(Exception):
    """Arrow read a batch Python should read instead: a column nested deeper than
    MAX_NESTING (Python names the row) or text that is not UTF-8 (Python turns it into
    surrogates, and the source rejects the row as ``bad_encoding``)."""


def read_file(
    path: Path, source: Source, batch_rows: int, max_field_chars: int = DEFAULT_MAX_FIELD_CHARS
) -> Iterator[RawRows]:
    """The rows of one local file, by its format (see :mod:`pairgen.sources.datafiles`);
    a line longer than :func:`~pairgen.sources.rawio.max_line_bytes` of ``max_field_chars``
    is rejected as ``too_long`` without being held in memory."""
    limit = max_line_bytes(max_field_chars)
    fmt = data_format(path)
    if fmt is None:
        raise PairgenError(f"unsupported file type (use {known_formats()})", file=str(path))
    if fmt.kind == "parquet":
        return _iter_parquet(path, source, batch_rows)
    if fmt.kind in ("csv", "tsv"):
        return iter_csv(path, fmt, source, batch_rows, limit)
    if fmt.kind == "json" and _starts_with_array(path, fmt):
        return _iter_json_array(path, fmt, source, batch_rows)
    return _iter_jsonl(path, fmt, source, batch_rows, limit)


def _iter_parquet(path: Path, source: Source, batch_rows: int) -> Iterator[pa.RecordBatch]:
    location = str(path)
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise PairgenError(f"not a readable Parquet file: {exc}", file=location) from exc
    check_columns(parquet.schema_arrow.names, source, location)
    for schema_field in parquet.schema_arrow:
        if type_depth(schema_field.type) > MAX_NESTING:
            raise PairgenError(
                f"column nested deeper than {MAX_NESTING} levels",
                file=location,
                field=schema_field.name,
            )
    first_row = 0
    try:
        for batch in parquet.iter_batches(batch_size=batch_rows):
            column = invalid_column(batch)
            if column is not None:
                last = first_row + batch.num_rows - 1
                raise PairgenError(
                    f"invalid data (text that is not UTF-8?) in rows {first_row}-{last}",
                    file=location,
                    field=column,
                )
            first_row += batch.num_rows
            yield batch
    except (pa.ArrowInvalid, OSError) as exc:
        raise PairgenError(f"corrupt Parquet data: {exc}", file=location) from exc


def _starts_with_array(path: Path, fmt: DataFormat) -> bool:
    try:
        with open_stream(path, fmt) as handle:
            head: bytes = handle.read(4096)
    except READ_ERRORS as exc:
        raise PairgenError(f"cannot read the file: {exc}", file=str(path)) from exc
    return is_json_array(head)


def is_json_array(head: bytes) -> bool:
    """Whether a JSON file that begins with ``head`` is one array (else JSON Lines)."""
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"[")


def _json_int(text: str) -> int | Decimal:
    """A JSON integer; one too long for ``int()`` (over 4,300 digits) as a Decimal."""
    try:
        return int(text)
    except ValueError:
        return Decimal(text)


def parse_json(text: str, location: str, line: int | None) -> Any:
    """One JSON document; malformed or too deeply nested JSON is one clear error."""
    try:
        return json.loads(text, parse_int=_json_int)
    except RecursionError:
        raise PairgenError(
            f"JSON nested deeper than {MAX_NESTING} levels", file=location, row=line
        ) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}" if line is None else f"column {exc.colno}"
        raise PairgenError(
            f"unparsable JSON: {exc.msg.removesuffix(' at')} at {where}", file=location, row=line
        ) from exc


def _iter_json_array(
    path: Path, fmt: DataFormat, source: Source, batch_rows: int
) -> Iterator[list[dict[str, Any]]]:
    """A file holding one JSON array of rows (how MetaMathQA-395K.json ships on the Hub).

    The array is parsed whole (about 1 GB of memory for MetaMathQA); convert it to JSON
    Lines or Parquet once for builds on machines tighter than that.  One over
    :data:`~pairgen.sources.rawio.MAX_JSON_ARRAY_BYTES` is refused while it is read.
    """
    location = str(path)
    rows = parse_json(_read_text(path, fmt), location, None)
    if not isinstance(rows, list):
        raise PairgenError("a .json input must be an array of objects", file=location)
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise PairgenError(
                f"element [{index}] of the JSON array is {type(row).__name__}, not an object",
                file=location,
            )
        check_nesting(row, location, f"element [{index}]")
    columns: set[str] = set()
    for row in rows[:1000]:
        columns.update(row)
    check_columns(sorted(columns), source, location)
    for start in range(0, len(rows), batch_rows):
        yield rows[start : start + batch_rows]


def _read_text(path: Path, fmt: DataFormat) -> str:
    try:
        with open_stream(path, fmt) as handle:
            data = read_bounded(handle, MAX_JSON_ARRAY_BYTES, str(path), "a JSON array file")
    except READ_ERRORS as exc:
        raise PairgenError(f"cannot read the file: {exc}", file=str(path)) from exc
    return data.decode("utf-8-sig", errors="surrogateescape")


def _iter_jsonl(
    path: Path, fmt: DataFormat, source: Source, batch_rows: int, limit: int
) -> Iterator[RawRows]:
    """JSON Lines through Arrow's streaming reader; rows of mixed types fall back to Python.

    Arrow stops at the first block whose types disagree with the schema it inferred, so on
    an Arrow error the rest of the file is read line by line, skipping the rows already
    yielded: a line that is not JSON is a hard error naming the line, while a row with odd
    types goes on to the source, which rejects it with a reason.  A file with a line
    Arrow's parser could not survive is read by Python from the start, as is a file with
    a line over ``limit`` bytes (:func:`~pairgen.sources.rawio.bounded_lines`).
    """
    location = str(path)
    yielded = 0
    if not arrow_safe(lambda: open_stream(path, fmt), location, limit):
        yield from _read_jsonl_python(path, fmt, source, batch_rows, limit)
        return
    try:
        options = pa_json.ParseOptions(
            explicit_schema=_declared_schema(path, fmt, source, limit),
            unexpected_field_behavior="infer",
        )
        reader = pa_json.open_json(
            open_stream(path, fmt),
            read_options=pa_json.ReadOptions(block_size=BLOCK_BYTES),
            parse_options=options,
        )
        check_columns(reader.schema.names, source, location)
        for batch in reader:
            if any(type_depth(t) > MAX_NESTING for t in batch.schema.types):
                raise _NotForArrow
            if invalid_column(batch) is not None:
                raise _NotForArrow
            for piece in pieces(batch, batch_rows):
                yield piece
                yielded += piece.num_rows
    except (*_ARROW_ERRORS, _NotForArrow):
        yield from _read_jsonl_python(path, fmt, source, batch_rows, limit, skip_rows=yielded)
    except OSError as exc:  # a truncated or corrupt compressed file
        raise PairgenError(f"cannot read the file: {exc}", file=location) from exc


def _declared_schema(path: Path, fmt: DataFormat, source: Source, limit: int) -> pa.Schema | None:
    """The source's declared column types, for the columns the first row has.

    Declaring a column the file lacks would make Arrow invent it (all nulls) and hide the
    missing-column error, so only the first row's columns are declared.
    """
    declared = source.column_types()
    if not declared:
        return None
    try:
        with open_stream(path, fmt) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig") as text:
            first = json.loads(text.readline(limit))
    except (ValueError, RecursionError, *READ_ERRORS):
        return None  # the line-by-line reader reports what is wrong with the file
    if not isinstance(first, dict):
        return None
    fields = [pa.field(name, kind) for name, kind in declared.items() if name in first]
    return pa.schema(fields) if fields else None


def _read_jsonl_python(
    path: Path,
    fmt: DataFormat,
    source: Source,
    batch_rows: int,
    limit: int,
    skip_rows: int = 0,
) -> Iterator[list[dict[str, Any]]]:
    location = str(path)
    rows: list[dict[str, Any]] = []
    rows_seen = 0
    seen_columns: set[str] = set()
    checked = False
    oversized = 0
    for line_number, line in _numbered_lines(path, fmt, limit):
        if isinstance(line, int):
            row: dict[str, Any] = OversizedLine(line, limit)  # skipped unread: too_long
            oversized += 1
        elif not line.strip():
            continue
        else:
            row = parse_json(line, location, line_number)
            if not isinstance(row, dict):
                raise PairgenError(
                    "a JSON Lines row must be an object", file=location, row=line_number
                )
            if line.count("[") + line.count("{") > MAX_NESTING:  # only then can it be too deep
                check_nesting(row, location, line_number)
        seen_columns.update(row)
        rows_seen += 1
        if rows_seen <= skip_rows:
            continue
        rows.append(row)
        if len(rows) == batch_rows:
            if not checked:
                _refuse_all_oversized(oversized, rows_seen, limit, location)
                check_columns(sorted(seen_columns), source, location)
                checked = True
            yield rows
            rows = []
    if rows or (rows_seen and not checked):  # an empty file is in every schema: no rows
        _refuse_all_oversized(oversized, rows_seen, limit, location)
        check_columns(sorted(seen_columns), source, location)
    if rows:
        yield rows


def _refuse_all_oversized(oversized: int, rows_seen: int, limit: int, location: str) -> None:
    """A file whose every line is too long holds no row at all (a bomb, a binary file):
    one line saying so, rather than "missing column" or a build of nothing but rejects."""
    if rows_seen and oversized == rows_seen:
        raise PairgenError(
            f"every line is over {limit:,} bytes, longer than any row this build keeps "
            "(--max-field-chars): not a JSON Lines file of rows",
            file=location,
        )


def _numbered_lines(path: Path, fmt: DataFormat, limit: int) -> Iterator[tuple[int, str | int]]:
    """The file's lines with their numbers; bytes that are not UTF-8 become surrogates.

    A BOM is not part of the first row.  A line over ``limit`` bytes comes as its length
    (it was skipped, never held: :func:`~pairgen.sources.rawio.bounded_lines`).
    """
    try:
        with open_stream(path, fmt) as raw:
            for number, line in enumerate(bounded_lines(raw, limit, MAX_SKIPPED_LINE_BYTES), 1):
                if isinstance(line, int):
                    yield number, line
                    continue
                if number == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                yield number, line.decode("utf-8", errors="surrogateescape")
    except LineTooLong as exc:
        raise PairgenError(
            f"a line runs past {MAX_SKIPPED_LINE_BYTES >> 20} MiB without a line break: not a "
            "file of rows (a damaged or hostile file?); nothing was built",
            file=str(path),
            row=exc.line,
        ) from None
    except READ_ERRORS as exc:
        raise PairgenError(f"cannot read the file: {exc}", file=str(path)) from exc


__all__ = ["BLOCK_BYTES", "is_json_array", "parse_json", "read_file"]
