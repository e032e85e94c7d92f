"""Validate's tests damage a private copy of a build: ``out`` copies the module's ``built``
(the GSM8K samples unless a module builds its own)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def built(gsm8k_build: Path) -> Path:
    """The build a module's tests start from; a module overrides it with its own."""
    return gsm8k_build


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    """A private copy of the build that a test may damage."""
    return Path(shutil.copytree(built, tmp_path / "out"))
