"""OUT's lock: one writer at a time, the holder named, a dead holder's lock taken over."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pairgen.errors import PairgenError
from pairgen.output.lock import LOCK_NAME, output_lock
from pairgen.output.manifest import STATE_DIR

HOLD = """
import sys, time
from pathlib import Path
from pairgen.output.lock import output_lock
with output_lock(Path(sys.argv[1]), "publish"):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock of ``tmp_path / "out"``."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "out")], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    yield process
    process.kill()
    process.wait()


def test_a_second_writer_fails_at_once_naming_the_holder(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(PairgenError) as failure, output_lock(tmp_path / "out", "build"):
        pass
    message = str(failure.value)
    assert f"publish by pid {holder.pid} on {socket.gethostname()} since " in message
    assert f"({Path(sys.executable).name} -c ...)" in message


def test_a_build_exits_2_naming_the_holder_and_writes_nothing(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pairgen",
            "build",
            "--source",
            "gsm8k",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.stderr
    assert f"pid {holder.pid}" in run.stderr and "Traceback" not in run.stderr
    assert sorted(os.listdir(tmp_path / "out")) == [STATE_DIR]


def test_a_killed_holders_lock_is_taken_over(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with output_lock(tmp_path / "out", "build"):
        info = json.loads((tmp_path / "out" / STATE_DIR / LOCK_NAME).read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid() and info["purpose"] == "build"
    assert (tmp_path / "out" / STATE_DIR / LOCK_NAME).read_text(encoding="utf-8") == ""


def test_an_output_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file")
    with pytest.raises(PairgenError, match="not a directory"), output_lock(tmp_path / "out", "x"):
        pass


def test_a_reader_of_a_missing_output_creates_nothing(tmp_path: Path) -> None:
    from pairgen.hub.upload import publish

    with pytest.raises(PairgenError):
        publish(tmp_path / "typo", "org/name", dry_run=True)
    assert not (tmp_path / "typo").exists()
