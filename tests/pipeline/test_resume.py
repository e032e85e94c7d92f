"""Resume: a rerun reuses the splits a killed build completed, and only those."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from build_outputs import Crash, tree, two_split_spec

from pairgen.cli import main
from pairgen.config.spec import BuildSpec
from pairgen.output.manifest import STATE_DIR
from pairgen.output.staging import JOURNAL_NAME, STAGING_NAME
from pairgen.pipeline import build
from pairgen.pipeline import run as build_run


def killed_after_first_split(spec: BuildSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``spec`` and kill it as its second split starts (the first is complete)."""
    real: Callable[..., Any] = build_run.run_split
    calls = [0]

    def run_split(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == 2:
            raise Crash
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(build_run, "run_split", run_split)
        with pytest.raises(Crash):
            build(spec)


@pytest.fixture
def reference(tmp_path: Path) -> dict[str, bytes]:
    build(two_split_spec(tmp_path / "in", tmp_path / "reference"))
    return tree(tmp_path / "reference")


def test_a_rerun_reuses_the_completed_split_and_matches_an_uninterrupted_build(
    tmp_path: Path, reference: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = two_split_spec(tmp_path / "in", tmp_path / "out", workers=2, batch_rows=16)
    killed_after_first_split(spec, monkeypatch)
    staged = tmp_path / "out" / STATE_DIR / STAGING_NAME
    assert (staged / JOURNAL_NAME).is_file() and not (tmp_path / "out/manifest.json").exists()
    result = build(spec)
    assert result.reused == ("gsm8k/train",)
    assert tree(tmp_path / "out") == reference
    assert not staged.exists()


def test_no_resume_builds_everything_again(
    tmp_path: Path, reference: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = two_split_spec(tmp_path / "in", tmp_path / "out")
    killed_after_first_split(spec, monkeypatch)
    result = build(replace(spec, resume=False))
    assert result.reused == () and tree(tmp_path / "out") == reference


@pytest.mark.parametrize("change", ["seed", "input"])
def test_a_different_build_does_not_reuse_the_staged_splits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    spec = two_split_spec(tmp_path / "in", tmp_path / "out")
    killed_after_first_split(spec, monkeypatch)
    if change == "seed":
        spec = replace(spec, seed=spec.seed + 1)
    else:  # same path, other content: the input checksum is part of the key
        with (tmp_path / "in/train.jsonl").open("a", encoding="utf-8") as handle:
            handle.write('{"question": "One more?", "answer": "1 + 1 = <<1+1=2>>2.\\n#### 2"}\n')
    assert build(spec).reused == ()


def test_a_damaged_staged_split_is_rebuilt(
    tmp_path: Path, reference: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = two_split_spec(tmp_path / "in", tmp_path / "out")
    killed_after_first_split(spec, monkeypatch)
    staged = tmp_path / "out" / STATE_DIR / STAGING_NAME
    shard = next((staged / "data").rglob("train-*.parquet"))
    shard.write_bytes(shard.read_bytes()[:-1] + b"\x00")
    (staged / "data/gsm8k/stray.parquet").write_bytes(b"left by someone")
    assert build(spec).reused == ()
    assert tree(tmp_path / "out") == reference  # the stray file was not swapped in


def test_the_command_says_which_splits_it_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = two_split_spec(tmp_path / "in", tmp_path / "out")
    killed_after_first_split(spec, monkeypatch)
    files = [f"--data-files={s}={p}" for s, (p,) in spec.sources[0].data_files.items()]
    command = ["build", "--source", "gsm8k", *files, "--out", str(spec.out), "--workers", "1"]
    main([*command, "--json"])
    assert json.loads(capsys.readouterr().out)["reused_splits"] == ["gsm8k/train"]
    killed_after_first_split(spec, monkeypatch)
    main(command)
    assert "reused from an interrupted run: gsm8k/train\n" in capsys.readouterr().out
    killed_after_first_split(spec, monkeypatch)
    main([*command, "--no-resume", "--json"])
    assert json.loads(capsys.readouterr().out)["reused_splits"] == []
