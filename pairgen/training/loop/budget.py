"""How many tokens one forward-only batch (reference log-probs, evaluation) may hold.

A forward pass without grad keeps one layer's activations at a time, so it can take far
more tokens than a training step.  The budget is what a quarter of the free memory holds
at an estimated cost per token (the layer's activations and the attention scores of a
row of ``width`` tokens, in float32), within :data:`LIMITS` per device kind: past a few
thousand tokens a CPU gains nothing from larger matmuls (the budget would only raise the
peak RSS), while a GPU keeps gaining up to tens of thousands.
"""

from __future__ import annotations

from typing import Any

import torch

# (smallest, largest) tokens per forward-only batch, per device kind.
LIMITS = {"cpu": (512, 4096), "cuda": (512, 65536), "mps": (512, 16384)}
SHARE = 0.25  # of the free memory a forward-only batch may use
FLOAT_BYTES = 4


def free_memory(device: torch.device) -> int:
    """Bytes free on ``device`` now (CPU: the system's available memory)."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    if device.type == "mps":
        return int(torch.mps.recommended_max_memory() - torch.mps.driver_allocated_memory())
    import psutil

    return int(psutil.virtual_memory().available)


def bytes_per_token(config: Any, width: int) -> int:
    """Estimated activation bytes per token of a forward-only pass over rows of ``width``."""
    hidden = int(getattr(config, "hidden_size", 1024))
    inner = int(getattr(config, "intermediate_size", 4 * hidden) or 4 * hidden)
    heads = int(getattr(config, "num_attention_heads", 16))
    # residual, norms, q/k/v/o (~8 hidden), the MLP's gate/up/act (~4 inner), scores.
    return FLOAT_BYTES * (8 * hidden + 4 * inner + 2 * heads * width)


def forward_tokens(model: Any, device: torch.device, width: int) -> int:
    """Tokens per forward-only batch for ``model`` on ``device``, rows up to ``width``."""
    low, high = LIMITS.get(device.type, LIMITS["cpu"])
    fits = int(SHARE * free_memory(device) / bytes_per_token(model.config, width))
    return max(low, width, min(high, fits))


__all__ = ["LIMITS", "bytes_per_token", "forward_tokens", "free_memory"]
