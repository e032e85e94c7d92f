"""Timing and peak memory of a piece of work, including any worker processes it starts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import psutil

T = TypeVar("T")


@dataclass
class Measurement:
    seconds: float = 0.0
    peak_rss_bytes: int = 0

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_bytes / 2**20


def _tree_rss(process: psutil.Process) -> int:
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


@contextmanager
def measure(poll_seconds: float = 0.05) -> Iterator[Measurement]:
    """Wall time and the peak summed RSS of this process and its children."""
    result = Measurement()
    process = psutil.Process()
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            result.peak_rss_bytes = max(result.peak_rss_bytes, _tree_rss(process))
            stop.wait(poll_seconds)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    started = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started
        stop.set()
        thread.join()


def timed(fn: Callable[[], T]) -> tuple[T, Measurement]:
    with measure() as m:
        value = fn()
    return value, m
