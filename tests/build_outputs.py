"""Helpers for the output-lifecycle tests: a small two-split build and OUT's bytes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.output.manifest import STATE_DIR

from pairgen_rows import gsm8k_rows, write_jsonl


class Crash(BaseException):
    """A simulated kill: not an Exception, so no handler on the way catches it."""


def tree(out: Path) -> dict[str, bytes]:
    """Every file in OUT (pairgen's own ``.pairgen`` bookkeeping aside) and its bytes."""
    found = {}
    for directory, subdirs, names in os.walk(out):
        subdirs[:] = [d for d in subdirs if Path(directory, d) != out / STATE_DIR]
        for name in names:
            path = Path(directory, name)
            found[path.relative_to(out).as_posix()] = path.read_bytes()
    return found


def two_split_spec(inputs: Path, out: Path, **settings: Any) -> BuildSpec:
    """GSM8K train (120 rows) and test (40 rows) from files under ``inputs``."""
    files = {
        "train": [str(write_jsonl(inputs / "train.jsonl", gsm8k_rows(120)))],
        "test": [str(write_jsonl(inputs / "test.jsonl", gsm8k_rows(40)))],
    }
    source = SourceSpec(source="gsm8k", backend="files", data_files=files)
    return BuildSpec(out=out, sources=(source,), **settings)


def tiny_png(gray: int = 0) -> bytes:
    """A whole 1x1 grayscale PNG (validate and publish refuse a file that is not one)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes([0, gray])))
        + chunk(b"IEND", b"")
    )
