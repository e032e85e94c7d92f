"""Progress of the trainer's phases on stderr: tokenizing, reference, warm-up, training,
evaluation, each with a count, the time elapsed and an ETA.

A phase that says how many tokens it will forward (``tokens=``, with the ``kind`` of
work: ``forward`` only or ``train``, forward and backward) is announced before it starts
with that count and, once a phase of the same kind has run, the time it should take at
the rate measured so far (:class:`Rates`); the time of phases nested in it (evaluations
during training) does not count towards its own rate.

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


class Rates:
    """Tokens per second measured so far, per kind of work."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[int, float]] = {}

    def add(self, kind: str, tokens: int, seconds: float) -> None:
        done, spent = self.seen.get(kind, (0, 0.0))
        self.seen[kind] = (done + tokens, spent + seconds)

    def estimate(self, kind: str, tokens: int) -> float | None:
        """Seconds ``tokens`` of ``kind`` should take, or None before any was measured."""
        done, spent = self.seen.get(kind, (0, 0.0))
        return tokens * spent / done if done and spent > 0 else None


class Phase:
    """One phase: ``advance(n, note)`` after each unit of work; a context manager."""

    def __init__(
        self,
        owner: Phases,
        name: str,
        total: int,
        unit: str,
        keep: bool,
        tokens: int | None = None,
        kind: str | None = None,
    ) -> None:
        self.owner, self.name, self.total, self.unit, self.keep = owner, name, total, unit, keep
        self.tokens, self.kind, self.nested = tokens, kind, 0.0
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
        self.owner.stack.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.owner.stack.remove(self)
        elapsed = time.perf_counter() - self.started
        if self.owner.stack:
            self.owner.stack[-1].nested += elapsed
        if self.tokens and self.kind and exc[0] is None:
            self.owner.rates.add(self.kind, self.tokens, elapsed - self.nested)
        if self.owner.bars is not None:
            if not self.keep:
                self.owner.bars.remove_task(self.task)
        elif self.owner.enabled and exc[0] is None:
            self._line(finished=True)


class Phases:
    """The progress display of one run (a context manager); :meth:`phase` opens a phase."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.rates = Rates()
        self.stack: list[Phase] = []
        self.bars: Any = None
        if enabled:
            from rich.console import Console

            console = Console(stderr=True)
            if console.is_terminal:
                from pairgen.bars import progress_bars

                self.bars = progress_bars(console)

    def phase(
        self,
        name: str,
        total: int,
        unit: str,
        keep: bool = True,
        tokens: int | None = None,
        kind: str | None = None,
        plan: str = "",
    ) -> Phase:
        """A phase of ``total`` units; ``keep=False`` removes its bar when it ends.

        With ``tokens`` and ``kind``, one line first says what it will cost (``plan``
        adds words to it, e.g. which pairs).
        """
        if tokens is not None and kind is not None:
            guess = self.rates.estimate(kind, tokens)
            when = f", about {clock(guess)}" if guess is not None else ""
            what = f" ({plan})" if plan else ""
            self.notice(f"{name}: {total:,} {unit}{what}, {tokens:,} tokens to {kind}{when}")
        return Phase(self, name, total, unit, keep, tokens, kind)

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


__all__ = ["LINE_EVERY", "Phase", "Phases", "Rates", "clock"]
