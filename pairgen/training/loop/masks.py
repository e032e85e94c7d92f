"""The 4D attention mask of a packed batch (see ``packing.py``): block-diagonal over the
pairs of a row, and inside each pair causal with the rejected suffix blind to the chosen one.

How transformers treats it (checked on transformers 5.24, ``masking_utils``): a 4D tensor
given as ``attention_mask`` is used *as is* - ``sdpa`` passes it to
``scaled_dot_product_attention`` with ``is_causal=False``, ``eager`` adds it to the
scores - and the packed-sequence detection that would read the restarting position ids
as a new sequence never runs.  Because mask creation is bypassed, the model applies no
sliding window either: it is folded in here (``q_pos - k_pos < window``, transformers'
convention), and models that mix sliding and full layers (``config.layer_types``) get a
dict ``{"full_attention": ..., "sliding_attention": ...}``, which they accept in place of
a mask.  Cost: ``R x L x L`` for R packed rows, in the attention dtype (1.4 MB for 4 rows
of 300 tokens in float32, 512 MB for 8 rows of 4096), and a float mask keeps SDPA off its
flash kernel.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from pairgen.training.loop.packing import CHOSEN, PAD, REJECTED, Packed


def allowed(
    segments: Tensor, positions: Tensor, window: int | None, blocks: Tensor | None = None
) -> Tensor:
    """Boolean ``(R, L, L)``: may query ``q`` attend to key ``k``.

    Causal, real keys only, never from the rejected suffix into the chosen one, and, with
    ``blocks`` (several pairs per row), only within the query's own pair.
    """
    length = segments.shape[1]
    index = torch.arange(length, device=segments.device)
    causal = index[None, :, None] >= index[None, None, :]
    real_key = (segments != PAD)[:, None, :]
    crossing = (segments == REJECTED)[:, :, None] & (segments == CHOSEN)[:, None, :]
    out = causal & real_key & ~crossing
    if blocks is not None:
        out &= blocks[:, :, None] == blocks[:, None, :]
    if window is not None:
        out &= (positions[:, :, None] - positions[:, None, :]) < window
    # A padding query sees only itself: no row is fully masked (no NaN in SDPA), and
    # no real query ever sees a padding key.
    eye = torch.eye(length, dtype=torch.bool, device=segments.device)
    return out | ((segments == PAD)[:, :, None] & eye)


def additive(mask: Tensor, dtype: torch.dtype) -> Tensor:
    """``0`` where allowed, ``finfo(dtype).min`` elsewhere (transformers' convention: no
    ``-inf``, so no NaN), shape ``(B, 1, L, L)``."""
    out = torch.zeros(mask.shape, dtype=dtype, device=mask.device)
    return out.masked_fill_(~mask, torch.finfo(dtype).min)[:, None]


def shared_attention_mask(
    packed: Packed, config: Any, dtype: torch.dtype
) -> Tensor | dict[str, Tensor]:
    """The 4D additive mask of a shared batch, in ``dtype``, on the batch's device.

    A sliding window (``config.sliding_window``) is folded in when it is shorter than
    the longest sequence of the batch.  Other layer types (chunked, linear attention)
    raise ``NotImplementedError``, which the sharing probe turns into the fallback.
    """
    if packed.segments is None or packed.position_ids is None:
        raise ValueError("shared_attention_mask needs a batch from pack_shared")
    segments, positions = packed.segments, packed.position_ids
    window = getattr(config, "sliding_window", None)
    longest = max(lay.prompt + max(lay.chosen, lay.rejected) for lay in packed.layouts)
    layer_types = getattr(config, "layer_types", None)
    kinds = set(layer_types) if layer_types else {"full_attention"}
    unknown = kinds - {"full_attention", "sliding_attention"}
    if unknown:
        raise NotImplementedError(f"no shared mask for layer types {sorted(unknown)}")
    blocks = packed.blocks
    full = additive(allowed(segments, positions, None, blocks), dtype)
    if not window or window >= longest or (layer_types and kinds == {"full_attention"}):
        return full
    windowed = additive(allowed(segments, positions, window, blocks), dtype)
    if layer_types is None or kinds == {"sliding_attention"}:
        return windowed
    return {"full_attention": full, "sliding_attention": windowed}


__all__ = ["additive", "allowed", "shared_attention_mask"]
