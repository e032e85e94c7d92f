"""``--data-files SPLIT=PATTERN``: which real files feed each split, as ``datasets`` reads them.

A pattern is, as for ``datasets.load_dataset(..., data_files=...)``:

- a file (``data/train.jsonl``);
- a glob (``data/train-*.parquet``, ``data/**/*.jsonl.gz``; ``**`` crosses folders);
- a directory: the files inside it, at any depth, whose name ends in a known format.

Glob and directory matches are sorted by path, skip hidden names (``.cache``) and
double-underscore folders (``__pycache__``) below the pattern, and keep only files of a
known format (:data:`DATA_FORMATS`, optionally compressed with gzip ``.gz`` or zstd
``.zst``), so a ``README.md`` beside the data is not read as rows.

Files are identified by what they are, not by how they are spelled: ``dir/../dir/f``, a
symlink and a hardlink to ``f`` are the same file (same device and inode), so listing one
twice for a split, which would pair its rows twice, is an error; one file feeding two
splits is allowed but logged as a warning, since the splits then share rows.
"""

from __future__ import annotations

import glob
import logging
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pairgen.errors import PairgenError

logger = logging.getLogger(__name__)

# suffix -> reader format; ``.json`` holds an array of rows or JSON Lines (as in datasets)
DATA_FORMATS: dict[str, str] = {
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
}
# suffix -> the compression name pyarrow's input streams take
COMPRESSIONS: dict[str, str] = {".gz": "gzip", ".zst": "zstd"}
_GLOB_MAGIC = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class DataFormat:
    """How one file is read: its row format and the compression around it (or ``None``)."""

    kind: str
    compression: str | None = None


def data_format(path: Path) -> DataFormat | None:
    """The format of a file, from its name (``train.jsonl.gz`` is gzip'd JSON Lines)."""
    name = path.name.lower()
    compression = None
    for suffix, codec in COMPRESSIONS.items():
        if name.endswith(suffix):
            name, compression = name.removesuffix(suffix), codec
            break
    kind = DATA_FORMATS.get(Path(name).suffix)
    if kind is None or (kind == "parquet" and compression is not None):
        return None  # Parquet compresses its own pages; a .parquet.gz is not readable
    return DataFormat(kind, compression)


def known_formats() -> str:
    """The accepted file endings, for error messages."""
    compressed = [f"{s}{c}" for s in (".jsonl", ".json", ".csv") for c in COMPRESSIONS]
    return ", ".join([*DATA_FORMATS, *compressed])


def expand_pattern(pattern: str) -> list[Path]:
    """The data files one ``--data-files`` pattern names (see the module doc), in order.

    Kept by hand rather than ``datasets.data_files.resolve_pattern`` (measured on 300
    files under a folder with hidden, ``__pycache__`` and README files): that takes no
    directory (``data/`` must be written ``data/**``), its ``allowed_extensions`` admits a
    ``.parquet.gz`` no reader can open, and it took 65-94 ms where this takes 33-37 ms.
    Globs it does take give the same files in the same order.
    """
    path = Path(pattern)
    if path.is_dir():
        found = _globbed(os.path.join(glob.escape(pattern), "**", "*"))
        if not found:
            raise PairgenError(
                f"directory holds no data files (looked for {known_formats()})", file=pattern
            )
        return found
    if _GLOB_MAGIC.isdisjoint(pattern):
        if not path.is_file():
            raise PairgenError(not_a_file(path), file=pattern)
        if data_format(path) is None:
            raise PairgenError(f"unsupported file type (use {known_formats()})", file=pattern)
        return [path]
    found = _globbed(pattern)
    if not found:
        raise PairgenError(
            f"no data file matches the pattern (formats: {known_formats()})", file=pattern
        )
    return found


def not_a_file(path: Path) -> str:
    """Why ``path`` is not a data file, in words: missing, or what it is instead (a FIFO or a
    device would block or never end; pairgen reads regular files only)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "file not found"
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    kinds = {
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    kind = next((word for test, word in kinds.items() if test(mode)), "not a regular file")
    return f"is {kind}, not a regular file: pairgen reads data from regular files only"


def _globbed(pattern: str) -> list[Path]:
    """Files of a known format matching a glob, sorted; hidden and ``__`` names skipped.

    Python's glob already leaves out names starting with ``.`` unless the pattern spells
    the dot; ``__pycache__``-like folders are left out here unless the pattern names one.
    """
    dunder_asked = "__" in pattern
    return [
        Path(match)
        for match in sorted(glob.glob(pattern, recursive=True))
        if os.path.isfile(match)
        and data_format(Path(match)) is not None
        and (dunder_asked or not any(part.startswith("__") for part in Path(match).parts))
    ]


def file_identity(path: Path) -> tuple[int, int]:
    """(device, inode) of the real file behind ``path`` (symlinks followed)."""
    info = path.stat()
    return info.st_dev, info.st_ino


def resolve_data_files(
    data_files: Mapping[str, Sequence[str | Path]], splits: Sequence[str]
) -> dict[str, list[Path]]:
    """Each split's data files, in order; a file given twice for one split is an error.

    A file that feeds two splits is logged once as a warning (the splits share rows).
    """
    seen_in: dict[tuple[int, int], tuple[str, Path]] = {}
    resolved: dict[str, list[Path]] = {}
    for split in splits:
        if split not in data_files:
            raise PairgenError(f"split {split!r} has no --data-files entry")
        files: list[Path] = []
        for pattern in data_files[split]:
            files += expand_pattern(str(pattern))
        own: dict[tuple[int, int], Path] = {}
        for path in files:
            identity = file_identity(path)
            if identity in own:
                raise PairgenError(
                    f"split {split!r} lists the same file twice, also as {str(own[identity])!r} "
                    "(its rows would pair twice)",
                    file=str(path),
                )
            own[identity] = path
            if identity in seen_in:
                other_split, other = seen_in[identity]
                spelled = "" if other == path else f" (as {other})"
                logger.warning(
                    "warning: %s feeds split %r and split %r%s: the splits share its rows",
                    path,
                    other_split,
                    split,
                    spelled,
                )
            else:
                seen_in[identity] = (split, path)
        resolved[split] = files
    return resolved


__all__ = [
    "COMPRESSIONS",
    "DATA_FORMATS",
    "DataFormat",
    "data_format",
    "expand_pattern",
    "file_identity",
    "known_formats",
    "not_a_file",
    "resolve_data_files",
]
