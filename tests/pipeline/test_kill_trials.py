"""kill -9 at random moments, through ``benchmarks/kill_trials.py`` with a few trials.

The script holds the checks (previous output byte-identical, rerun byte-identical to an
uninterrupted build and reusing every completed split, no worker outliving its parent,
nothing abandoned in /dev/shm); here it runs small, both kill targets, both kinds of trial.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "kill_trials.py"


@pytest.mark.slow
def test_killed_builds_keep_the_output_and_resume(tmp_path: Path) -> None:
    args = ["--rows", "3000", "--fresh", "1", "--rebuild", "1", "--dir", str(tmp_path)]
    run = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2/2 trials passed" in run.stdout
