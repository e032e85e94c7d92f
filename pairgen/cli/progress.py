"""Progress bars on stderr: one per split (or phase), with a total and an ETA when known.

Commands pass a :class:`RowProgress` as the stage's progress callback,
``progress(key, rows_done, rows_total)``; ``rows_total`` is ``None`` when the input
cannot say cheaply how many rows it holds (a Hub stream), and the bar then counts
without a percentage or ETA.  The bars are drawn on stderr, so ``--json`` output and
pipes on stdout stay clean, and only on a terminal: in a CI log they would be noise.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from pairgen.bars import progress_bars
from pairgen.cli.console import err_console

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class RowProgress:
    """A context manager that is also the callback: ``progress(key, done, total)``."""

    def __init__(self, enabled: bool = True, unit: str = "rows") -> None:
        self.enabled = enabled
        self.unit = unit
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RowProgress:
        if self.enabled and err_console().is_terminal:
            self._progress = progress_bars(err_console(), transient=True)
            self._progress.start()
        return self

    @property
    def callback(self) -> RowProgress | None:
        """Itself while bars are drawn, else ``None`` (the stage then skips counting)."""
        return self if self._progress is not None else None

    def __call__(self, key: str, done: int, total: int | None) -> None:
        if self._progress is None:
            return
        count = f"{done:,}/{total:,} {self.unit}" if total is not None else f"{done:,} {self.unit}"
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(key, total=total, count=count)
        self._progress.update(self._tasks[key], completed=done, total=total, count=count)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()


__all__ = ["RowProgress"]
