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

from collections.abc import Callable
from typing import Any, TypeVar

import torch
from torch import Tensor

from pairgen.training.loop.packing import CHOSEN, PAD, REJECTED, Packed

M = TypeVar("M")  # one layer kind's mask: a dense tensor or a FlexAttention BlockMask


def rule(
    q: Tensor,
    k: Tensor,
    seg_q: Tensor,
    seg_k: Tensor,
    same_pair: Tensor | None = None,
    near: Tensor | None = None,
) -> Tensor:
    """May query ``q`` attend to key ``k``: the one statement of the shared mask.

    Causal, real keys only, never from the rejected suffix into the chosen one, and
    when given, only within the query's own pair (``same_pair``) and window (``near``).
    A padding query sees only itself: no row is fully masked (no NaN in SDPA), and no
    real query ever sees a padding key.  Every argument broadcasts: :func:`allowed`
    passes whole rows (the dense mask), FlexAttention's ``mask_mod`` (``flex.py``) one
    query and one key.
    """
    seen = (q >= k) & (seg_k != PAD) & ~((seg_q == REJECTED) & (seg_k == CHOSEN))
    for limit in (same_pair, near):
        if limit is not None:
            seen = seen & limit
    return seen | ((seg_q == PAD) & (q == k))


def allowed(
    segments: Tensor, positions: Tensor, window: int | None, blocks: Tensor | None = None
) -> Tensor:
    """Boolean ``(R, L, L)``: :func:`rule` for every query ``q`` and key ``k`` of each row;
    ``blocks`` (several pairs per row) keeps each query within its own pair."""
    index = torch.arange(segments.shape[1], device=segments.device)
    return rule(
        index[None, :, None],
        index[None, None, :],
        segments[:, :, None],
        segments[:, None, :],
        blocks[:, :, None] == blocks[:, None, :] if blocks is not None else None,
        (positions[:, :, None] - positions[:, None, :]) < window if window is not None else None,
    )


def additive(mask: Tensor, dtype: torch.dtype) -> Tensor:
    """``0`` where allowed, ``finfo(dtype).min`` elsewhere (transformers' convention: no
    ``-inf``, so no NaN), shape ``(B, 1, L, L)``."""
    out = torch.zeros(mask.shape, dtype=dtype, device=mask.device)
    return out.masked_fill_(~mask, torch.finfo(dtype).min)[:, None]


def per_layer_type(
    packed: Packed, config: Any, build: Callable[[int | None], M]
) -> M | dict[str, M]:
    """The mask ``build(window)`` makes for each kind of layer of ``config``'s model.

    A sliding window (``config.sliding_window``) is folded in when it is shorter than
    the longest sequence of the batch; models that mix sliding and full layers
    (``config.layer_types``) get ``{"full_attention": ..., "sliding_attention": ...}``.
    Other layer types (chunked, linear attention) raise ``NotImplementedError``, which
    the sharing probe turns into the fallback.
    """
    window = getattr(config, "sliding_window", None)
    longest = max(lay.prompt + max(lay.chosen, lay.rejected) for lay in packed.layouts)
    layer_types = getattr(config, "layer_types", None)
    kinds = set(layer_types) if layer_types else {"full_attention"}
    unknown = kinds - {"full_attention", "sliding_attention"}
    if unknown:
        raise NotImplementedError(f"no shared mask for layer types {sorted(unknown)}")
    if not window or window >= longest or (layer_types and kinds == {"full_attention"}):
        return build(None)
    if layer_types is None or kinds == {"sliding_attention"}:
        return build(window)
    return {"full_attention": build(None), "sliding_attention": build(window)}


def shared_attention_mask(
    packed: Packed, config: Any, dtype: torch.dtype
) -> Tensor | dict[str, Tensor]:
    """The 4D additive mask of a shared batch, in ``dtype``, on the batch's device."""
    segments, positions = shared_inputs(packed)
    return per_layer_type(
        packed,
        config,
        lambda window: additive(allowed(segments, positions, window, packed.blocks), dtype),
    )


def shared_inputs(packed: Packed) -> tuple[Tensor, Tensor]:
    """The segment ids and positions of a shared batch (one from ``pack_shared``)."""
    if packed.segments is None or packed.position_ids is None:
        raise ValueError("a shared attention mask needs a batch from pack_shared")
    return packed.segments, packed.position_ids


__all__ = [
    "additive",
    "allowed",
    "per_layer_type",
    "rule",
    "shared_attention_mask",
    "shared_inputs",
]
