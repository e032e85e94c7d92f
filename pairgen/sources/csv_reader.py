"""CSV and TSV files (plain or compressed), every column read as a string.

``datasets`` reads CSV through pandas, which guesses a type per column; pairgen's sources
want text, so every column is a string here: a question ``2021-01-01`` stays a question,
an id ``007`` keeps its zeros, an empty field is ``""`` (rejected as empty by the source)
and a list column arrives as its text: the multiple-choice sources read a JSON list, a
Python list or a NumPy repr of strings from it (:mod:`pairgen.sources.choice_rows`) and
refuse anything else before the build.
Quoted fields may span lines (GSM8K answers do).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from pairgen.errors import PairgenError
from pairgen.sources.base import Source
from pairgen.sources.datafiles import DataFormat
from pairgen.sources.rawio import READ_ERRORS, check_columns, open_stream, pieces

BLOCK_BYTES = 8 << 20
_QUOTE_CHARS = 120


def iter_csv(
    path: Path, fmt: DataFormat, source: Source, batch_rows: int, limit: int
) -> Iterator[pa.RecordBatch]:
    """The rows of a CSV (``,``) or TSV (tab) file with a header line.

    Arrow reads blocks of :data:`BLOCK_BYTES`: a row longer than a block is an error from
    Arrow, not a block that grows, and the header is read from the first ``limit`` bytes
    only, so memory stays bounded whatever the (decompressed) file holds."""
    location = str(path)
    delimiter = "\t" if fmt.kind == "tsv" else ","
    header = _header(path, fmt, delimiter, limit)
    if header is None:
        return  # an empty file: no rows, in every schema
    check_columns(header, source, location)
    bad_rows: list[pa_csv.InvalidRow] = []

    def refuse(row: pa_csv.InvalidRow) -> str:
        bad_rows.append(row)
        return "error"

    try:
        reader = pa_csv.open_csv(
            open_stream(path, fmt),
            read_options=pa_csv.ReadOptions(block_size=BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=refuse
            ),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(header, pa.string())),
        )
        for batch in reader:
            yield from pieces(batch, batch_rows)
    except pa.ArrowInvalid as exc:
        if bad_rows:
            row = bad_rows[0]
            text = row.text[:_QUOTE_CHARS] + ("..." if len(row.text) > _QUOTE_CHARS else "")
            raise PairgenError(
                f"a row has {row.actual_columns} fields where the header has "
                f"{row.expected_columns}: {text!r}",
                file=location,
                row=row.number,
            ) from exc
        raise PairgenError(f"unreadable CSV: {exc}", file=location) from exc
    except READ_ERRORS as exc:
        raise PairgenError(f"cannot read the file: {exc}", file=location) from exc


def _header(path: Path, fmt: DataFormat, delimiter: str, limit: int) -> list[str] | None:
    """The column names (``None`` for an empty file), read as Python's csv module reads
    them, from the first ``limit`` bytes (a header is never longer)."""
    try:
        with open_stream(path, fmt) as raw:
            head: bytes = raw.read(limit + 1)
        if len(head) > limit and b"\n" not in head:
            raise PairgenError(
                f"no header line in the first {limit:,} bytes", file=str(path), row=1
            )
        if b"\n" in head:  # whole lines only: the cut may fall inside a character
            head = head[: head.rfind(b"\n") + 1]
        text = io.StringIO(head.decode("utf-8-sig"), newline="")
        return next(csv.reader(text, delimiter=delimiter), None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise PairgenError(f"unreadable CSV header: {exc}", file=str(path), row=1) from exc
    except READ_ERRORS as exc:
        raise PairgenError(f"cannot read the file: {exc}", file=str(path)) from exc


__all__ = ["BLOCK_BYTES", "iter_csv"]
