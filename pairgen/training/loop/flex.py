"""The shared mask as a FlexAttention ``BlockMask``: the same rule, without an ``L x L`` tensor.

FlexAttention (PyTorch >= 2.5, ``torch.nn.attention.flex_attention``) takes the mask as
a function ``mask_mod(b, h, q, k) -> bool`` plus a ``BlockMask``: which 128 x 128 tiles of
the score matrix are empty (skipped), full (no ``mask_mod`` call) or partial.  Here the
function is :func:`~pairgen.training.loop.masks.rule`, the same statement the dense mask
is made of, evaluated on the per-token ids of a packed batch: its segment (prompt and
shared prefix / chosen suffix / rejected suffix / padding), its pair within the row
(``blocks``) and its position.  So a packed row of several pairs costs attention only on
the tiles its pairs touch, and the fused kernel runs instead of SDPA's math path that a
float mask forces.

How transformers takes it (checked on transformers 5.25, ``masking_utils`` and
``integrations/flex_attention.py``): with ``attn_implementation="flex_attention"`` a
``BlockMask`` given as ``attention_mask`` is 4D and used as is (mask creation returns
early, as for the dense mask), and each layer calls ``flex_attention(..., block_mask=...)``
through ``torch.compile``.  Models with sliding layers get the same
``{"full_attention": ..., "sliding_attention": ...}`` dict as the dense path
(:func:`~pairgen.training.loop.masks.per_layer_type`).

The mask is made once per batch and shared by every layer.  ``create_block_mask``
evaluates ``mask_mod`` over the whole ``R x L x L`` grid once to find the tiles (the same
order of memory as the dense mask, briefly, then freed); the kernel itself calls it only
on partial tiles.  The lookup tensors are padded to whole tiles, so that no index the
kernel forms in the last, partial tile falls outside them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from pairgen.training.loop.masks import per_layer_type, rule, shared_inputs
from pairgen.training.loop.packing import PAD, Packed

FLEX_ATTENTION = "flex_attention"  # transformers' name of the implementation
TILE = 128  # FlexAttention's default block size (``_DEFAULT_SPARSE_BLOCK_SIZE``)


def uses_flex(config: Any) -> bool:
    """Whether a model with this config runs FlexAttention (and so needs a BlockMask)."""
    return getattr(config, "_attn_implementation", None) == FLEX_ATTENTION


def _padded(values: Tensor, fill: int) -> Tensor:
    """``values`` ``(R, L)`` with columns of ``fill`` up to a whole number of tiles."""
    extra = -values.shape[1] % TILE
    return torch.nn.functional.pad(values, (0, extra), value=fill)


MaskMod = Callable[[Tensor, Tensor, Tensor, Tensor], Tensor]


def mask_mod(segments: Tensor, positions: Tensor, blocks: Tensor, window: int | None) -> MaskMod:
    """FlexAttention's ``mask_mod(b, h, q, k)`` of :func:`~pairgen.training.loop.masks.rule`
    over packed rows (``(R, L)`` segment ids, positions and pair numbers)."""
    seg, blk, pos = _padded(segments, PAD), _padded(blocks, 0), _padded(positions, 0)

    def allowed(b: Tensor, h: Tensor, q: Tensor, k: Tensor) -> Tensor:
        near = None if window is None else (pos[b, q] - pos[b, k]) < window
        return rule(q, k, seg[b, q], seg[b, k], blk[b, q] == blk[b, k], near)

    return allowed


def block_mask(
    segments: Tensor, positions: Tensor, blocks: Tensor, window: int | None = None
) -> Any:
    """The ``BlockMask`` of :func:`mask_mod` for every row, on the rows' device."""
    from torch.nn.attention.flex_attention import create_block_mask

    rows, length = segments.shape
    return create_block_mask(
        mask_mod(segments, positions, blocks, window),
        B=rows,
        H=None,
        Q_LEN=length,
        KV_LEN=length,
        device=segments.device,
    )


def shared_block_mask(packed: Packed, config: Any) -> Any:
    """The ``BlockMask`` (or per-layer-kind dict of them) of a shared batch: the
    FlexAttention form of :func:`~pairgen.training.loop.masks.shared_attention_mask`."""
    segments, positions = shared_inputs(packed)
    if packed.blocks is None:
        raise ValueError("a shared attention mask needs a batch from pack_shared")
    blocks = packed.blocks
    return per_layer_type(
        packed, config, lambda window: block_mask(segments, positions, blocks, window)
    )


__all__ = [
    "FLEX_ATTENTION",
    "TILE",
    "MaskMod",
    "block_mask",
    "mask_mod",
    "shared_block_mask",
    "uses_flex",
]
