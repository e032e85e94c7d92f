"""--save-model writes models any transformers user can load; --lora-r trains adapters only."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from pairgen.errors import PairgenError
from pairgen.training.config import TrainConfig
from pairgen.training.loop.data import read_pairs, split_pairs, tokenize_pairs
from pairgen.training.loop.device import Precision
from pairgen.training.loop.forward import Run
from pairgen.training.run import train

QUICK: dict[str, Any] = {
    "steps": 2,
    "batch_size": 4,
    "sft_steps": 2,
    "eval_every": 0,
    "losses": ["dpo", "dpop"],
    "device": "cpu",
    "progress": False,
}


def held_out_chosen_logp(saved: Path, cfg: TrainConfig) -> float:
    """The saved model's mean held-out chosen log-prob, loaded the way lm-eval would."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(saved, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(saved)
    pairs, _ = tokenize_pairs(read_pairs(cfg.out_dir), tokenizer, 512)
    _, held_out = split_pairs(pairs, cfg.eval_fraction, cfg.seed)
    run = Run(model.eval(), tokenizer.pad_token_id, 8, Precision(torch.device("cpu")), False, 64)
    with torch.no_grad():
        return float(run.logprobs(held_out).chosen_total.mean())


def test_each_trained_loss_is_saved_and_loads_as_trained(pairs_dir: Path, tmp_path: Path) -> None:
    cfg = TrainConfig(
        out_dir=pairs_dir, run_dir=tmp_path / "run", save_model=tmp_path / "models", **QUICK
    )
    report = train(cfg)
    for loss in ("dpo", "dpop"):
        saved = tmp_path / "models" / loss
        assert report.losses[loss].saved_to == str(saved)
        assert (saved / "config.json").is_file() and (saved / "tokenizer.json").is_file()
        measured = report.losses[loss].eval
        assert measured is not None
        want = measured.chosen_logp
        assert held_out_chosen_logp(saved, cfg) == pytest.approx(want, rel=1e-5)
    assert report.model.trained_parameters == report.model.parameters


def test_lora_trains_adapters_only_and_saves_merged(pairs_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("peft")
    cfg = TrainConfig(
        out_dir=pairs_dir,
        run_dir=tmp_path / "run",
        save_model=tmp_path / "models",
        lora_r=4,
        lr=1e-2,
        **QUICK,
    )
    report = train(cfg)
    model = report.model
    assert 0 < model.trained_parameters < 0.2 * model.parameters
    dpo = report.losses["dpo"].eval
    assert dpo is not None and dpo.chosen_reward != 0  # the adapters moved the model
    saved = tmp_path / "models" / "dpo"
    assert (saved / "adapter" / "adapter_config.json").is_file()
    assert held_out_chosen_logp(saved, cfg) == pytest.approx(dpo.chosen_logp, rel=1e-5)


def test_lora_without_peft_names_the_extra(
    pairs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "peft", None)  # import peft -> ImportError
    with pytest.raises(PairgenError, match=r"pip install 'pairgen\[lora\]'"):
        train(TrainConfig(out_dir=pairs_dir, run_dir=tmp_path, lora_r=4, **QUICK))
