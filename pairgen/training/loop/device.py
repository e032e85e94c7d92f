"""Where and in which precision the model runs: device, autocast and loss scaling.

The weights stay in float32 (the master copy the optimizer updates); ``bfloat16`` and
``float16`` only change the arithmetic, through ``torch.autocast``.  ``float16`` has a
narrow exponent range, so its gradients go through a ``GradScaler``; for the other dtypes
the scaler is disabled and ``scale``/``step`` are the plain backward and optimizer step,
so one code path serves all three.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import torch

from pairgen.errors import PairgenError


def available(kind: str) -> bool:
    """Whether this machine can run on ``kind`` (``cpu`` always can)."""
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        return bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()
    return kind == "cpu"


def resolve_device(name: str) -> torch.device:
    """``auto`` picks CUDA, then MPS, then the CPU; a named device must be present."""
    if name == "auto":
        return torch.device(next(k for k in ("cuda", "mps", "cpu") if available(k)))
    if not available(name):
        raise PairgenError(f"device {name!r} is not available on this machine (try --device auto)")
    return torch.device(name)


def resolve_dtype(name: str) -> torch.dtype:
    """The torch dtype of a :data:`~pairgen.training.config.DTYPES` name."""
    dtype: torch.dtype = getattr(torch, name)
    return dtype


@dataclass(slots=True)
class Precision:
    """The device, the autocast dtype and the loss scaler of a run."""

    device: torch.device
    dtype: torch.dtype = torch.float32
    scaler: Any = field(init=False)

    def __post_init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """A fresh loss scale: every loss starts from the same scaler state."""
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=self.dtype == torch.float16)

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        """Mixed-precision arithmetic, or nothing at all in float32 (bit-identical)."""
        if self.dtype == torch.float32:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.dtype)

    def backward(self, loss: torch.Tensor) -> None:
        self.scaler.scale(loss).backward()

    def step(self, optimizer: torch.optim.Optimizer) -> None:
        """One optimizer step; with float16, skipped when a gradient overflowed."""
        self.scaler.step(optimizer)
        self.scaler.update()


def emulated(precision: Precision) -> bool:
    """Whether 16-bit autocast on this CPU runs without hardware support (no AVX512-BF16,
    AMX or AVX512-FP16): then its matmuls are many times slower than float32's."""
    if precision.device.type != "cpu" or precision.dtype == torch.float32:
        return False
    probe = {
        torch.bfloat16: "_is_mkldnn_bf16_supported",
        torch.float16: "_is_mkldnn_fp16_supported",
    }[precision.dtype]
    try:
        return not bool(getattr(torch.ops.mkldnn, probe)())
    except (AttributeError, RuntimeError):  # an older torch: no way to tell
        return False


def enable_checkpointing(model: Any) -> None:
    """Recompute each decoder layer in the backward instead of keeping its activations."""
    enable = getattr(model, "activation_checkpointing_enable", None)
    if enable is not None:  # transformers >= 5
        enable(activation_checkpointing_kwargs={"use_reentrant": False})
        return
    if not getattr(model, "supports_gradient_checkpointing", False):
        raise PairgenError(f"{type(model).__name__} does not support gradient checkpointing")
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})


__all__ = [
    "Precision",
    "available",
    "emulated",
    "enable_checkpointing",
    "resolve_device",
    "resolve_dtype",
]
