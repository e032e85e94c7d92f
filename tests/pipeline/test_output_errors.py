"""A full disk or a read-only OUT: one ``error:`` line naming the path, OUT untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from build_outputs import tree, two_split_spec

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.output.lock import output_lock
from pairgen.pipeline import build


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a small tmpfs (root only; skipped where mounting is not allowed)."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        if os.geteuid() != 0:
            pytest.skip("mounting a tmpfs needs root")
        directory = tmp_path / f"disk{len(mounted)}"
        directory.mkdir()
        command = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        mounted.append(directory)
        return directory

    yield mount
    for directory in mounted:
        subprocess.run(["umount", "-l", str(directory)], check=True)


def cli_build(data_file: Path, out: Path) -> subprocess.CompletedProcess[str]:
    args = ["--source", "gsm8k", "--from", "files", "--data-files", f"train={data_file}"]
    return subprocess.run(
        [sys.executable, "-m", "pairgen", "build", *args, "--out", str(out)],
        capture_output=True,
        text=True,
    )


def incompressible_rows(path: Path, rows: int) -> Path:
    """GSM8K rows whose questions are random hex (~1 MB of Parquet per 1,000 rows)."""
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(rows):
            question = os.urandom(1000).hex()
            answer = "It is 3 + 4 = <<3+4=7>>7 and 7 * 2 = <<7*2=14>>14.\n#### 14"
            handle.write(json.dumps({"question": question, "answer": answer}) + "\n")
    return path


def test_a_full_disk_is_one_error_line_and_keeps_the_previous_output(
    tmp_path: Path, tmpfs: Callable[[str], Path]
) -> None:
    out = tmpfs("2m") / "out"
    build(two_split_spec(tmp_path / "in", out))
    before = tree(out)
    run = cli_build(incompressible_rows(tmp_path / "big.jsonl", 3000), out)
    assert run.returncode == 2, run.stderr
    assert "error:" in run.stderr and "no space left on the device" in run.stderr
    assert str(out) in run.stderr and "Traceback" not in run.stderr
    assert tree(out) == before


def test_a_read_only_output_is_one_error_line(tmp_path: Path, tmpfs: Callable[[str], Path]) -> None:
    disk = tmpfs("8m")
    out = disk / "out"
    build(two_split_spec(tmp_path / "in", out))
    before = tree(out)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    run = cli_build(tmp_path / "in" / "train.jsonl", out)
    assert run.returncode == 2, run.stderr
    assert "cannot write the output: the file system is read-only" in run.stderr
    assert "Traceback" not in run.stderr and tree(out) == before
    with output_lock(out, "publish", writes=False):  # a reader still gets the lock
        pass


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
def test_an_output_without_write_permission_is_one_error_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(two_split_spec(tmp_path / "in", out))
    before = tree(out)
    for directory, _, _ in os.walk(out):
        os.chmod(directory, 0o555)
    try:
        with pytest.raises(PairgenError, match="permission denied"):
            build(two_split_spec(tmp_path / "in", out))
    finally:
        for directory, _, _ in os.walk(out):
            os.chmod(directory, 0o755)
    assert tree(out) == before


def test_a_data_folder_that_is_not_pairgens_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    (out / "data" / "mine.csv").write_text("a,b\n")
    spec = BuildSpec(out=out, sources=(SourceSpec("gsm8k"),))
    with pytest.raises(PairgenError, match="holds no pairgen build"):
        build(spec)
    assert tree(out) == {"data/mine.csv": b"a,b\n"}


def test_a_failed_first_build_leaves_no_output_folder(tmp_path: Path) -> None:
    spec = BuildSpec(out=tmp_path / "new", sources=(SourceSpec("gsm8k", config="nope"),))
    with pytest.raises(PairgenError):
        build(spec)
    assert not (tmp_path / "new").exists()
