"""One writer at a time in an output folder: ``output_lock(out, purpose)``.

Two builds into one OUT (or a build and a publish of it) would interleave their files:
a corrupt shard next to a manifest, or two successful runs where the first result was
silently replaced.  Whoever writes OUT holds an exclusive ``flock`` on
``OUT/.pairgen/lock`` for the whole job; a second one fails at once with a
:class:`~pairgen.errors.PairgenError` naming the holder (pid, host, start time, command),
read from the lock file, where each holder writes them after taking the lock.

Why ``flock`` and not a pid file: the kernel drops the lock when the holder's last file
descriptor closes, i.e. when the process dies however it dies (kill -9, OOM killer), so a
dead holder's lock is simply taken by the next run, and a reused pid or another pid
namespace can never make a dead holder look alive.  Worker processes forked by a build
inherit the descriptor; they die with their parent (see :mod:`pairgen.pipeline.executors`),
so the lock is free as soon as the build is gone.  ``flock`` is advisory and local: two
machines writing one network-mounted OUT are not kept apart on every file system.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shlex
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from pairgen.errors import PairgenError
from pairgen.output.files import json_text, real_directory
from pairgen.output.manifest import DATA_DIR, MANAGED, PLOTS_DIR, REJECTS_DIR, STATE_DIR

LOCK_NAME = "lock"
MANAGED_FOLDERS = (STATE_DIR, DATA_DIR, REJECTS_DIR, PLOTS_DIR)
READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)  # OUT exists but may not be written


@contextmanager
def output_lock(out: Path, purpose: str, *, writes: bool = True) -> Iterator[Path]:
    """Hold OUT exclusively for ``purpose`` (``build``, ``publish``); yields ``OUT/.pairgen``.

    Fails at once, never waits: a second build that queued behind the first would then
    replace the first one's output without anybody having asked for it twice.  A job
    that only reads OUT (``writes=False``: publish) still works on an OUT it may not
    write (a read-only mount, another user's folder): it locks the existing lock file
    read-only (``flock`` needs no write access) or, with none there, goes unlocked, as
    nobody who can write OUT has been there.
    """
    out = Path(out)
    fd = _open_lock(out, writes)
    if fd is None:
        yield out / STATE_DIR
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PairgenError(
                f"another pairgen is writing this output: {describe_holder(fd)}; wait for it "
                "to finish or stop it",
                file=str(out),
            ) from None
        with suppress(OSError):  # read-only: the lock holds, unnamed
            _write_holder(fd, purpose)
        try:
            yield out / STATE_DIR
        finally:
            with suppress(OSError):
                os.ftruncate(fd, 0)  # a released lock names nobody
    finally:
        os.close(fd)  # releases the flock


def check_out_path(out: Path) -> None:
    """Refuse an output path that exists and is not a folder."""
    if out.exists() and not out.is_dir():
        raise PairgenError("output path exists and is not a directory", file=str(out))


def check_managed(out: Path) -> None:
    """Every managed path in OUT that exists is a real file or folder, not a symlink.

    A linked ``OUT/.pairgen`` or ``OUT/data`` would make pairgen write, replace or delete
    files somewhere else (a lock, a staging area, a shard), so a writer stops with one
    line naming it before touching anything.
    """
    for name in (STATE_DIR, *MANAGED):
        path = out / name
        if not os.path.lexists(path):
            continue
        if path.is_symlink():
            raise PairgenError(
                "is a symlink; pairgen writes only real files and folders inside the output "
                "folder (remove the link, or choose another --out)",
                file=str(path),
            )
        folder = name in MANAGED_FOLDERS
        if folder != path.is_dir() or not (folder or path.is_file()):
            kind = "a folder" if folder else "a regular file"
            raise PairgenError(f"must be {kind} for pairgen to write here", file=str(path))


def _open_lock(out: Path, writes: bool) -> int | None:
    """The lock file, opened for writing (created with ``OUT/.pairgen`` if need be), or
    for a reader of an OUT it may not write, read-only (None: there is none)."""
    check_out_path(out)
    if not writes and not out.exists():
        return None  # nothing to read: the reader says so; a typo'd path is not created
    check_managed(out)
    lock = out / STATE_DIR / LOCK_NAME
    try:
        if writes:
            out.mkdir(parents=True, exist_ok=True)
            real_directory(out, STATE_DIR, create=True)
        return os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        if writes or exc.errno not in READ_ONLY:
            raise output_error(exc, out) from exc
    try:
        return os.open(lock, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return None


def describe_holder(fd: int) -> str:
    """The holder's own description from the lock file (it may be mid-write: say so)."""
    try:
        info = json.loads(os.pread(fd, 64 * 1024, 0).decode("utf-8"))
        started = time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(float(info["started"])))
        return (
            f"{info['purpose']} by pid {info['pid']} on {info['host']} since {started} "
            f"({info['command']})"
        )
    except (ValueError, KeyError, TypeError, OSError):
        return "a process that is just starting (no details yet)"


def _write_holder(fd: int, purpose: str) -> None:
    holder = {
        "purpose": purpose,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.time(),
        "command": _command(),
    }
    data = json_text(holder).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def _command() -> str:
    """This process's command line as a user would type it (``pairgen build ...``)."""
    program, *args = sys.argv or [""]
    python = Path(sys.executable).name
    if program in ("-c", ""):
        words = [python, "-c", "..."] if program else [python]
    elif Path(program).name == "__main__.py":  # python -m pairgen
        words = [python, "-m", Path(program).parent.name]
    else:
        words = [Path(program).name]
    return shlex.join(words + args) if program != "-c" else shlex.join(words)


def output_error(exc: OSError, out: Path) -> PairgenError:
    """An OSError while writing OUT as one line naming the path (no traceback)."""
    reasons = {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
    }
    reason = reasons.get(exc.errno or 0) or exc.strerror or str(exc)
    where = exc.filename if isinstance(exc.filename, str) else str(out)
    return PairgenError(f"cannot write the output: {reason} (OUT is unchanged)", file=where)


__all__ = [
    "LOCK_NAME",
    "check_managed",
    "check_out_path",
    "describe_holder",
    "output_error",
    "output_lock",
]
