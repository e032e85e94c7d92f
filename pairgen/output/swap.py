"""Replace OUT's managed files with a finished staging area, crash-safely.

The swap is a few ``rename`` calls, so the moment OUT is neither the old build nor the
new one lasts milliseconds, whatever the build's size.  Its steps, in this order:

1. write ``swap.json`` in the staging area (fsynced): the commit point.  Before it
   exists, a kill leaves OUT untouched; once it exists, the new build *is* the output
   and whoever takes OUT's lock next rolls the swap forward;
2. move the old build's files into the staging area's ``trash/``: ``manifest.json``
   first (from then on no manifest describes files being replaced, so a reader in the
   window gets "not a finished build" instead of wrong data), then the card and plots
   pairgen wrote (they describe the old shards; :mod:`pairgen.output.owned`: a README.md
   or plot of the user's own stays), ``data/`` and ``rejects/`` (refused beforehand when
   they hold a file pairgen did not write);
3. move the new ``data/`` and ``rejects/`` in, then ``manifest.json`` last
   (``os.replace``);
4. rename the staging area aside and delete it (old files included).

Every step can be redone after a kill from what is on disk: an old path is retired
only while the staged manifest is still waiting, and a staged ``data/`` or ``rejects/``
still in staging means OUT's one of that name is old.  :func:`finish_swap` runs at the
start of every build (under the lock) and does exactly the steps left.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from pairgen.output.files import json_text, write_text_atomically
from pairgen.output.manifest import DATA_DIR, MANIFEST_NAME, REJECTS_DIR
from pairgen.output.owned import forget_written, refuse_foreign, retirable, written_extras
from pairgen.output.staging import discard

SWAP_NAME = "swap.json"
TRASH_NAME = "trash"
STAGED = (DATA_DIR, REJECTS_DIR)  # what a build brings, moved in before the manifest
RETIRED = (MANIFEST_NAME, DATA_DIR, REJECTS_DIR)  # in this order, the card and plots between


def swap_in(out: Path, staging: Path) -> None:
    """Make the complete build in ``staging`` OUT's output (the caller holds the lock)."""
    for name in STAGED:  # a build whose every row was rejected writes no data/: the old
        (staging / name).mkdir(exist_ok=True)  # one must still go, so an empty one comes in
    for path in [p for name in STAGED for p in _tree(staging / name)] + [staging / MANIFEST_NAME]:
        _fsync(path)  # the data is on disk before anything points at it
    refuse_foreign(out)  # before the commit point: OUT is still untouched
    had_build = (out / MANIFEST_NAME).is_file()
    retired = [MANIFEST_NAME, *written_extras(out), *STAGED] if had_build else list(STAGED)
    write_text_atomically(
        staging / SWAP_NAME,
        json_text({"retire": retired, "pid": os.getpid(), "time": time.time()}),
    )
    _fsync(staging / SWAP_NAME)
    _fsync(staging)
    finish_swap(out, staging)


def finish_swap(out: Path, staging: Path) -> bool:
    """Roll forward a swap whose commit point was passed; True if there was one."""
    journal = staging / SWAP_NAME
    if not journal.is_file():
        return False
    retired = _retired(journal)
    if (staging / MANIFEST_NAME).exists():  # step 3 not finished: retire what is still old
        trash = staging / TRASH_NAME
        trash.mkdir(exist_ok=True)
        for name in retired:
            new_not_in_yet = name not in STAGED or (staging / name).exists()
            if new_not_in_yet and os.path.lexists(out / name):
                aside = f"{name.replace('/', '__')}.{uuid.uuid4().hex[:8]}"
                os.rename(out / name, trash / aside)
        for name in STAGED:
            if (staging / name).exists():
                os.rename(staging / name, out / name)
        os.replace(staging / MANIFEST_NAME, out / MANIFEST_NAME)
        _fsync(out)
    forget_written(out, list(retired))
    discard(staging)
    return True


def _retired(journal: Path) -> tuple[str, ...]:
    """The paths the swap retires, as recorded at its commit point (only OUT's own names:
    the journal is pairgen's, but nothing read from disk may name a path elsewhere)."""
    try:
        names = json.loads(journal.read_text(encoding="utf-8"))["retire"]
    except (OSError, ValueError, KeyError, TypeError):
        return RETIRED  # torn journal: cannot be, it was written atomically
    if not isinstance(names, list):
        return RETIRED
    allowed = [n for n in names if isinstance(n, str) and (n in RETIRED or retirable(n))]
    return tuple(dict.fromkeys(allowed))


def _tree(root: Path) -> list[Path]:
    """A directory, its subdirectories and files (what must reach the disk)."""
    if not root.is_dir():
        return []
    found = [root]
    for directory, subdirs, names in os.walk(root):
        found += [Path(directory) / n for n in subdirs + names]
    return found


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = ["SWAP_NAME", "finish_swap", "swap_in"]
