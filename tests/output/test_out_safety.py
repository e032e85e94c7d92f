"""Nothing outside OUT is written or read, and a rebuild replaces only pairgen's files.

Each test runs ``python -m pairgen`` in a real process against real files and symlinks,
and checks the command's one error line, its exit status and what is on disk after it.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from build_outputs import tiny_png, tree

from pairgen.output.files import check_name, real_directory, write_bytes_atomically
from pairgen.output.manifest import STATE_DIR

from pairgen_rows import gsm8k_rows, write_jsonl

ROOT = Path(__file__).resolve().parents[2]


def pairgen(
    *args: str, cwd: Path | None = None, limit_file_bytes: int | None = None
) -> tuple[int, str, str]:
    """Run ``python -m pairgen`` in a fresh process: (exit status, stdout, stderr)."""

    def limit() -> None:  # a disk that fills up: writes past the limit fail with EFBIG
        if limit_file_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pairgen", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        preexec_fn=limit,
        timeout=300,
    )
    return done.returncode, done.stdout, done.stderr


def one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("in") / "train.jsonl", gsm8k_rows(30))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, data: Path) -> Path:
    out = tmp_path_factory.mktemp("built") / "out"
    status, _, err = pairgen(
        "build", "--source", "gsm8k", "--data-files", f"train={data}", "--out", str(out)
    )
    assert status == 0, err
    return out


@pytest.mark.parametrize(
    "escape", ["/../../../../../../../../../../..{victim}", "../{name}", "a/b", ".hidden", "x\x01"]
)
def test_a_split_name_that_is_a_path_is_refused_and_nothing_is_written(
    tmp_path: Path, data: Path, escape: str
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    split = escape.format(victim=victim / "victim", name="victim")
    status, _, err = pairgen(
        "build",
        "--source",
        "gsm8k",
        "--from",
        "files",
        "--data-files",
        f"{split}=train.jsonl",
        "--out",
        str(tmp_path / "o"),
        cwd=data.parent,
    )
    assert status == 2 and "a split name is letters, digits" in one_error(err)
    assert list(victim.iterdir()) == [] and not (tmp_path / "o").exists()


def test_the_name_rule(tmp_path: Path) -> None:
    for good in ("train", "ARC-Easy", "validation.v2", "main_1"):
        assert check_name("split", good) == good
    for bad in ("", "..", ".", "/x", "a/b", "a\x00b", "-x", "x" * 201, "é"):
        with pytest.raises(Exception, match="name is letters"):
            check_name("split", bad)


def test_a_linked_state_folder_is_refused_and_the_folder_it_points_at_untouched(
    tmp_path: Path, data: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "staging").mkdir(parents=True)
    (elsewhere / "staging" / "important.txt").write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / STATE_DIR).symlink_to(elsewhere)
    status, _, err = pairgen(
        "build", "--source", "gsm8k", "--data-files", f"train={data}", "--out", str(out)
    )
    assert status == 2 and "is a symlink" in one_error(err)
    assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == [
        "staging",
        "staging/important.txt",
    ]


@pytest.mark.parametrize("name", ["data", "rejects", "plots", "README.md"])
def test_a_linked_managed_path_is_refused_before_anything_is_written(
    built: Path, tmp_path: Path, data: Path, name: str
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if (out / name).exists():
        shutil.rmtree(out / name) if (out / name).is_dir() else (out / name).unlink()
    (out / name).symlink_to(elsewhere)
    before = tree(out)
    status, _, err = pairgen(
        "build",
        "--source",
        "gsm8k",
        "--data-files",
        f"train={data}",
        "--seed",
        "3",
        "--out",
        str(out),
    )
    assert status == 2 and "is a symlink" in one_error(err)
    assert tree(out) == before and list(elsewhere.iterdir()) == []


def test_real_directory_creates_no_folder_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "plots").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(Exception, match="is a symlink"):
        real_directory(tmp_path / "out", "plots/sub", create=True)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_rebuild_keeps_the_users_files_and_replaces_pairgens_card_and_plots(
    built: Path, tmp_path: Path, data: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    (out / "plots").mkdir()
    (out / "plots" / "mine.txt").write_text("my notes")
    (out / "notes.md").write_text("mine")
    assert pairgen("card", str(out))[0] == 0  # pairgen's card: recorded, so replaceable
    assert pairgen("stats", str(out))[0] == 0  # pairgen's plots
    args = ("build", "--source", "gsm8k", "--data-files", f"train={data}", "--out", str(out))
    assert pairgen(*args, "--seed", "5")[0] == 0
    files = tree(out)
    assert files["plots/mine.txt"] == b"my notes" and files["notes.md"] == b"mine"
    assert "README.md" not in files and not any(p.endswith(".png") for p in files)

    (out / "README.md").write_text("my own readme")  # the user's: never recorded
    assert pairgen(*args, "--seed", "6")[0] == 0
    assert (out / "README.md").read_text() == "my own readme"
    assert (out / "plots" / "mine.txt").read_text() == "my notes"


def test_a_foreign_file_in_data_stops_a_rebuild_before_anything_changes(
    built: Path, tmp_path: Path, data: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    (out / "data" / "gsm8k" / "notes.txt").write_text("mine")
    before = tree(out)
    status, _, err = pairgen(
        "build",
        "--source",
        "gsm8k",
        "--data-files",
        f"train={data}",
        "--seed",
        "9",
        "--out",
        str(out),
    )
    assert status == 2 and "pairgen did not write" in one_error(err)
    assert tree(out) == before


def test_an_empty_out_is_refused(tmp_path: Path, data: Path) -> None:
    status, _, err = pairgen(
        "build", "--source", "gsm8k", "--data-files", f"train={data}", "--out", "", cwd=tmp_path
    )
    assert status == 2 and "give a folder name" in one_error(err)
    assert list(tmp_path.iterdir()) == []


def test_a_fifo_and_a_device_are_named_as_such(tmp_path: Path) -> None:
    fifo = tmp_path / "rows.jsonl"
    os.mkfifo(fifo)
    for path, word in ((fifo, "a FIFO"), (Path("/dev/zero"), "a character device")):
        status, _, err = pairgen(
            "build",
            "--source",
            "gsm8k",
            "--data-files",
            f"train={path}",
            "--out",
            str(tmp_path / "o"),
        )
        assert status == 2 and word in one_error(err)


def test_negative_max_rows_is_refused(built: Path) -> None:
    status, _, err = pairgen("query", str(built), "SELECT 1", "--max-rows", "-5")
    assert status == 2 and "-5" in err and "Traceback" not in err


def test_query_and_stats_refuse_a_folder_left_in_the_middle_of_a_swap(
    built: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    (out / "manifest.json").unlink()  # a swap killed after retiring the old manifest
    for args in (
        ("query", str(out), "SELECT count(*) FROM pairs"),
        ("stats", str(out), "--no-plots"),
    ):
        status, _, err = pairgen(*args)
        assert status == 2 and "not a finished pairgen build" in one_error(err)


def test_a_full_disk_during_card_and_stats_leaves_no_partial_file(
    built: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    status, _, err = pairgen("card", str(out), limit_file_bytes=512)
    assert status == 2 and "cannot write the output" in one_error(err)
    status, _, err = pairgen("stats", str(out), limit_file_bytes=512)
    assert status == 2 and "cannot write the output" in one_error(err)
    left = [p.name for p in out.rglob("*") if p.is_file() and STATE_DIR not in p.parts]
    assert not any(name.endswith(".partial") or name.endswith(".png") for name in left), left
    assert "README.md" not in left


def test_write_bytes_atomically_replaces_a_planted_link_not_its_target(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_text("keep")
    (tmp_path / ".f.partial").symlink_to(target)
    write_bytes_atomically(tmp_path / "f", b"new")
    assert target.read_text() == "keep" and (tmp_path / "f").read_bytes() == b"new"
    assert not os.path.lexists(tmp_path / ".f.partial")


@pytest.mark.parametrize("plot", [b"", b"\x89PNG\r\n\x1a\n", tiny_png()[:-6]])
def test_validate_and_publish_refuse_an_empty_or_broken_plot(
    built: Path, tmp_path: Path, plot: bytes
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    (out / "plots").mkdir()
    (out / "plots" / "edit_distance.png").write_bytes(plot)
    status, stdout, _ = pairgen("validate", str(out))
    assert status == 1 and "plots" in stdout
    status, _, err = pairgen("publish", str(out), "--repo", "me/x", "--dry-run")
    assert status == 2 and "edit_distance.png" in one_error(err)


def test_card_refuses_a_shard_linked_outside_and_writes_no_card(
    built: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    shard = next((out / "data" / "gsm8k").glob("*.parquet"))
    outside = tmp_path / "outside.parquet"
    shutil.move(shard, outside)
    shard.symlink_to(outside)
    status, _, err = pairgen("card", str(out))
    assert status == 2 and "is a symlink" in one_error(err)
    assert not (out / "README.md").exists()
    assert pairgen("validate", str(out))[0] == 1  # the same folder fails validate too


def test_a_linked_staging_area_is_removed_not_followed(
    built: Path, tmp_path: Path, data: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "data").mkdir(parents=True)
    (elsewhere / "data" / "important.txt").write_text("keep me")
    (elsewhere / "journal.json").write_text("{}")
    (out / STATE_DIR / "staging").symlink_to(elsewhere)
    status, _, err = pairgen(
        "build",
        "--source",
        "gsm8k",
        "--data-files",
        f"train={data}",
        "--seed",
        "4",
        "--out",
        str(out),
    )
    assert status == 0, err
    assert (elsewhere / "data" / "important.txt").read_text() == "keep me"
