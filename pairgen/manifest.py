"""The output folder's contract: manifest.json and the names of everything in OUT.

Every later stage (query, validate, card, publish, train) reads a build through this
module, so the layout of OUT and the manifest's file name are written once, here.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from pairgen.errors import PairgenError

MANIFEST_NAME = "manifest.json"
CARD_NAME = "README.md"
MANIFEST_VERSION = 1
VERSIONED_PACKAGES = ("pairgen", "pyarrow", "datasets", "rapidfuzz", "transformers", "tokenizers")


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in VERSIONED_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of a build output, or a clear error when there is none."""
    path = out / MANIFEST_NAME
    if not path.is_file():
        raise PairgenError("no manifest.json: not a pairgen build output", file=str(out))
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PairgenError(
            f"manifest is not valid JSON: {exc.msg}", file=str(path), row=exc.lineno
        ) from exc
    return manifest


__all__ = [
    "CARD_NAME",
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "library_versions",
    "read_manifest",
]
