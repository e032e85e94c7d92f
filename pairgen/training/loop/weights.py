"""What the optimizer trains (all weights, or LoRA adapters) and how trained models are saved.

``--lora-r R`` wraps the model with peft's LoRA adapters of rank ``R`` on every linear
layer but the LM head (``target_modules="all-linear"``), so a model too large to
fine-tune in full still trains: only the adapters get gradients and AdamW state.  peft is
an optional extra (``pip install 'pairgen[lora]'``); without it ``--lora-r`` is one
clear error.

``--save-model DIR`` writes each trained loss's model and the tokenizer to ``DIR/<loss>/``
with ``save_pretrained``, so ``AutoModelForCausalLM.from_pretrained`` (lm-eval-harness,
vLLM) loads it as it loads any Hub model.  A LoRA model is saved merged into full
weights (a copy is merged; the training model keeps its adapters), and its adapter
alone goes to ``DIR/<loss>/adapter/``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import torch

from pairgen.errors import PairgenError

LORA_EXTRA = (
    "--lora-r needs peft, an optional extra: pip install 'pairgen[lora]' (or pip install peft)"
)


def add_lora(model: Any, rank: int, alpha: int | None) -> Any:
    """``model`` with LoRA adapters of rank ``rank`` (scale ``alpha / rank``; default 2)."""
    try:
        import peft
    except ImportError:
        raise PairgenError(LORA_EXTRA) from None
    config = peft.LoraConfig(
        r=rank,
        lora_alpha=alpha if alpha is not None else 2 * rank,
        lora_dropout=0.0,  # dropout would make the runs depend on more than the seed
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    return peft.get_peft_model(model, config)


def unwrap(model: Any) -> Any:
    """The transformers model inside a peft wrapper (LoRA layers included), or ``model``."""
    base = getattr(model, "get_base_model", None)
    return base() if base is not None else model


def trainable(model: Any) -> dict[str, torch.Tensor]:
    """The parameters the optimizer updates, by name."""
    return {name: p for name, p in model.named_parameters() if p.requires_grad}


def snapshot(model: Any) -> dict[str, torch.Tensor]:
    """A copy of the trainable weights: every loss restarts from it."""
    return {name: p.detach().clone() for name, p in trainable(model).items()}


@torch.no_grad()
def restore(model: Any, saved: dict[str, torch.Tensor]) -> None:
    for name, p in trainable(model).items():
        p.copy_(saved[name])


def save_model(model: Any, tokenizer: Any, target: Path) -> Path:
    """``save_pretrained`` of the model (merged if LoRA) and the tokenizer into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    plain = model
    if hasattr(model, "merge_and_unload"):
        model.save_pretrained(target / "adapter")
        plain = copy.deepcopy(model).merge_and_unload()
    plain.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


__all__ = ["LORA_EXTRA", "add_lora", "restore", "save_model", "snapshot", "trainable", "unwrap"]
