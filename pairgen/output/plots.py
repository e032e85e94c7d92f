"""``OUT/plots/``: the PNGs ``pairgen stats`` wrote, as card shows and publish uploads them.

Only regular files directly in a real ``plots/`` folder count (a symlinked folder or plot
is an error: the card would show, and publish upload, a file from elsewhere), and each
must be a whole PNG: a 0-byte or truncated file (a full disk during ``stats``, a copy cut
short) is refused by validate and publish rather than shipped as a broken image.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

from pairgen.errors import PairgenError
from pairgen.output.files import directory_inside, regular_file_inside
from pairgen.output.manifest import PLOTS_DIR

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PLOT_BYTES = 64 << 20  # pairgen's plots are ~100 KB


def plot_files(out: Path) -> list[Path]:
    """The PNG plots in ``OUT/plots/``, in name order, each checked (:func:`check_png`)."""
    if not os.path.lexists(out / PLOTS_DIR):
        return []
    folder = directory_inside(out, PLOTS_DIR)
    names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".png"))
    plots = [regular_file_inside(out, f"{PLOTS_DIR}/{name}") for name in names]
    for path in plots:
        check_png(path)
    return plots


def check_png(path: Path) -> None:
    """Refuse a file that is not one whole PNG: signature, then chunks whose lengths and
    CRCs hold, from ``IHDR`` to ``IEND`` (what an image viewer needs to decode it)."""
    size = path.stat().st_size
    if size == 0 or size > MAX_PLOT_BYTES:
        what = "is empty (0 bytes)" if size == 0 else f"is over {MAX_PLOT_BYTES >> 20} MiB"
        raise PairgenError(f"plot {what}; run `pairgen stats` again", file=str(path))
    data = path.read_bytes()
    problem = _png_problem(data)
    if problem is not None:
        raise PairgenError(
            f"not a whole PNG image ({problem}); run `pairgen stats` again", file=str(path)
        )


def _png_problem(data: bytes) -> str | None:
    if not data.startswith(PNG_SIGNATURE):
        return "no PNG signature"
    offset, first = len(PNG_SIGNATURE), True
    while offset + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        end = offset + 8 + length
        if end + 4 > len(data):
            return f"chunk {kind!r} cut short"
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(data[offset + 4 : end]) != crc:
            return f"chunk {kind!r} is damaged (CRC)"
        if first and kind != b"IHDR":
            return "no IHDR header"
        if kind == b"IEND":
            return None
        offset, first = end + 4, False
    return "no IEND: truncated"


__all__ = ["MAX_PLOT_BYTES", "PNG_SIGNATURE", "check_png", "plot_files"]
