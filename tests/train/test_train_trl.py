"""TRL as an oracle and as a consumer: its DPO loss, and its DPOTrainer on pairgen output.

TRL is a test-only dependency: pairgen's trainer never imports it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import datasets
import pytest
import torch
import trl  # a dev dependency: this test always runs in CI

from pairgen.train.batch import Batch, sequence_logprobs, token_logprobs
from pairgen.train.losses import LOSSES, make_context
from pairgen.train.tiny import tiny_model

from train_shards import metamath_pairs, write_shard


def dpo_trainer(out: Path, tmp_path: Path, steps: int) -> Any:
    """TRL's DPOTrainer on the tiny model and a pairgen output read by datasets."""
    shard = next((out / "data").rglob("*.parquet"))
    dataset = datasets.load_dataset("parquet", data_files={"train": str(shard)}, split="train")
    model, tokenizer = tiny_model(seed=0)
    ref_model, _ = tiny_model(seed=1)  # a different reference, so the log-ratios are not 0
    args = trl.DPOConfig(
        output_dir=str(tmp_path / "trl"),
        per_device_train_batch_size=4,
        max_steps=steps,
        learning_rate=1e-3,
        beta=0.1,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        seed=0,
        dataset_num_proc=None,
        max_length=512,
    )
    return trl.DPOTrainer(
        model=model,
        ref_model=ref_model,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
    )


def batch_from_trl(inputs: dict[str, torch.Tensor]) -> Batch:
    """pairgen's Batch over the very tensors TRL built (any padding side)."""
    mask = inputs["completion_mask"].bool()
    rows, cols = mask.nonzero(as_tuple=True)
    lengths = mask.sum(dim=1)
    width = int(lengths.max())
    return Batch(
        input_ids=inputs["input_ids"],
        attention_mask=inputs["attention_mask"],
        completion_mask=torch.arange(width)[None, :] < lengths[:, None],
        pred_rows=rows,
        pred_cols=cols - 1,
        targets=inputs["input_ids"][rows, cols],
        first_diff=torch.zeros(mask.shape[0] // 2, dtype=torch.long),
        lengths=lengths,
    )


def test_dpo_loss_equals_trl_on_the_same_batch(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_shard(out, metamath_pairs(8))
    trainer = dpo_trainer(out, tmp_path, steps=1)
    inputs = next(iter(trainer.get_train_dataloader()))
    model, ref_model = trainer.model, trainer.ref_model
    with torch.no_grad():
        trl_loss = trainer.compute_loss(model, inputs)
        batch = batch_from_trl(inputs)
        logp_w, logp_l = sequence_logprobs(token_logprobs(model, batch))
        ref_w, ref_l = sequence_logprobs(token_logprobs(ref_model, batch))
    dpo = LOSSES["dpo"]
    hp = dpo.hyper(beta=0.1)
    ctx = make_context(
        hp, ref_w, ref_l, batch.lengths[: batch.pairs], batch.lengths[batch.pairs :], logp_w, logp_l
    )
    ours = dpo(logp_w, logp_l, ctx).mean()
    assert float((logp_w - ref_w).abs().min()) > 1e-3  # the reference differs: a real test
    torch.testing.assert_close(ours, trl_loss.float(), rtol=1e-4, atol=1e-5)
    chosen_metric = trainer._metrics["train"]["logps/chosen"][-1]
    assert float(logp_w.mean()) == pytest.approx(chosen_metric, rel=1e-4)


def test_trl_dpo_trainer_trains_tiny_on_pairgen_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_shard(out, metamath_pairs(12))
    trainer = dpo_trainer(out, tmp_path, steps=3)
    before = copy.deepcopy(trainer.model.state_dict())
    result = trainer.train()
    assert result.global_step == 3
    losses = [row["loss"] for row in trainer.state.log_history if "loss" in row]
    assert len(losses) == 3 and all(torch.isfinite(torch.tensor(losses)))
    changed = [k for k, v in trainer.model.state_dict().items() if not torch.equal(v, before[k])]
    assert changed
