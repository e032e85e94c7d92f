"""validate reads only real files inside OUT: a symlink is refused, never followed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pairgen.cli import main
from pairgen.output.manifest import read_manifest
from pairgen.validate.run import validate_output


def shard(out: Path) -> str:
    return read_manifest(out).configs["gsm8k"].splits["train"].shards[0].path


def linked_to_a_copy_outside(path: Path, elsewhere: Path) -> None:
    """Replace ``path`` by a link to an identical copy: every checksum still matches."""
    copy = elsewhere / path.name
    shutil.move(path, copy)
    path.symlink_to(copy, target_is_directory=copy.is_dir())


def found(out: Path) -> list[tuple[str, str, str]]:
    return [(v.shard, v.check, v.reason) for v in validate_output(out).violations]


def test_a_linked_shard_is_one_violation(out: Path, tmp_path: Path) -> None:
    assert validate_output(out).ok
    linked_to_a_copy_outside(out / shard(out), tmp_path)
    ((name, check, reason),) = found(out)
    assert (name, check) == (shard(out), "real_file") and reason.startswith("is a symlink")


def test_a_linked_folder_on_the_way_is_named(out: Path, tmp_path: Path) -> None:
    linked_to_a_copy_outside(out / "data" / "gsm8k", tmp_path)
    problems = found(out)
    assert {(name, check) for name, check, _ in problems} == {
        (path, "real_file") for path in read_manifest(out).files() if path.startswith("data/")
    }
    assert all(reason.startswith("data/gsm8k is a symlink") for _, _, reason in problems)


def test_a_linked_manifest_is_refused_before_anything_is_read(
    out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    linked_to_a_copy_outside(out / "manifest.json", tmp_path)
    assert [(name, check) for name, check, _ in found(out)] == [("manifest.json", "real_file")]
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(out)])
    assert exited.value.code == 1
    printed = capsys.readouterr().out
    (line,) = [line for line in printed.splitlines() if "symlink" in line]
    assert line.startswith("manifest.json: is a symlink") and line.endswith("[real_file]")
