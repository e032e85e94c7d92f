"""report.md speaks in words and tables; the verdict over seeds holds only if every seed holds."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pairgen.training.analysis.report import markdown, tokenize_warning, write_outputs
from pairgen.training.analysis.table import COLUMNS, rows
from pairgen.training.analysis.verdict import verdict
from pairgen.training.results import TokenizeReport, TrainResult

MEASURE = {
    "pairs": 3,
    "loss": 0.6,
    "reward_accuracy": 1.0,
    "reward_margin": 1.0,
    "chosen_logp": -20.0,
    "rejected_logp": -25.0,
    "chosen_reward": 0.1,
    "rejected_reward": -0.9,
    "before": -0.5,
    "at": -3.0,
    "after": -0.4,
}


def loss(after: float) -> dict[str, Any]:
    return {
        "eval": {**MEASURE, "after": after},
        "hyper": {"beta": 0.1, "lam": None},
        "lr": 1e-3,
        "seconds": 1.0,
        "pairs_per_second": 4.0,
    }


def seed_run(seed: int, dpo: float, dpop: float) -> dict[str, Any]:
    return {
        "seed": seed,
        "reference": {"eval": {**MEASURE, "after": -0.37}},
        "losses": {"dpo": loss(dpo), "dpop": loss(dpop)},
    }


def fake(per_seed: list[dict[str, Any]]) -> TrainResult:
    first = per_seed[0]
    stored = {
        "config": {
            "tolerance": 0.05,
            "out_dir": "/x",
            "run_dir": "/x/run",
            "steps": 8,
            "batch_size": 4,
            "grad_accum": 1,
            "max_length": 64,
            "seed": 0,
        },
        "model": {"name": "tiny"},
        "data": {
            "tokenize": {"read": 29, "kept": 27, "truncated": 5, "skipped": {"too_long": 2}},
            "train_pairs": 20,
            "eval_pairs": 7,
        },
        "reference": first["reference"],
        "losses": first["losses"],
        "per_seed": per_seed if len(per_seed) > 1 else None,
        "seconds": 3.0,
    }
    return TrainResult.from_dict(stored)


def test_markdown_has_no_python_reprs_and_names_the_papers() -> None:
    report = fake([seed_run(0, -1.82, -0.26)])
    report.verdict = verdict(report)
    text = markdown(report)
    assert "{" not in text and "'" not in text, text
    assert "Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive" in text
    assert "seed 000" not in text and "Table 1" not in text
    assert "29 pairs read, 27 kept, 5 of them truncated to 64 tokens" in text
    assert "2 skipped (2 because longer than the max length" in text
    assert "**validated**" in text and "0.05 nats per token" in text


def test_verdict_over_seeds_needs_every_seed() -> None:
    good = [seed_run(0, -1.8, -0.3), seed_run(1, -1.5, -0.35)]
    assert verdict(fake(good)).validated is True
    bad = [*good, seed_run(2, -1.6, -0.6)]  # seed 2: DPOP fell below the reference
    result = verdict(fake(bad))
    assert result.validated is False and result.seeds_failing == [2]
    table = dict(rows(fake(bad)))
    cell = table["dpop"][[key for key, _ in COLUMNS].index("after")]
    assert isinstance(cell, tuple)
    mean, low, high = cell
    assert (low, high) == (-0.6, -0.3) and abs(mean - (-0.3 - 0.35 - 0.6) / 3) < 1e-12
    report = fake(bad)
    report.verdict = result
    assert "in every one of the 3 seeds" in markdown(report)
    assert "seeds where it fails: 2" in markdown(report)


def test_tokenize_warning_counts() -> None:
    report = fake([seed_run(0, -1.8, -0.3)])
    warning = tokenize_warning(report)
    assert warning is not None and "5 of them truncated" in warning and "2 skipped" in warning
    clean = copy.deepcopy(report)
    clean.data.tokenize = TokenizeReport(read=3, kept=3)
    assert tokenize_warning(clean) is None


def test_plots_written_with_after_edit_curve(tmp_path: Path) -> None:
    report = fake([seed_run(0, -1.8, -0.3)])
    lines = [
        {"objective": name, "step": step, "split": "eval", **MEASURE, "after": -0.37 - step / 10}
        for name in ("dpo", "dpop")
        for step in (0, 1, 2)
    ]
    (tmp_path / "metrics.jsonl").write_text("\n".join(map(json.dumps, lines)))
    write_outputs(tmp_path, report)
    for name in ("logprobs.png", "after_edit.png", "regions.png", "report.md"):
        assert (tmp_path / name).stat().st_size > 0
