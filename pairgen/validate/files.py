"""``pairgen validate``'s checks of the files themselves, before any row is read.

Each listed Parquet file's existence, sha256, readability and row count, the
rejects files' schema, reasons and provenance, and Parquet files the manifest does not
list.  :mod:`pairgen.validate.run` and :mod:`pairgen.validate.splits` run these and then
the row checks.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pairgen.errors import PairgenError, whole_message
from pairgen.output.files import file_sha256, regular_file_inside
from pairgen.output.manifest import DATA_DIR, PLOTS_DIR, REJECTS_DIR, SplitEntry
from pairgen.output.plots import plot_files
from pairgen.record import REJECT_SCHEMA
from pairgen.validate.rows import Violation

# Errors pyarrow raises on a damaged file or page; anything else is a bug and propagates.
READ_ERRORS = (pa.ArrowException, OSError, ValueError, UnicodeDecodeError)


def plot_violations(out: Path) -> list[Violation]:
    """A plot that card would show and publish would upload, but that is not a whole PNG
    (a 0-byte file left by a full disk, a truncated one)."""
    try:
        plot_files(out)
    except PairgenError as exc:
        return [Violation(PLOTS_DIR, None, str(exc), "plot")]
    return []


def file_violations(
    out: Path, name: str, sha256: str, rows: int
) -> tuple[list[Violation], pq.ParquetFile | None]:
    """Existence, checksum, readability and row count of one listed Parquet file."""
    path = out / name
    refused = refused_path(out, name)
    if refused is not None:
        return [refused], None
    if not path.is_file():
        return [
            Violation(name, None, "missing: listed in the manifest but not on disk", "missing")
        ], None
    found = []
    digest = file_sha256(path)
    if digest != sha256:
        found.append(
            Violation(name, None, f"sha256 mismatch: manifest {sha256}, file {digest}", "sha256")
        )
    try:
        parquet = pq.ParquetFile(path)
    except READ_ERRORS as exc:
        found.append(
            Violation(
                name,
                None,
                f"not a readable Parquet file (truncated or corrupt?): {brief(exc)}",
                "unreadable",
            )
        )
        return found, None
    if parquet.metadata.num_rows != rows:
        found.append(
            Violation(
                name, None, f"has {parquet.metadata.num_rows} rows, manifest says {rows}", "rows"
            )
        )
    return found, parquet


def refused_path(out: Path, name: str) -> Violation | None:
    """Why validate will not read ``out / name``, or None (a missing file is the caller's).

    The check is publish's and query's (:func:`~pairgen.output.files.regular_file_inside`): a
    symlink anywhere below OUT, or a manifest path leading out of it, would make validate
    vouch for bytes that are not the build's (a linked shard passes its checksum wherever
    it points).
    """
    try:
        regular_file_inside(out, name)
    except FileNotFoundError:
        return None
    except PairgenError as exc:
        at = Path(exc.file) if exc.file else out / name
        where = at.relative_to(out).as_posix() if at.is_relative_to(out) else name
        reason = str(exc).removeprefix(f"{exc.file}: ")
        return Violation(name, None, reason if where == name else f"{where} {reason}", "real_file")
    return None


def rejects_violations(out: Path, info: SplitEntry, config: str, split: str) -> list[Violation]:
    """Checksum, schema, count and reasons of one split's rejects file."""
    name = info.rejects.path
    found, parquet = file_violations(out, name, info.rejects.sha256, info.rows_rejected)
    if parquet is None:
        return found
    try:
        table = parquet.read()
    except READ_ERRORS as exc:
        return [*found, Violation(name, None, f"cannot be read: {brief(exc)}", "unreadable")]
    if not table.schema.equals(REJECT_SCHEMA):
        return [
            *found,
            Violation(name, None, schema_difference(table.schema, REJECT_SCHEMA), "schema"),
        ]
    reasons = dict(Counter(table.column("reason").to_pylist()))
    if reasons != info.rejects_by_reason:
        found.append(
            Violation(name, None, f"reasons {reasons} != manifest {info.rejects_by_reason}", "rows")
        )
    for column, expected in (("config", config), ("split", split)):
        bad = (
            table.num_rows - pc.sum(pc.equal(table.column(column), expected)).as_py()
            if table.num_rows
            else 0
        )
        if bad:
            found.append(
                Violation(
                    name, None, f"{bad} rows have {column} other than {expected!r}", "provenance"
                )
            )
    return found


def unlisted_files(out: Path, listed: set[str]) -> list[Violation]:
    """Parquet files under data/ or rejects/ that the manifest does not know about."""
    found = []
    for folder in (DATA_DIR, REJECTS_DIR):
        for path in sorted((out / folder).rglob("*.parquet")):
            name = path.relative_to(out).as_posix()
            if name not in listed:
                found.append(
                    Violation(
                        name, None, "not listed in the manifest (stale or foreign file)", "unlisted"
                    )
                )
    return found


def schema_difference(actual: pa.Schema, expected: pa.Schema) -> str:
    missing = [n for n in expected.names if n not in actual.names]
    extra = [n for n in actual.names if n not in expected.names]
    changed = [
        f"{f.name}: {actual.field(f.name).type} (expected {f.type})"
        for f in expected
        if f.name in actual.names and not actual.field(f.name).type.equals(f.type)
    ]
    parts = [
        f"missing {missing}" if missing else "",
        f"extra {extra}" if extra else "",
        "; ".join(changed),
    ]
    detail = "; ".join(p for p in parts if p) or "column order or nullability differs"
    return f"schema differs from what pairgen writes: {detail}"


def brief(exc: BaseException) -> str:
    """The exception's type and whole message on one line (a violation line stays one line)."""
    text = whole_message(exc)
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text


__all__ = [
    "READ_ERRORS",
    "brief",
    "file_violations",
    "plot_violations",
    "refused_path",
    "rejects_violations",
    "schema_difference",
    "unlisted_files",
]
