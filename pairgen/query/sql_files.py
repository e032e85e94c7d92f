"""The SQL of ``pairgen query --file``: a file of the user's, or a ready query by name.

Ready queries ship inside the package (``pairgen/query/sql/*.sql``, read through
:mod:`importlib.resources`, so a wheel install has them): ``--file reject_reasons`` or
``--file reject_reasons.sql`` picks one up when no file of that name exists where the
command runs (an existing path always wins).

A query file is read with a bound: it must be a regular file (a FIFO, ``/dev/zero`` or
``/dev/urandom`` would otherwise be read until memory runs out, and opening a FIFO
would block) of at most :data:`QUERY_FILE_MAX_BYTES`.
"""

from __future__ import annotations

import os
import stat
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pairgen.errors import PairgenError

# 1 MiB: a thousand times the longest ready query; SQL larger than that is data, not a query.
QUERY_FILE_MAX_BYTES = 1 << 20
READY_SUFFIX = ".sql"


def ready_queries() -> dict[str, Traversable]:
    """The queries shipped with pairgen, by name (file name without ``.sql``), sorted."""
    folder = resources.files("pairgen.query") / "sql"
    found = {
        item.name.removesuffix(READY_SUFFIX): item
        for item in folder.iterdir()
        if item.name.endswith(READY_SUFFIX) and item.is_file()
    }
    return dict(sorted(found.items()))


def read_sql_file(path: Path) -> str:
    """The text of a query file, or of the ready query ``path`` names."""
    if not os.path.lexists(path):
        name = path.name.removesuffix(READY_SUFFIX)
        ready = ready_queries()
        if len(path.parts) == 1 and name in ready:
            return ready[name].read_text(encoding="utf-8")
        raise PairgenError(
            f"query file not found (ready queries: {', '.join(ready)})", file=str(path)
        )
    return _read_bounded(path)


def _read_bounded(path: Path) -> str:
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise PairgenError(f"cannot read query file: {exc.strerror}", file=str(path)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PairgenError(
                "not a regular file (a directory, device or FIFO); give a .sql file",
                file=str(path),
            )
        data = b""
        while len(data) <= QUERY_FILE_MAX_BYTES:  # the size may change while we read
            block = os.read(fd, QUERY_FILE_MAX_BYTES + 1 - len(data))
            if not block:
                break
            data += block
    finally:
        os.close(fd)
    if len(data) > QUERY_FILE_MAX_BYTES:
        raise PairgenError(
            f"query file is larger than {QUERY_FILE_MAX_BYTES:,} bytes; "
            "a query file holds SQL, not data",
            file=str(path),
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PairgenError(
            f"query file is not UTF-8 text: {exc.reason} at byte {exc.start}", file=str(path)
        ) from exc


__all__ = ["QUERY_FILE_MAX_BYTES", "READY_SUFFIX", "read_sql_file", "ready_queries"]
