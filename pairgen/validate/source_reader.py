"""validate's own reader of raw input rows: pyarrow, ``json`` and ``csv``, nothing of the build's.

The source-row recheck (:mod:`pairgen.validate.source_rows`) must not share the build's
reading of the data, or a wrong reading would agree with itself.  So this reader is
deliberately small and separate from :mod:`pairgen.sources.readers`: Parquet through
``pyarrow.parquet``, JSON Lines and JSON arrays through Python's ``json``, CSV and TSV
through Python's ``csv`` (every field text, as the build documents), gzip and zstd through
pyarrow's decompressing streams.  Only the file *format* is taken from the name as the
build takes it (:func:`~pairgen.sources.datafiles.data_format`), since that is a naming
rule, not a reading.

Rows come back as plain dicts, in file order, numbered as the build numbers them: one
index across all the files of a split, blank JSON lines skipped.  A file this reader
cannot parse raises :class:`SourceUnreadable` (the recheck turns it into a note: the
build read it, so the failure is the reader's, not the output's).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pairgen.sources.datafiles import data_format

_BATCH_ROWS = 4096


class SourceUnreadable(Exception):
    """A raw input file this reader cannot read (its message says why)."""


def iter_raw_rows(path: Path, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    """The rows of one input file as dicts (``columns`` only, where the format allows
    reading fewer; a row may hold more, or lack one it does not have)."""
    fmt = data_format(path)
    if fmt is None:
        raise SourceUnreadable(f"{path.name}: not a data file format validate reads")
    try:
        if fmt.kind == "parquet":
            yield from _parquet(path, columns)
            return
        stream = pa.input_stream(str(path), compression=fmt.compression)
        with io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") as text:
            if fmt.kind in ("csv", "tsv"):
                yield from csv.DictReader(text, delimiter="\t" if fmt.kind == "tsv" else ",")
            else:
                yield from _json_rows(text)
    except (OSError, pa.ArrowException, ValueError, csv.Error, RecursionError) as exc:
        # ValueError covers json.JSONDecodeError and UnicodeDecodeError
        raise SourceUnreadable(f"{path.name}: {type(exc).__name__}: {exc}") from None


def _parquet(path: Path, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    parquet = pq.ParquetFile(path)
    present = set(parquet.schema_arrow.names)
    wanted = [name for name in dict.fromkeys(columns) if name in present]
    for batch in parquet.iter_batches(batch_size=_BATCH_ROWS, columns=wanted):
        if wanted:
            yield from batch.to_pylist()
        else:  # none of the columns: the rows still count
            yield from ({} for _ in range(batch.num_rows))


def _json_rows(text: io.TextIOWrapper) -> Iterator[dict[str, Any]]:
    """JSON Lines, or a ``.json`` file holding one array of rows."""
    first = ""
    while not first:
        line = text.readline()
        if not line:
            return
        first = line.strip()
    if first.startswith("["):
        rows = json.loads(first + text.read())
        if not isinstance(rows, list):
            raise ValueError("a JSON file must hold one array of rows")
        yield from (_row(value, index + 1) for index, value in enumerate(rows))
        return
    number = 1
    yield _row(json.loads(first), number)
    for line in text:
        number += 1
        if line.strip():
            yield _row(json.loads(line), number)


def _row(value: Any, where: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"row {where} is {type(value).__name__}, not an object")
    return value


__all__ = ["SourceUnreadable", "iter_raw_rows"]
