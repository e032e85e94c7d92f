"""Run a function over a stream of work items, in order, with bounded memory.

``concurrent.futures.Executor.map`` submits the whole input up front, which for a 400K-row
build would hold every batch in memory at once.  :func:`ordered_map` keeps at most
``2 * workers`` items in flight and yields results in input order, so the writer sees
the same sequence of rows whatever the worker count or executor.

Executors: ``process`` (a local process pool; ``workers=1`` runs in-process) and ``ray``
(tasks on a Ray cluster, for builds that outgrow one machine; ``pip install pairgen[ray]``).

Workers die with their parent.  When the building process is killed (kill -9, the OOM
killer), a pool worker would otherwise live on: hundreds of MB each, holding the
caller's stdout/stderr, OUT's lock and the run's ``/dev/shm`` directory lock, so the
next build could neither start nor reclaim them.  Each worker asks the kernel for SIGKILL
when its parent dies (Linux ``PR_SET_PDEATHSIG``), or watches its parent elsewhere.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any, TypeVar

from pairgen.config.spec import EXECUTORS
from pairgen.errors import PairgenError
from pairgen.pipeline.parcels import Parcel, pack, parcel_directory, shared_memory_dir, unpack

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    fn: Callable[[Any, T], R],
    context: Any,
    items: Iterable[T],
    workers: int = 1,
    executor: str = "process",
) -> Generator[R, None, None]:
    """``fn(context, item)`` for every item, in order, with bounded work in flight."""
    if executor not in EXECUTORS:
        raise PairgenError(f"unknown executor {executor!r}; use one of {', '.join(EXECUTORS)}")
    if workers < 1:
        raise PairgenError(f"--workers must be at least 1, got {workers}")
    if executor == "ray":
        yield from _ray_map(fn, context, items, workers)
    elif workers == 1:
        for item in items:
            yield fn(context, item)
    else:
        yield from _process_map(fn, context, items, workers)


def _process_map(
    fn: Callable[[Any, T], R], context: Any, items: Iterable[T], workers: int
) -> Generator[R, None, None]:
    """Batches and results travel as parcels: their Arrow buffers through shared memory,
    in a directory of this call's own, removed with whatever an abort left in it."""
    in_flight: deque[Future[Parcel]] = deque()
    shared = shared_memory_dir()
    with ExitStack() as stack:
        parcels = None
        if shared is not None:
            # with not even room for a directory, everything goes through the pipe
            with suppress(OSError):
                parcels = stack.enter_context(parcel_directory(shared))
        pool = stack.enter_context(
            ProcessPoolExecutor(
                max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
            )
        )
        for item in items:
            in_flight.append(pool.submit(_parcel_call, fn, context, pack(item, parcels), parcels))
            if len(in_flight) >= 2 * workers:
                yield unpack(in_flight.popleft().result())
        while in_flight:
            yield unpack(in_flight.popleft().result())


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL_SECONDS = 1.0


def die_with_parent(parent: int) -> None:
    """Pool initializer: end this worker as soon as ``parent`` (the building process) dies.

    On Linux the kernel sends SIGKILL at the parent's death (``PR_SET_PDEATHSIG``); it
    fires when the *thread* that forked the worker ends, which is the build's main thread
    (a fork-based pool starts every worker at its first submit).  The parent may already
    be gone before the request is made, so the parent pid is checked right after it.
    Elsewhere a daemon thread polls the parent pid once a second.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            _watch_parent(parent)
    else:
        _watch_parent(parent)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="pairgen-parent-watch", daemon=True).start()


def _parcel_call(
    fn: Callable[[Any, T], R], context: Any, item: Parcel, directory: Path | None
) -> Parcel:
    """``fn(context, item)`` in a worker, parcel in and parcel out (see parcels)."""
    return pack(fn(context, unpack(item)), directory)


def _ray_map(
    fn: Callable[[Any, T], R], context: Any, items: Iterable[T], workers: int
) -> Generator[R, None, None]:
    try:
        import ray
    except ImportError as exc:
        raise PairgenError("--executor ray needs Ray: pip install 'pairgen[ray]'") from exc
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):  # an existing cluster: use its resources
            ray.init(log_to_driver=False)
        else:  # a local Ray on this machine, sized like the process pool
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    remote_fn = ray.remote(fn)
    context_ref = ray.put(context)
    in_flight: deque[Any] = deque()
    for item in items:
        in_flight.append(remote_fn.remote(context_ref, item))
        if len(in_flight) >= 2 * workers:
            yield ray.get(in_flight.popleft())
    while in_flight:
        yield ray.get(in_flight.popleft())


__all__ = ["PARENT_POLL_SECONDS", "PR_SET_PDEATHSIG", "die_with_parent", "ordered_map"]
