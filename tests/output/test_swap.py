"""The swap: a kill at any step leaves the old output or a swap the next build finishes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from build_outputs import Crash, tree, two_split_spec

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.output.manifest import STATE_DIR
from pairgen.output.owned import record_written
from pairgen.output.staging import STAGING_NAME
from pairgen.output.swap import SWAP_NAME, swap_in
from pairgen.pipeline import build
from pairgen.pipeline import run as build_run

from pairgen_rows import GSM8K_ROWS, write_jsonl

USER_FILES = {"notes.txt": b"mine", "extra/keep.bin": b"\x00\x01", "plots/mine.txt": b"keep"}
# swap.json, 5 old paths out (manifest, the card and the plot pairgen wrote, data, rejects),
# data and rejects in, manifest, staging aside
SWAP_RENAMES = 10


def add(out: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An old build (seed 1, with a card, plots and the user's own files) whose staging
    area holds a complete new build (seed 2) that was never swapped in; and the new build
    made without interruption."""
    root = tmp_path_factory.mktemp("swap")
    old = root / "old"
    spec = two_split_spec(root / "in", old, seed=1)
    build(spec)
    add(old, {"README.md": b"old card", "plots/ned.png": b"png", **USER_FILES})
    record_written(old, [old / "README.md", old / "plots/ned.png"])  # as card and stats do
    patch = pytest.MonkeyPatch()
    patch.setattr(build_run, "swap_in", raise_crash)
    with pytest.raises(Crash):
        build(replace(spec, seed=2))
    patch.undo()
    new = root / "new"
    build(replace(spec, out=new, seed=2))
    return {"old": old, "new": new, "inputs": root / "in"}


def raise_crash(*args: Any) -> None:
    raise Crash


def crash_at(call: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the ``call``-th rename (os.rename or os.replace) of this process a kill."""
    count = [0]

    def counted(real: Callable[..., None]) -> Callable[..., None]:
        def rename(*args: Any, **kwargs: Any) -> None:
            count[0] += 1
            if count[0] == call:
                raise Crash
            real(*args, **kwargs)

        return rename

    monkeypatch.setattr(os, "rename", counted(os.rename))
    monkeypatch.setattr(os, "replace", counted(os.replace))


@pytest.mark.parametrize("call", range(1, SWAP_RENAMES + 2))
def test_a_swap_killed_at_any_step_ends_as_old_or_new_output(
    outputs: dict[str, Path], tmp_path: Path, call: int
) -> None:
    out = tmp_path / "out"
    shutil.copytree(outputs["old"], out, symlinks=True)
    staging = out / STATE_DIR / STAGING_NAME
    with pytest.MonkeyPatch.context() as patch:
        crash_at(call, patch)
        if call <= SWAP_RENAMES:
            with pytest.raises(Crash):
                swap_in(out, staging)
        else:
            swap_in(out, staging)
    new = {**tree(outputs["new"]), **USER_FILES}
    if call == 1:  # killed before the commit point: OUT untouched, the swap not begun
        assert tree(out) == tree(outputs["old"]) and not (staging / SWAP_NAME).exists()
    rerun = build(two_split_spec(outputs["inputs"], out, seed=2))
    assert tree(out) == new  # pairgen's old card and plot retired, the user's files kept
    assert rerun.reused == (() if call > 1 else ("gsm8k/train", "gsm8k/test"))
    assert sorted(os.listdir(out / STATE_DIR)) == ["lock"]


def test_a_readme_in_a_folder_without_a_build_is_the_users(tmp_path: Path) -> None:
    out = tmp_path / "out"
    add(out, {"README.md": b"my project", "plots/mine.png": b"png"})
    build(two_split_spec(tmp_path / "in", out))
    assert (out / "README.md").read_bytes() == b"my project"
    assert (out / "plots/mine.png").read_bytes() == b"png"


def test_a_rebuild_with_no_pairs_at_all_leaves_no_old_shard(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(two_split_spec(tmp_path / "in", out))
    nothing = write_jsonl(tmp_path / "none.jsonl", [GSM8K_ROWS[3]] * 3)  # nothing to corrupt
    files = {"train": [str(nothing)]}
    source = SourceSpec("gsm8k", backend="files", data_files=files)
    result = build(BuildSpec(out=out, sources=(source,), allow_rejects=True))  # kept on purpose
    assert result.manifest.files() == ["rejects/gsm8k/train.parquet"]
    assert sorted(tree(out)) == ["manifest.json", "rejects/gsm8k/train.parquet"]
