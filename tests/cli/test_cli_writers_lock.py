"""``pairgen card`` and ``pairgen stats`` write into OUT, so they take OUT's lock too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pairgen.cli import main
from pairgen.output.manifest import CARD_NAME, PLOTS_DIR

HOLD = """
import sys, time
from pathlib import Path
from pairgen.output.lock import output_lock
with output_lock(Path(sys.argv[1]), "build"):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def out(gsm8k_build: Path, tmp_path: Path) -> Path:
    """A copy of the GSM8K build: card and stats write into it."""
    return Path(shutil.copytree(gsm8k_build, tmp_path / "out"))


@pytest.fixture
def held(out: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process (a build, say) holding OUT's lock."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    yield process
    process.kill()
    process.wait()


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What ``pairgen ARGV`` says when it exits with status 2."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    return capsys.readouterr().err


def test_card_refuses_while_another_pairgen_writes_out(
    out: Path, held: subprocess.Popen[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert f"pid {held.pid}" in refused(["card", str(out)], capsys)
    assert not (out / CARD_NAME).exists()


def test_stats_plots_refuse_while_another_pairgen_writes_out(
    out: Path, held: subprocess.Popen[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert f"pid {held.pid}" in refused(["stats", str(out)], capsys)
    inside = ["stats", str(out), "--plots", str(out / "figures")]
    assert f"pid {held.pid}" in refused(inside, capsys)
    assert not (out / "figures").exists()
    assert not (out / PLOTS_DIR).exists()
    main(["stats", str(out), "--plots", str(tmp_path / "p")])  # nothing into OUT: no lock
    assert (tmp_path / "p").is_dir()


def test_card_and_stats_write_when_out_is_free(out: Path) -> None:
    main(["card", str(out)])
    main(["stats", str(out), "--json"])
    assert (out / CARD_NAME).is_file() and (out / PLOTS_DIR).is_dir()
