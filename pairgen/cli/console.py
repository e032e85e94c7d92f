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

import os
from functools import cache
from typing import TYPE_CHECKING, Any

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


def show(renderable: object) -> None:
    """A rich table on stdout; piped, its lines carry no trailing spaces (rich pads a title
    to the table's width, which shows up in every diff and `grep ' $'`)."""
    out = console()
    if out.is_terminal:
        out.print(renderable)
        return
    with out.capture() as captured:
        out.print(renderable)
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))


@cache
def err_console() -> Console:
    """The stderr console, for progress bars."""
    from rich.console import Console

    return Console(stderr=True)


def no_color() -> bool:
    """Whether the user asked for no colour: ``NO_COLOR`` set and not empty (no-color.org)."""
    return bool(os.environ.get("NO_COLOR"))


def style(text: str, **styles: Any) -> str:
    """``click.style`` unless ``NO_COLOR`` is set (click only strips colour off a terminal;
    rich reads ``NO_COLOR`` itself)."""
    return text if no_color() else click.style(text, **styles)


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
    click.echo(style("error:", fg="red", bold=True) + " " + redact(message), err=True)


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
    "no_color",
    "note",
    "print_traceback",
    "say",
    "show",
    "style",
]
