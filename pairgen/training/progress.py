"""Progress of the trainer's phases on stderr: tokenizing, reference, warm-up, training,
evaluation, each with a count, the time elapsed and an ETA.

On a terminal each phase is a rich progress bar; elsewhere (a CI log, ``2> run.log``)
a phase prints a plain line every :data:`LINE_EVERY` seconds and one when it ends, so
a long SmolLM2 run is never silent.  ``enabled=False`` (``--quiet``) prints nothing.
Results never go here: the report is on stdout and in the run directory.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any

LINE_EVERY = 30.0  # seconds between plain progress lines of one phase


def clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Phase:
    """One phase: ``advance(n, note)`` after each unit of work; a context manager."""

    def __init__(self, owner: Phases, name: str, total: int, unit: str, keep: bool) -> None:
        self.owner, self.name, self.total, self.unit, self.keep = owner, name, total, unit, keep
        self.done, self.note = 0, ""
        self.started = self.last_line = time.perf_counter()
        self.task: Any = None
        if owner.bars is not None:
            self.task = owner.bars.add_task(name, total=total, count=self._count())

    def _count(self) -> str:
        return f"{self.done}/{self.total} {self.unit}" + (f"  {self.note}" if self.note else "")

    def advance(self, n: int = 1, note: str | None = None) -> None:
        self.done += n
        if note is not None:
            self.note = note
        if self.owner.bars is not None:
            self.owner.bars.update(self.task, advance=n, count=self._count())
        elif self.owner.enabled and time.perf_counter() - self.last_line >= LINE_EVERY:
            self._line()

    def _line(self, finished: bool = False) -> None:
        now = time.perf_counter()
        self.last_line = now
        elapsed = now - self.started
        if finished:
            when = f"done in {clock(elapsed)}"
        else:
            left = elapsed / self.done * (self.total - self.done) if self.done else None
            when = f"{clock(elapsed)} elapsed, ETA {clock(left) if left is not None else '?'}"
        print(f"{self.name}: {self._count()}, {when}", file=sys.stderr, flush=True)

    def __enter__(self) -> Phase:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.owner.bars is not None:
            if not self.keep:
                self.owner.bars.remove_task(self.task)
        elif self.owner.enabled and exc[0] is None:
            self._line(finished=True)


class Phases:
    """The progress display of one run (a context manager); :meth:`phase` opens a phase."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: Any = None
        if enabled:
            from rich.console import Console

            console = Console(stderr=True)
            if console.is_terminal:
                from pairgen.bars import progress_bars

                self.bars = progress_bars(console)

    def phase(self, name: str, total: int, unit: str, keep: bool = True) -> Phase:
        """A phase of ``total`` units; ``keep=False`` removes its bar when it ends."""
        return Phase(self, name, total, unit, keep)

    def notice(self, message: str) -> None:
        """One line on stderr (not with --quiet; report.json records the same facts)."""
        if not self.enabled:
            return
        if self.bars is not None:
            self.bars.console.print(message, markup=False, highlight=False)
        else:
            print(message, file=sys.stderr, flush=True)

    def __enter__(self) -> Phases:
        if self.bars is not None:
            self.bars.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.bars is not None:
            self.bars.stop()


__all__ = ["LINE_EVERY", "Phase", "Phases", "clock"]
