"""Progress of the trainer's phases: a rich bar with an ETA, or nothing (tests, --quiet)."""

from __future__ import annotations

import sys
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class _NoBar:
    def update(self, *args: Any, **kwargs: Any) -> None:
        pass


class progress_bar:
    """A rich progress bar, or nothing when ``enabled`` is false (tests, --quiet)."""

    def __init__(self, enabled: bool, description: str, total: int) -> None:
        self.progress = (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            )
            if enabled
            else None
        )
        self.description, self.total = description, total

    def __enter__(self) -> tuple[Any, Any]:
        if self.progress is None:
            return _NoBar(), None
        self.progress.start()
        return self.progress, self.progress.add_task(self.description, total=self.total)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def notice(message: str, enabled: bool) -> None:
    """One line on stderr (not with --quiet; report.json records the same facts)."""
    if enabled:
        print(message, file=sys.stderr)


__all__ = ["notice", "progress_bar"]
