"""User-facing errors.

Every problem a user can cause (a missing file, a column that is not there, an unparsable
line) is raised as a :class:`PairgenError`, whose message is one line naming the file,
row and field.  The CLI prints that line and exits non-zero without a traceback; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
import os
import re
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
        prefix = ", ".join(where) + ": " if where else ""
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


# Where a Hugging Face token can come from (huggingface_hub reads the same variables).
TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_API_TOKEN")
REDACTED = "hf_***"
# Anything shaped like a token or a credential header, whatever its source: a server
# that echoes the request (``"authorization": "Bearer hf_..."``), a URL with a password.
_SECRET_SHAPES = re.compile(
    r"(?P<token>\bhf_[A-Za-z0-9]{8,})"
    r"|(?P<bearer>\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}"
    r"|(?P<userinfo>://[^/\s:@]+:)[^/\s@]+@",
    re.IGNORECASE,
)


def known_secrets() -> list[str]:
    """The Hub tokens this process could send: the variables', and the stored login's."""
    found = [os.environ.get(name, "") for name in TOKEN_VARIABLES]
    try:  # the token `hf auth login` stored (huggingface_hub only if already imported)
        import sys

        hub = sys.modules.get("huggingface_hub")
        if hub is not None:
            found.append(hub.get_token() or "")
    except Exception:
        pass
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def redact(text: str, secrets: list[str] | None = None) -> str:
    """``text`` with every known token, and anything shaped like one, replaced by
    ``hf_***``: applied to every message and traceback pairgen prints."""
    for secret in known_secrets() if secrets is None else secrets:
        text = text.replace(secret, REDACTED)

    def mask(match: re.Match[str]) -> str:
        if match["token"]:
            return REDACTED
        if match["bearer"]:
            return f"{match['bearer']}{REDACTED}"
        return f"{match['userinfo']}***@"

    return _SECRET_SHAPES.sub(mask, text)


__all__ = [
    "MESSAGE_CAP",
    "REDACTED",
    "TOKEN_VARIABLES",
    "PairgenError",
    "RowRejected",
    "did_you_mean",
    "known_secrets",
    "redact",
    "whole_message",
]
