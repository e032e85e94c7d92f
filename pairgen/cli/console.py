"""The one rich console every command prints through.

In a terminal rich uses the terminal's width.  Piped into a file or a CI log it would
fall back to 80 columns and squash the wider summary tables into unreadable ellipses, so
there it gets a fixed width that fits them.
"""

from __future__ import annotations

from rich.console import Console

PIPE_WIDTH = 160


def make_console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=PIPE_WIDTH)


console = make_console()
