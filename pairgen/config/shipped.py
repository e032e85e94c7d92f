"""Pipeline files shipped inside the package: ``pairgen build demo`` needs no checkout.

``demo``, ``math`` and ``smaug`` live in ``pairgen/config/pipelines/`` and are found by
name through :mod:`importlib.resources`, so a wheel install has them.  A path that exists
always wins over a shipped name.  Relative paths in a pipeline file resolve against the
file's folder, but for a shipped file that folder is inside site-packages: its ``out``
(and any other relative path) resolves against the current directory instead, so
``pairgen build demo`` writes ``./out/demo``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pairgen.errors import PairgenError

SUFFIXES = (".yaml", ".yml")


def shipped_pipelines() -> dict[str, Path]:
    """The shipped pipeline files by name (file name without ``.yaml``), sorted."""
    folder = resources.files("pairgen.config") / "pipelines"
    found = {
        Path(item.name).stem: Path(str(item))
        for item in folder.iterdir()
        if item.name.endswith(SUFFIXES) and item.is_file()
    }
    return dict(sorted(found.items()))


def locate_pipeline(path: Path) -> tuple[Path, Path]:
    """The pipeline file ``path`` names, and the folder its relative paths resolve against."""
    if path.is_file():
        return path, path.parent
    shipped = shipped_pipelines()
    name = path.name.removesuffix(".yaml").removesuffix(".yml")
    if len(path.parts) == 1 and name in shipped:
        return shipped[name], Path.cwd()
    raise PairgenError(
        f"pipeline file not found (shipped pipelines: {', '.join(shipped)})", file=str(path)
    )


__all__ = ["SUFFIXES", "locate_pipeline", "shipped_pipelines"]
