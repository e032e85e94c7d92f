"""File helpers every stage shares: streamed sha256, atomic writes (temp name, then rename),
and the check that a file named by a build really lies inside its output folder."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from pairgen.errors import PairgenError

BLOCK_BYTES = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks (shards can be hundreds of MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


def json_text(payload: Any) -> str:
    """The one JSON spelling pairgen writes: sorted keys, indent 2, a final newline
    (stable bytes, so a manifest's checksum depends only on its content)."""
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` under a temporary name beside ``path``, then rename it into place:
    a reader (or a crash) sees the old file or the new one, never half of one."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def write_json_atomically(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as :func:`json_text` under a temporary name, then rename it."""
    write_text_atomically(path, json_text(payload))


def regular_file_inside(root: Path, relative: str) -> Path:
    """``root / relative``, refused unless it is a regular file that really lies under ``root``.

    ``relative`` comes from a manifest or a directory listing, so it is not trusted: it
    must be a plain relative POSIX path (no ``..``, no absolute path), and every component
    below ``root`` is checked with ``lstat``, so no symlink anywhere on the way (a linked
    ``plots/``, a shard pointing at ``/etc/passwd``) is ever followed out of the folder.
    ``root`` itself may be a symlink: that is where the user chose to keep the output.
    A missing file raises :class:`FileNotFoundError`, for the caller to word.
    """
    return _inside(root, relative, stat.S_ISREG, "not a regular file")


def directory_inside(root: Path, relative: str) -> Path:
    """``root / relative``, refused unless it is a real directory under ``root`` (as above)."""
    return _inside(root, relative, stat.S_ISDIR, "not a directory")


def _inside(root: Path, relative: str, is_kind: Callable[[int], bool], not_kind: str) -> Path:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or not pure.parts or any(p in ("..", ".") for p in pure.parts):
        raise PairgenError("not a relative path inside the output folder", file=relative)
    current = root
    for index, part in enumerate(pure.parts):
        current = current / part
        mode = os.lstat(current).st_mode
        if stat.S_ISLNK(mode):
            raise PairgenError(
                "is a symlink; pairgen reads and uploads only real files inside the output "
                "folder (replace the link with the file itself)",
                file=str(current),
            )
        if index == len(pure.parts) - 1:
            if not is_kind(mode):
                raise PairgenError(not_kind, file=str(current))
        elif not stat.S_ISDIR(mode):
            raise PairgenError("not a directory", file=str(current))
    return current


__all__ = [
    "BLOCK_BYTES",
    "directory_inside",
    "file_sha256",
    "json_text",
    "regular_file_inside",
    "write_json_atomically",
    "write_text_atomically",
]
