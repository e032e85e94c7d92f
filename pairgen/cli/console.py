"""Where the commands print: results on stdout, progress and errors on stderr.

Results (tables, ``--json``, ``--format csv``) go to stdout so they can be piped; progress
bars, notes and errors go to stderr so they never mix into a result.  User text (file
names, error messages, SQL, install hints like ``pip install 'pairgen[ray]'``) is always
printed literally: :func:`say` and :func:`error` never read rich markup, and the tables
escape every cell.

rich is imported on first use, not at import, so ``pairgen --help`` does not pay for it.
In a terminal rich uses the terminal's width; piped into a file or a CI log it would
fall back to 80 columns and squash the wider tables into ellipses, so there it gets a
fixed width that fits them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import click

from pairgen.errors import redact

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

PIPE_WIDTH = 160


@cache
def console() -> Console:
    """The stdout console, for result tables."""
    from rich.console import Console

    out = Console()
    return out if out.is_terminal else Console(width=PIPE_WIDTH)


@cache
def err_console() -> Console:
    """The stderr console, for progress bars."""
    from rich.console import Console

    return Console(stderr=True)


def say(line: str) -> None:
    """A result line on stdout, printed as is."""
    click.echo(line)


def note(line: str) -> None:
    """A line for the person at the terminal (not a result): stderr, printed as is, any
    token in it masked (:func:`~pairgen.errors.redact`)."""
    click.echo(redact(line), err=True)


def error(message: str) -> None:
    """``error: <message>`` on stderr, whole and literal (red only on a terminal), any
    token in it masked: a server that echoes the request must not make pairgen print it."""
    click.echo(click.style("error:", fg="red", bold=True) + " " + redact(message), err=True)


def print_traceback(exc: BaseException) -> None:
    """The full traceback of ``exc`` on stderr (``--debug``), every token in it masked."""
    import traceback

    click.echo(redact("".join(traceback.format_exception(exc))), err=True, nl=False)


def cell(value: object) -> Text:
    """A table cell holding user text literally (rich would read ``[x]`` as markup)."""
    from rich.text import Text

    return Text(str(value))


__all__ = [
    "PIPE_WIDTH",
    "cell",
    "console",
    "err_console",
    "error",
    "note",
    "print_traceback",
    "say",
]
