"""User-facing errors.

Every problem a user can cause (a missing file, a column that is not there, an unparsable
line) is raised as a :class:`PairgenError`, whose message is one line naming the file,
row and field.  The CLI prints that line and exits non-zero without a traceback; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class PairgenError(Exception):
    """A problem with the user's input or environment, reported as one clear line."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ": ".join([", ".join(where)]) + ": " if where else ""
        super().__init__(prefix + message)


class RowRejected(Exception):
    """Raised inside a source or strategy when one row cannot become a pair.

    It is never shown to the user as an error: the build catches it and writes the row
    to ``OUT/rejects/`` with ``reason`` (a short stable code, grouped in the summary) and
    ``detail`` (free text for a human).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


MESSAGE_CAP = 2000
"""Characters of a third-party message kept in one error line; past it the rest is counted."""


def whole_message(exc: BaseException, cap: int = MESSAGE_CAP) -> str:
    """All of ``exc``'s message on one line, so a user never reads a sentence cut off.

    DuckDB, httpfs and the Hub client put the useful part (the candidate bindings, the URL,
    the server's reason) after the first line, so lines are joined with "; " rather than
    dropped.  Only a message longer than ``cap`` is shortened, and then it says by how much.
    """
    lines = [line.strip() for line in str(exc).strip().splitlines()]
    text = "; ".join(line for line in lines if line)
    if not text:
        return type(exc).__name__
    if len(text) > cap:
        return f"{text[:cap]}…({len(text) - cap} more characters)"
    return text


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``; did you mean 'gsm8k'?`` for a near miss among ``choices`` (difflib), else ``""``:
    the tail of an error about a mistyped name (command, option value, source)."""
    close = difflib.get_close_matches(word, list(choices), n=2, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


__all__ = ["MESSAGE_CAP", "PairgenError", "RowRejected", "did_you_mean", "whole_message"]
