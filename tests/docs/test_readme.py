"""The front page tells the truth: its runnable commands run, its links lead somewhere,
and the version is written once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import pairgen

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
# A fenced bash block right after this marker is run by the tests, line by line.
MARKER = "<!-- runnable -->"


def runnable_blocks(text: str) -> list[str]:
    return re.findall(re.escape(MARKER) + r"\s*```bash\n(.*?)```", text, flags=re.S)


def test_the_readme_marks_runnable_commands() -> None:
    blocks = runnable_blocks(README.read_text(encoding="utf-8"))
    assert blocks and all(block.strip() for block in blocks)


@pytest.mark.parametrize("index", range(len(runnable_blocks(README.read_text(encoding="utf-8")))))
def test_runnable_readme_block(index: int, tmp_path: Path) -> None:
    """Each block runs in a fresh folder with `pairgen` on PATH, exiting 0 as a whole
    (``set -e``: the first failing command fails it)."""
    block = runnable_blocks(README.read_text(encoding="utf-8"))[index]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "pairgen"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pairgen "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{block}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr


def test_the_front_page_is_short_and_its_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    assert text.splitlines()[2:6] == [
        "```bash",
        "make demo   # fresh machine: creates .venv, installs, builds the shipped `demo` "
        "pipeline from the bundled samples (no network), validates it, prints summary tables",
        "make test   # fresh machine: creates .venv, installs, runs the test suite",
        "```",
    ]
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if not target.startswith(("http://", "https://")):
            assert (ROOT / target).exists(), target


def test_the_version_is_written_once() -> None:
    """pyproject.toml holds it; the package reads its metadata; the changelog's newest
    release is that version."""
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # tomllib: Python 3.11+
    declared = re.findall(r'^version = "([^"]+)"$', project, flags=re.M)
    assert len(declared) == 1 and "dynamic" not in project
    version = declared[0]
    assert pairgen.__version__ == metadata.version("pairgen")
    source = (ROOT / "pairgen" / "__init__.py").read_text(encoding="utf-8")
    assert version not in source  # not written a second time
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## \[(\d[^\]]*)\]", changelog, flags=re.M)
    assert newest is not None and newest.group(1) == version
