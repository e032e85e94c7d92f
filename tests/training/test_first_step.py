"""On the first step the policy is the reference, to the bit: DPOP's penalty starts at 0.

The reference log-probs of the training pairs are computed in the batches the first
epoch trains on, so step 1 forwards the same shapes and rounds the same way.  Before,
they came from evaluation-size batches and the step-1 rewards were ±4e-6, which made
DPOP's ``max(0, log π_ref - log π)`` active or not by rounding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline import build
from pairgen.training.config import TrainConfig
from pairgen.training.run import train


@pytest.mark.parametrize(("sharing", "accumulation"), [(True, 1), (False, 2)])
def test_step_one_rewards_are_exactly_zero(
    tmp_path: Path, sharing: bool, accumulation: int
) -> None:
    out = tmp_path / "out"  # GSM8K samples: pairs of different lengths, so padding differs
    build(BuildSpec(out=out, sources=(SourceSpec("gsm8k"),)))
    cfg = TrainConfig(
        out_dir=out,
        run_dir=tmp_path / "run",
        steps=1,
        batch_size=4,  # not the evaluation batch size: shapes differ unless matched
        grad_accum=accumulation,
        sft_steps=2,
        losses=["dpop"],
        prefix_sharing=sharing,
        device="cpu",
        progress=False,
    )
    train(cfg)
    lines = (tmp_path / "run" / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    (first,) = [m for m in map(json.loads, lines) if m["step"] == 1 and m["split"] == "train"]
    assert first["chosen_reward"] == 0.0 and first["rejected_reward"] == 0.0
