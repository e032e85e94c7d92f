"""--seeds N: one full run per seed under RUN/seed-<s>/, one report over all of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pairgen.training.analysis.report import read_report
from pairgen.training.analysis.seeds import train_seeds
from pairgen.training.config import TrainConfig
from pairgen.training.measurements import Measurement

SETTINGS: dict[str, Any] = {
    "steps": 2,
    "batch_size": 4,
    "sft_steps": 2,
    "progress": False,
    "device": "cpu",
}


def test_seeds_without_held_out_pairs_say_why_there_is_no_verdict(
    pairs_dir: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    cfg = TrainConfig(out_dir=pairs_dir, run_dir=run, seeds=2, eval_fraction=0.0, **SETTINGS)
    report = train_seeds(cfg)
    assert report.reference.eval is None and report.verdict is not None
    assert report.verdict.reason == "no held-out pairs (--eval-fraction 0)"
    assert json.loads((run / "report.json").read_text())["reference"] == {"eval": {}}


def held_out(measured: Measurement | None) -> Measurement:
    assert measured is not None
    return measured


def test_each_seed_is_its_own_run_and_the_report_spans_them(
    pairs_dir: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    models = tmp_path / "models"
    cfg = TrainConfig(
        out_dir=pairs_dir, run_dir=run, seeds=2, seed=3, save_model=models, **SETTINGS
    )
    report = train_seeds(cfg)
    assert [s.seed for s in report.per_seed] == [3, 4]
    alone = read_report(run / "seed-4")
    assert report.per_seed[1].losses["dpo"].eval == alone.losses["dpo"].eval
    # the seeds differ (init, split, batches), so the spread is not zero
    afters = [held_out(s.losses["dpo"].eval).after for s in report.per_seed]
    assert afters[0] != afters[1]
    mean = held_out(report.losses["dpo"].eval).after
    assert abs(mean - sum(afters) / 2) < 1e-9
    seeds = {json.loads(line)["seed"] for line in (run / "metrics.jsonl").read_text().splitlines()}
    assert seeds == {3, 4}
    text = (run / "report.md").read_text()
    assert "2 seeds: 3, 4" in text and "[min, max]" in text
    verdict = read_report(run).verdict
    assert verdict is not None and verdict.validated in (True, False)
    # each seed's models are kept: the second seed must not overwrite the first
    for seed in (3, 4):
        saved = read_report(run / f"seed-{seed}").losses["dpo"].saved_to
        assert saved == str(models / f"seed-{seed}" / "dpo")
        assert (models / f"seed-{seed}" / "dpo" / "config.json").is_file()
