"""Every phase of a run reports its progress on stderr, with an ETA; --quiet prints nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairgen.training import progress
from pairgen.training.config import TrainConfig
from pairgen.training.run import train

SETTINGS = {
    "steps": 2,
    "batch_size": 4,
    "sft_steps": 2,
    "eval_every": 0,
    "losses": ["dpo"],
    "device": "cpu",
}


def test_each_phase_reports_count_elapsed_and_eta(
    pairs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress, "LINE_EVERY", 0.0)  # a line after every unit of work
    report = train(TrainConfig(out_dir=pairs_dir, run_dir=tmp_path, progress=True, **SETTINGS))
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == ""  # progress never mixes into results
    ends = {line.split(":")[0] for line in lines if "done in" in line}
    assert ends == {
        "loading tiny",
        "tokenizing",
        "SFT warm-up",
        "reference log-probs",
        "training dpo",
        "evaluating dpo at step 2",
    }
    assert "tokenizing: 12/12 pairs, done in" in captured.err
    # the reference covers the pairs the run uses, and says so before it starts
    assert report.cost is not None
    used = report.cost.trained_pairs
    assert used == 8 < report.data.train_pairs  # 2 steps of 4 pairs
    announced = f"reference log-probs: {used + 3} pairs (8 of 9 training pairs, those 2 steps"
    assert announced in captured.err
    assert f"reference log-probs: {used + 3}/{used + 3} pairs, done in" in captured.err
    assert "training dpo: 2 steps (and 0 evaluations of 3 held-out pairs" in captured.err
    interim = [line for line in lines if line.startswith("training dpo: 1/2 steps")]
    assert interim and "elapsed, ETA " in interim[0] and "loss 0.69" in interim[0]


def test_quiet_prints_nothing(
    pairs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train(TrainConfig(out_dir=pairs_dir, run_dir=tmp_path, progress=False, **SETTINGS))
    assert capsys.readouterr().err == ""


def test_clock() -> None:
    assert [progress.clock(s) for s in (0, 61.4, 3725)] == ["0:00", "1:01", "1:02:05"]
