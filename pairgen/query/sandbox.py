"""Restricted DuckDB: a query may read the build's shards and nothing else.

DuckDB executes SQL with the full rights of the user: ``COPY ... TO`` writes any file
(it overwrote a shard), ``read_text`` reads any file, ``ATTACH``/``INSTALL``/``LOAD``
open databases and extensions.  ``pairgen query`` promises to read only, so after the
``pairs`` and ``rejects`` views are created a connection is closed down with DuckDB's
own settings:

- ``allowed_paths`` lists exactly the shard and rejects files the views read (and
  ``allowed_directories`` the ``hf://datasets/ORG/NAME/`` prefix of a Hub target);
- ``enable_external_access = false`` refuses every other file, URL and extension;
- ``lock_configuration = true`` refuses any ``SET``/``RESET`` that would undo the above.

An allowed path is writable too (``COPY ... TO 'shard' (use_tmp_file false)`` replaces
it), so the statements that write files or reach outside the database are refused by
type before they run (:data:`REFUSED_STATEMENTS`).  ``--unrestricted`` skips all of this
for users who want DuckDB's full powers.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from pairgen.errors import PairgenError, whole_message

UNRESTRICTED_HINT = (
    "pairgen query only reads the build's shards; add --unrestricted for DuckDB's full "
    "file, network and extension access"
)
# Statements that write files, open other databases or extensions, or hide a statement
# from this check (PREPARE/EXECUTE).  Everything else (SELECT, in-memory CREATE/INSERT,
# SET VARIABLE, PRAGMA, CALL, ...) stays available; a locked configuration stops SET.
REFUSED_STATEMENTS: dict[duckdb.StatementType, str] = {
    duckdb.StatementType.COPY: "COPY",
    duckdb.StatementType.COPY_DATABASE: "COPY FROM DATABASE",
    duckdb.StatementType.EXPORT: "EXPORT DATABASE",
    duckdb.StatementType.ATTACH: "ATTACH",
    duckdb.StatementType.DETACH: "DETACH",
    duckdb.StatementType.LOAD: "INSTALL/LOAD",
    duckdb.StatementType.EXTENSION: "extension statements",
    duckdb.StatementType.PREPARE: "PREPARE",
    duckdb.StatementType.EXECUTE: "EXECUTE",
}


def restrict(
    con: duckdb.DuckDBPyConnection, paths: Sequence[str], prefixes: Sequence[str] = ()
) -> None:
    """Limit ``con`` to reading ``paths`` (files) and ``prefixes`` (directories, URLs)."""
    con.execute("SET allowed_paths = ?", [list(paths)])
    con.execute("SET allowed_directories = ?", [list(prefixes)])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def is_restricted(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether :func:`restrict` closed ``con`` down (DuckDB's own setting says so)."""
    rows = con.execute("SELECT current_setting('enable_external_access')").fetchall()
    return not rows[0][0]


def check_statements(sql: str) -> None:
    """Refuse a query with a statement that writes files or reaches outside the database."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise PairgenError(f"query failed: {whole_message(exc)}") from exc
    for statement in statements:
        refused = REFUSED_STATEMENTS.get(statement.type)
        if refused is not None:
            raise PairgenError(f"query refused: {refused} is not allowed: {UNRESTRICTED_HINT}")


def explain(exc: duckdb.Error) -> str:
    """DuckDB's message, plus what to do when the restriction caused it."""
    line = whole_message(exc)
    blocked = isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in line
    return f"{line}: {UNRESTRICTED_HINT}" if blocked else line


__all__ = [
    "REFUSED_STATEMENTS",
    "UNRESTRICTED_HINT",
    "check_statements",
    "explain",
    "is_restricted",
    "restrict",
]
