"""Which files in OUT pairgen wrote, so a rebuild replaces those and nothing else.

A build writes ``manifest.json``, ``data/`` and ``rejects/`` (the manifest lists every
shard and rejects file); ``pairgen card`` writes ``README.md`` and ``pairgen stats``
writes PNGs into ``plots/``.  The card and plots are recorded, with their sha256, in
``OUT/.pairgen/written.json`` when they are written.  A rebuild retires (moves out, then
deletes) only:

- ``manifest.json``, ``data/`` and ``rejects/``, and only when every file in the two
  folders is named the way pairgen names shards and rejects: a foreign file there
  (``data/notes.txt``) stops the build with one line before anything is touched;
- ``README.md`` and each plot, only when the record names it and the file still has the
  recorded bytes: a README of the user's own, or a plot the user replaced, stays, as
  does every other file in ``plots/`` and in OUT.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from pathlib import Path, PurePosixPath

from pairgen.errors import PairgenError
from pairgen.output.files import (
    NAME_PATTERN,
    file_sha256,
    json_text,
    regular_file_inside,
    write_text_atomically,
)
from pairgen.output.manifest import (
    CARD_NAME,
    DATA_DIR,
    PLOTS_DIR,
    REJECTS_DIR,
    SHARD_NAME,
    STATE_DIR,
)

WRITTEN_NAME = "written.json"


def record_written(out: Path, paths: list[Path]) -> None:
    """Note that pairgen wrote ``paths`` (the card, plots in ``OUT/plots``) just now; the
    caller holds OUT's lock.  Paths outside OUT (``stats --plots DIR``) are not OUT's."""
    record = _read(out)
    root = Path(out).resolve()
    for path in paths:
        try:
            relative = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        if retirable(relative):
            record[relative] = file_sha256(path)
    with suppress(OSError):  # an OUT that cannot record it (read-only): the file just stays
        write_text_atomically(out / STATE_DIR / WRITTEN_NAME, json_text(record))


def written_extras(out: Path) -> list[str]:
    """The card and plots pairgen wrote that are still there with the bytes it wrote."""
    found = []
    for relative, digest in sorted(_read(out).items()):
        if not retirable(relative):
            continue
        try:
            path = regular_file_inside(out, relative)
        except (OSError, PairgenError):
            continue  # gone, or replaced by something that is not pairgen's file
        if file_sha256(path) == digest:
            found.append(relative)
    return found


def forget_written(out: Path, retired: list[str]) -> None:
    """Drop retired files from the record (after a swap moved them out)."""
    record = _read(out)
    kept = {path: digest for path, digest in record.items() if path not in retired}
    if kept == record:
        return
    path = out / STATE_DIR / WRITTEN_NAME
    with suppress(OSError):
        if kept:
            write_text_atomically(path, json_text(kept))
        else:
            path.unlink()  # the usual case: the card and plots went with the old build


def refuse_foreign(out: Path) -> None:
    """Stop when ``data/`` or ``rejects/`` holds a file pairgen would not have written
    there: a rebuild replaces both folders as a whole, and that file is not its to delete."""
    for folder in (DATA_DIR, REJECTS_DIR):
        root = out / folder
        if not root.is_dir() or root.is_symlink():
            continue
        for directory, subdirs, names in os.walk(root):
            for name in subdirs + names:
                relative = (Path(directory) / name).relative_to(out).as_posix()
                path = out / relative
                if path.is_dir() and not path.is_symlink():
                    continue
                if not _pairgen_named(relative):
                    raise PairgenError(
                        f"{folder}/ holds a file pairgen did not write; a rebuild replaces "
                        f"{folder}/ as a whole: move the file out of the output folder",
                        file=str(path),
                    )


def _pairgen_named(relative: str) -> bool:
    """``data/<config>/<split>-00000-of-00001.parquet`` or ``rejects/<config>/<split>.parquet``."""
    parts = PurePosixPath(relative).parts
    if len(parts) != 3 or not NAME_PATTERN.fullmatch(parts[1]):
        return False
    if parts[0] == DATA_DIR:
        match = SHARD_NAME.fullmatch(parts[2])
        return match is not None and NAME_PATTERN.fullmatch(match["split"]) is not None
    stem = parts[2].removesuffix(".parquet")
    return parts[0] == REJECTS_DIR and stem != parts[2] and bool(NAME_PATTERN.fullmatch(stem))


def retirable(relative: str) -> bool:
    """Only the card and a PNG directly in ``plots/`` are ever recorded or retired."""
    parts = PurePosixPath(relative).parts
    if relative == CARD_NAME:
        return True
    return (
        len(parts) == 2
        and parts[0] == PLOTS_DIR
        and parts[1].endswith(".png")
        and not parts[1].startswith(".")
    )


def _read(out: Path) -> dict[str, str]:
    try:
        record = json.loads(regular_file_inside(out, f"{STATE_DIR}/{WRITTEN_NAME}").read_text())
    except (OSError, ValueError, PairgenError):
        return {}
    if not isinstance(record, dict):
        return {}
    return {k: v for k, v in record.items() if isinstance(k, str) and isinstance(v, str)}


__all__ = [
    "WRITTEN_NAME",
    "forget_written",
    "record_written",
    "refuse_foreign",
    "retirable",
    "written_extras",
]
