"""The tiny TRL set-up the TRL tests share: one place for the model pair, data and config."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import datasets
import torch
from trl.trainer.dpo_config import DPOConfig

from pairgen.training.loop.tiny import tiny_model


def tiny_dpo_parts(out: Path, tmp_path: Path, steps: int, **config: Any) -> dict[str, Any]:
    """Keyword arguments for a DPOTrainer (TRL's or pairgen's) on the tiny model.

    The shard of ``out`` is read with ``datasets``; the reference has another seed so the
    log-ratios are not 0; ``config`` overrides DPOConfig fields.
    """
    shard = next((out / "data").rglob("*.parquet"))
    dataset = datasets.load_dataset("parquet", data_files={"train": str(shard)}, split="train")
    model, tokenizer = tiny_model(seed=0)
    ref_model, _ = tiny_model(seed=1)
    args = DPOConfig(
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
        **config,
    )
    return {
        "model": model,
        "ref_model": ref_model,
        "args": args,
        "train_dataset": dataset,
        "processing_class": tokenizer,
    }


def assert_trains(trainer: Any, steps: int) -> None:
    """``trainer.train()`` runs ``steps`` steps with finite losses and moves the weights."""
    before = copy.deepcopy(trainer.model.state_dict())
    result = trainer.train()
    assert result.global_step == steps
    losses = [row["loss"] for row in trainer.state.log_history if "loss" in row]
    assert len(losses) == steps and all(torch.isfinite(torch.tensor(losses)))
    changed = [k for k, v in trainer.model.state_dict().items() if not torch.equal(v, before[k])]
    assert changed
