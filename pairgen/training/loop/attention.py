"""Which attention implementation a run uses: ``--attention auto|sdpa|flex``.

``sdpa``
    The model as loaded (``sdpa``, or ``eager`` for a model that loads with it); a shared
    batch gets its mask as a dense 4D tensor (``masks.py``).  pairgen's path on every
    device, and the one the exactness tests were first written for.
``flex``
    FlexAttention, the shared mask as a ``BlockMask`` (``flex.py``).  Trains on CUDA
    only: in torch 2.13 FlexAttention has no backward pass on the CPU or MPS ("FlexAttention
    does not support backward on CPU"), so asking for it there is refused in one line, as
    is a model transformers cannot run with it.
``auto`` (default)
    ``sdpa`` on every device for now (:data:`AUTO_FLEX_DEVICES` is empty until the flex
    path has run on a GPU); then ``flex`` on those devices where torch, transformers and
    the model support it, else ``sdpa``: CPU runs, their numbers and their timings stay
    what they were.  Should the sharing probe find the flex path inexact on the run's
    device, ``auto`` goes back to ``sdpa`` with a notice (``session.start_run``).

What a run asked for, what it got and why is its :class:`~pairgen.training.results.Attention`
(``report.json``'s ``attention``, a line of report.md and of the printed summary).
"""

from __future__ import annotations

from typing import Any

import torch

from pairgen.errors import PairgenError
from pairgen.training.loop.flex import FLEX_ATTENTION
from pairgen.training.results import Attention

FLEX_DEVICES = ("cuda",)  # where FlexAttention has a backward pass (torch 2.13)
# where ``--attention auto`` picks flex: nowhere until ``benchmarks/gpu_check.sh`` has
# passed on a GPU (the CUDA path is tested on CPU only by its masks and forward pass);
# then ("cuda",).  ``--attention flex`` asks for it on any FLEX_DEVICES device.
AUTO_FLEX_DEVICES: tuple[str, ...] = ()


def implementation(model: Any) -> str:
    """The attention implementation ``model`` runs (transformers' name)."""
    return str(getattr(model.config, "_attn_implementation", None))


def set_implementation(model: Any, name: str) -> None:
    """Switch ``model`` (a PEFT wrapper: its base model) to ``name``; a ``ValueError``
    or ``ImportError`` from transformers when it cannot."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    base.set_attn_implementation(name)
    if implementation(base) != name:  # transformers only warns for some models
        raise ValueError(f"{type(base).__name__} kept {implementation(base)!r}")


def flex_unavailable(model: Any, device: torch.device) -> str | None:
    """Why ``model`` cannot train with FlexAttention on ``device`` (None: it can)."""
    from transformers.utils.import_utils import is_torch_flex_attn_available

    if not getattr(model, "_supports_flex_attn", False):
        return f"transformers cannot run {type(model).__name__} with flex_attention"
    if getattr(model.config, "attention_dropout", 0.0):
        return "the model uses attention dropout, which transformers' flex_attention refuses"
    if not is_torch_flex_attn_available():
        return f"torch {torch.__version__} has no FlexAttention (it needs torch >= 2.5)"
    if device.type not in FLEX_DEVICES:
        return (
            f"FlexAttention has no backward pass on {device.type} in torch {torch.__version__} "
            "(it trains on CUDA)"
        )
    return None


def resolve_attention(model: Any, choice: str, device: torch.device) -> Attention:
    """Set ``model`` up for ``--attention choice`` on ``device`` (before LoRA wraps it);
    what it now runs and why, for report.json.  ``flex`` where it cannot run: one-line
    error."""
    loaded = implementation(model)
    if choice == "sdpa":
        return Attention(choice, loaded, device.type, "the model's own implementation, as loaded")
    if choice == "auto" and device.type not in AUTO_FLEX_DEVICES:
        where = (
            f"only on {', '.join(AUTO_FLEX_DEVICES)} (AUTO_FLEX_DEVICES)"
            if AUTO_FLEX_DEVICES
            else "on no device until its CUDA path has run on a GPU (AUTO_FLEX_DEVICES is empty)"
        )
        why = f"auto picks FlexAttention {where}; the model's own implementation, as loaded"
        return Attention(choice, loaded, device.type, why)
    reason = flex_unavailable(model, device)
    if reason is None:
        try:
            set_implementation(model, FLEX_ATTENTION)
        except (ValueError, ImportError) as exc:
            first = str(exc).split(". ")[0].splitlines()[0] if str(exc) else type(exc).__name__
            reason = f"transformers cannot switch {type(model).__name__} to it ({first})"
    if reason is not None and choice == "flex":
        raise PairgenError(f"--attention flex: {reason}; use --attention sdpa or auto")
    if reason is not None:
        return Attention(choice, implementation(model), device.type, f"no FlexAttention: {reason}")
    return Attention(choice, implementation(model), device.type, "FlexAttention with a block mask")


__all__ = [
    "AUTO_FLEX_DEVICES",
    "FLEX_DEVICES",
    "flex_unavailable",
    "implementation",
    "resolve_attention",
    "set_implementation",
]
