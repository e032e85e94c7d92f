"""The one look of pairgen's progress bars, shared by the commands and the trainer.

``pairgen build``/``validate`` (:mod:`pairgen.cli.progress`) and ``pairgen train``
(:mod:`pairgen.training.progress`) draw their bars alike: the description and count as
literal text (a file name like ``my[bold]file.jsonl`` is never read as rich markup), a
bar, the time elapsed and an ETA.  It lives at the top of the package because the trainer
must not import the CLI; rich is imported only when a bar is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def progress_bars(console: Console, transient: bool = False) -> Progress:
    """A rich ``Progress`` whose tasks carry a ``count`` field (e.g. ``"40/74 pairs"``);
    ``transient`` bars vanish when stopped (the build's summary replaces them)."""
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.fields[count]}", markup=False),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=transient,
    )


__all__ = ["progress_bars"]
