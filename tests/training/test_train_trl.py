"""TRL as an oracle and as a consumer: its DPO loss, and its DPOTrainer on pairgen output.

TRL is a test-only dependency: pairgen's trainer never imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
import trl  # a dev dependency: this test always runs in CI

from pairgen.training.loop.device import Precision
from pairgen.training.loop.forward import Run, score
from pairgen.training.loop.losses import LOSSES, Hyper
from pairgen.trl import pairs_from_trl

from train_shards import metamath_pairs, write_shard
from trl_setup import assert_trains, tiny_dpo_parts


def dpo_trainer(out: Path, tmp_path: Path, steps: int) -> Any:
    """TRL's DPOTrainer on the tiny model and a pairgen output read by datasets."""
    return trl.DPOTrainer(**tiny_dpo_parts(out, tmp_path, steps))


@pytest.mark.parametrize("shared", [True, False])
def test_dpo_loss_equals_trl_on_the_same_batch(tmp_path: Path, shared: bool) -> None:
    """Same token ids, same numbers: with prefix sharing and without."""
    out = tmp_path / "out"
    write_shard(out, metamath_pairs(8))
    trainer = dpo_trainer(out, tmp_path, steps=1)
    inputs = next(iter(trainer.get_train_dataloader()))
    pairs = pairs_from_trl(inputs)
    precision = Precision(torch.device("cpu"))
    policy = Run(trainer.model, 0, 8, precision, shared, chunk_size=16)
    reference = Run(trainer.ref_model, 0, 8, precision, shared, chunk_size=16)
    with torch.no_grad():
        trl_loss = trainer.compute_loss(trainer.model, inputs)
        scored = score(
            policy.logprobs(pairs), reference.logprobs(pairs), LOSSES["dpo"], Hyper(beta=0.1)
        )
    logp_w = scored.policy.chosen_total
    assert float((logp_w - scored.reference.chosen_total).abs().min()) > 1e-3  # a real test
    torch.testing.assert_close(scored.values.mean(), trl_loss.float(), rtol=1e-4, atol=1e-5)
    chosen_metric = trainer._metrics["train"]["logps/chosen"][-1]
    assert float(logp_w.mean()) == pytest.approx(chosen_metric, rel=1e-4)


def test_trl_dpo_trainer_trains_tiny_on_pairgen_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_shard(out, metamath_pairs(12))
    assert_trains(dpo_trainer(out, tmp_path, steps=3), steps=3)
