"""File helpers every stage shares: the one rule for names that become paths, streamed
sha256, atomic writes (temp name, fsync, rename), and the checks that a file or folder
named by a build really lies inside its output folder, reached without a symlink.

Every name that becomes part of a path in OUT (a source, a config, a split, a plugin's
output config, a manifest's shard path) passes :func:`check_name` where it enters pairgen;
every file opened or written inside OUT is reached through :func:`regular_file_inside` or
:func:`real_directory`, which refuse ``..``, absolute paths and symlinks on the way.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path, PurePosixPath
from typing import Any

from pairgen.errors import PairgenError

BLOCK_BYTES = 1 << 20
# A name that becomes a file or folder name in OUT: as on the Hub (``main``, ``ARC-Easy``,
# ``train``, ``validation.v2``), never ``..``, ``/``, a NUL or an empty string.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
MAX_NAME_CHARS = 200


def check_name(kind: str, name: object) -> str:
    """``name`` if it may name a file or folder in OUT, else one clear error.

    The one rule for every name that becomes part of a path (``OUT/data/<config>/<split>-
    00000-of-00001.parquet``): letters, digits, ``_``, ``-`` and ``.``, starting with a
    letter or digit, at most :data:`MAX_NAME_CHARS` characters.  Checked where a name enters
    pairgen (command line, pipeline file, plugin, manifest), so no later step can be
    handed ``../../etc`` or ``/tmp/x``.
    """
    if isinstance(name, str) and len(name) <= MAX_NAME_CHARS and NAME_PATTERN.fullmatch(name):
        return name
    shown = ascii(name)[:80] if isinstance(name, str) else f"of type {type(name).__name__}"
    raise PairgenError(
        f"{kind} {shown}: a {kind} name is letters, digits, '_', '-' and '.' (as on the Hub), "
        f"starting with a letter or digit, at most {MAX_NAME_CHARS} characters (it names a "
        "file or folder in the output)"
    )


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
    """Write ``text`` (UTF-8) atomically at ``path`` (see :func:`write_bytes_atomically`)."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` under a temporary name beside ``path``, fsync it, then rename it into
    place: a reader (or a crash) sees the old file or the new one, never half of one, and
    a failed write (a full disk) leaves neither a partial file nor an empty ``path``.

    The temporary name is created fresh (``O_EXCL | O_NOFOLLOW``): a link left there is
    removed, never written through.
    """
    partial = path.with_name(f".{path.name}.partial")
    with suppress(FileNotFoundError):
        os.unlink(partial)
    fd = os.open(
        partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(partial)
        raise


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


def listed_file(root: Path, relative: str) -> Path:
    """A file a manifest lists, for reading: :func:`regular_file_inside`, and a missing
    one as one clear error instead of ``FileNotFoundError``."""
    try:
        return regular_file_inside(root, relative)
    except (FileNotFoundError, NotADirectoryError):
        raise PairgenError(
            "listed in manifest.json but missing; run `pairgen validate`",
            file=str(root / relative),
        ) from None


def directory_inside(root: Path, relative: str) -> Path:
    """``root / relative``, refused unless it is a real directory under ``root`` (as above)."""
    return _inside(root, relative, stat.S_ISDIR, "not a directory")


def real_directory(root: Path, relative: str, *, create: bool = False) -> Path:
    """``root / relative``, a real folder under ``root`` (created one level at a time when
    ``create``); a symlink or a file on the way is one clear error and nothing is created
    through it.  ``OUT/.pairgen``, ``OUT/data`` and ``OUT/plots`` are reached this way."""
    if create:
        done = PurePosixPath()
        for part in PurePosixPath(relative).parts:
            done = done / part
            with suppress(FileExistsError):
                os.mkdir(root / done)  # its parent was checked just before: a real folder
            directory_inside(root, done.as_posix())
    return directory_inside(root, relative)


def _inside(root: Path, relative: str, is_kind: Callable[[int], bool], not_kind: str) -> Path:
    pure = PurePosixPath(relative)
    if (
        "\0" in relative
        or pure.is_absolute()
        or not pure.parts
        or any(p in ("..", ".") for p in pure.parts)
        or relative != pure.as_posix()
    ):
        raise PairgenError(
            "not a relative path inside the output folder", file=ascii(relative)[1:-1]
        )
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
    "MAX_NAME_CHARS",
    "NAME_PATTERN",
    "check_name",
    "directory_inside",
    "file_sha256",
    "json_text",
    "listed_file",
    "real_directory",
    "regular_file_inside",
    "write_bytes_atomically",
    "write_json_atomically",
    "write_text_atomically",
]
