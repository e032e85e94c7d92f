"""The one forward pass and the one scoring chain of the trainer.

Training, held-out evaluation, the reference model's own row, the gradient cosine and
the SFT warm-up all go through the same two steps:

1. :meth:`Run.logprobs` - pairs -> per-token log-probs of both completions
   (:class:`Logprobs`), on the run's model and settings;
2. :func:`score` - policy and reference :class:`Logprobs` + a loss -> per-pair loss
   values and the measurement (:class:`Scored`).

The reference log-probs are computed once by the same forward and kept per pair
(:class:`Reference`), so no second model sits in memory; its table row is
``score(ref, ref)`` with no forward at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

from pairgen.training.loop.batches import by_tokens
from pairgen.training.loop.data import TokenizedPair
from pairgen.training.loop.device import Precision
from pairgen.training.loop.flex import shared_block_mask, uses_flex
from pairgen.training.loop.head import decoder_and_head, gather_logprobs, logit_transform
from pairgen.training.loop.losses import Hyper, MarginLoss, PairContext, make_context
from pairgen.training.loop.masks import shared_attention_mask
from pairgen.training.loop.packing import Layout, Packed, pack_shared, pack_unshared
from pairgen.training.results import Attention


def ignore(done: int) -> None:
    """The progress callback when nobody is watching."""


@dataclass(frozen=True, slots=True)
class Logprobs:
    """Per-token log-probs of both completions of ``B`` pairs (0 on padding) and their sums.

    ``chosen`` is ``(B, Cw)`` and ``rejected`` ``(B, Cl)``; ``first_diff`` indexes both.
    """

    chosen: Tensor
    rejected: Tensor
    chosen_total: Tensor
    rejected_total: Tensor
    chosen_len: Tensor
    rejected_len: Tensor
    first_diff: Tensor

    @property
    def pairs(self) -> int:
        return int(self.chosen_total.shape[0])

    def regions(self) -> dict[str, Tensor]:
        """Per-pair mean chosen log-prob before, at and after the edit (no gradient)."""
        return region_means(self.chosen.detach(), self.chosen_len, self.first_diff)


REGIONS = ("before", "at", "after")


def region_means(per_token: Tensor, lengths: Tensor, first_diff: Tensor) -> dict[str, Tensor]:
    """Per-pair mean log-prob before, at and after the first differing token (NaN if empty)."""
    positions = torch.arange(per_token.shape[1], device=per_token.device)[None, :]
    valid = positions < lengths[:, None]
    masks = {
        "before": valid & (positions < first_diff[:, None]),
        "at": valid & (positions == first_diff[:, None]),
        "after": valid & (positions > first_diff[:, None]),
    }
    return {name: (per_token * m).sum(1) / m.sum(1) for name, m in masks.items()}  # 0/0 -> NaN


def stack(rows: Sequence[Tensor]) -> Tensor:
    """1-D tensors as one right-padded ``(n, longest)`` tensor (0 on padding)."""
    out = rows[0].new_zeros((len(rows), max(int(r.shape[0]) for r in rows)))
    for row, values in enumerate(rows):
        out[row, : values.shape[0]] = values
    return out


# One pair's log-probs: chosen and rejected per token, first_diff, and the two sums.
PairRow = tuple[Tensor, Tensor, int, Tensor, Tensor]


@dataclass(frozen=True, slots=True)
class Reference:
    """The reference model's per-token log-probs of every pair, computed once.

    ``chosen_total``/``rejected_total`` keep the sums the forward pass made (empty: sum
    here).  Together with step 1's micro-batches forwarded in their training shape
    (:func:`~pairgen.training.loop.reference.compute_reference`), they make the first step's
    policy and reference log-probs equal to the bit: DPOP's ``max(0, log π_ref - log π)``
    then starts at exactly 0 instead of a rounding error of either sign, which decided
    whether its λ = 50 penalty was active on step 1 (the tiny model's step-2 loss was 0.67
    one way and 25 the other).
    """

    chosen: list[Tensor]
    rejected: list[Tensor]
    first_diff: list[int]
    chosen_total: list[Tensor] = field(default_factory=list)
    rejected_total: list[Tensor] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.chosen)

    def take(self, indices: Sequence[int]) -> Logprobs:
        """The pairs at ``indices`` as :class:`Logprobs` (sums over each pair's own tokens)."""
        chosen = [self.chosen[i] for i in indices]
        rejected = [self.rejected[i] for i in indices]
        device = chosen[0].device
        lengths = [
            torch.tensor([int(t.shape[0]) for t in side], device=device)
            for side in (chosen, rejected)
        ]
        return Logprobs(
            chosen=stack(chosen),
            rejected=stack(rejected),
            chosen_total=self._totals(self.chosen_total, chosen, indices),
            rejected_total=self._totals(self.rejected_total, rejected, indices),
            chosen_len=lengths[0],
            rejected_len=lengths[1],
            first_diff=torch.tensor([self.first_diff[i] for i in indices], device=device),
        )

    @staticmethod
    def _totals(kept: list[Tensor], rows: list[Tensor], indices: Sequence[int]) -> Tensor:
        """The forward pass's sums where kept, else each row's sum."""
        if kept:
            return torch.stack([kept[i] for i in indices])
        return torch.stack([t.sum() for t in rows])

    def all(self) -> Logprobs:
        return self.take(range(len(self)))

    def row(self, i: int) -> PairRow:
        """Pair ``i`` as one row (sums taken here when the forward's were not kept)."""
        chosen, rejected = self.chosen[i], self.rejected[i]
        totals = (
            (self.chosen_total[i], self.rejected_total[i])
            if self.chosen_total
            else (chosen.sum(), rejected.sum())
        )
        return (chosen, rejected, self.first_diff[i], *totals)

    @classmethod
    def of(cls, rows: Sequence[PairRow]) -> Reference:
        """From per-pair rows as :meth:`Run.forward_rows` yields them."""
        return cls(
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            [r[3] for r in rows],
            [r[4] for r in rows],
        )


def forward_packed(
    model: Any, packed: Packed, *, chunk_size: int, mask_dtype: torch.dtype
) -> Logprobs:
    """Run ``model`` on a packed batch (shared or not, on its device): per-token log-probs.

    A shared batch gets the prefix-sharing mask made once for every layer: a dense 4D
    mask in ``mask_dtype`` (``masks.py``), or a FlexAttention ``BlockMask`` when the
    model runs ``flex_attention`` (``flex.py``).  The decoder runs once over the batch;
    the hidden states that predict completion tokens go through the LM head in chunks
    (``head.py``) and are spread back to the chosen and rejected tokens they score.
    """
    body, head = decoder_and_head(model)
    if packed.shared:
        mask = (
            shared_block_mask(packed, model.config)
            if uses_flex(model.config)
            else shared_attention_mask(packed, model.config, mask_dtype)
        )
        out = body(
            input_ids=packed.input_ids,
            attention_mask=mask,
            position_ids=packed.position_ids,
            use_cache=False,
        )
    else:
        out = body(input_ids=packed.input_ids, attention_mask=packed.padding_mask, use_cache=False)
    hidden = out[0] if isinstance(out, tuple) else out.last_hidden_state
    states = hidden[packed.pred_rows, packed.pred_cols]
    scale, softcap = logit_transform(model)
    flat = gather_logprobs(
        states, head, packed.targets, chunk_size=chunk_size, scale=scale, softcap=softcap
    )
    chosen = torch.where(packed.chosen_mask, flat[packed.chosen_index], flat.new_zeros(()))
    rejected = torch.where(packed.rejected_mask, flat[packed.rejected_index], flat.new_zeros(()))
    return Logprobs(
        chosen=chosen,
        rejected=rejected,
        chosen_total=chosen.sum(dim=1),
        rejected_total=rejected.sum(dim=1),
        chosen_len=packed.chosen_mask.sum(dim=1),
        rejected_len=packed.rejected_mask.sum(dim=1),
        first_diff=packed.first_diff,
    )


@dataclass(slots=True)
class Run:
    """The model of a run and how it is called; the trainer's stages share one.

    The model's weights live on ``precision.device`` in float32; every forward runs
    under the run's autocast, and every tensor it returns stays on that device.
    ``shared``: pack each pair into one row (edit-aware prefix sharing) or forward
    chosen and rejected as two rows; see ``sharing.py`` for how it is decided.
    """

    model: Any
    pad_id: int
    forward_tokens: int  # tokens per forward-only batch (reference, evaluation)
    precision: Precision
    shared: bool
    chunk_size: int
    attention: Attention | None = None  # what --attention resolved to (report.json)

    @property
    def device(self) -> torch.device:
        return self.precision.device

    def pack(self, pairs: Sequence[TokenizedPair]) -> Packed:
        """The model inputs of ``pairs`` in the run's layout, on the run's device."""
        pack = pack_shared if self.shared else pack_unshared
        return pack(pairs, self.pad_id).to(self.device)

    def logprobs(self, pairs: Sequence[TokenizedPair]) -> Logprobs:
        """The forward pass: per-token log-probs of both completions of ``pairs``."""
        with self.precision.autocast():
            return forward_packed(
                self.model,
                self.pack(pairs),
                chunk_size=self.chunk_size,
                mask_dtype=self.precision.dtype,
            )

    def lengths(self, pairs: Iterable[TokenizedPair]) -> list[int]:
        """Tokens each pair puts through the model in the run's layout (no padding)."""
        layouts = [Layout.of(p) for p in pairs]
        return [lay.packed if self.shared else lay.unshared for lay in layouts]

    def forward_rows(
        self, pairs: Sequence[TokenizedPair], batches: Sequence[Sequence[int]]
    ) -> Iterator[list[PairRow]]:
        """Per batch, each pair's per-token log-probs and sums under the current weights,
        forward only (eval mode, no grad); lazily, so a caller can report progress."""
        for indices in batches:
            self.model.eval()
            with torch.no_grad():
                out = self.logprobs([pairs[i] for i in indices])
            yield [
                (
                    out.chosen[row, : int(out.chosen_len[row])].clone(),
                    out.rejected[row, : int(out.rejected_len[row])].clone(),
                    int(out.first_diff[row]),
                    out.chosen_total[row].clone(),
                    out.rejected_total[row].clone(),
                )
                for row in range(len(indices))
            ]

    def reference(
        self, pairs: Sequence[TokenizedPair], advance: Callable[[int], None] = ignore
    ) -> Reference:
        """Per-token log-probs of ``pairs`` under the current weights (forward-only
        batches of :attr:`forward_tokens` tokens, longest first), in the order given."""
        batches = by_tokens(self.lengths(pairs), range(len(pairs)), self.forward_tokens)
        rows: dict[int, PairRow] = {}
        for indices, found in zip(batches, self.forward_rows(pairs, batches), strict=True):
            rows.update(zip(indices, found, strict=True))
            advance(len(indices))
        return Reference.of([rows[i] for i in range(len(pairs))])


@dataclass(frozen=True, slots=True)
class Scored:
    """A loss evaluated on policy log-probs against the reference (values keep their grad)."""

    values: Tensor
    policy: Logprobs
    reference: Logprobs
    context: PairContext


def score(
    policy: Logprobs, reference: Logprobs, loss: MarginLoss | None, hp: Hyper | None
) -> Scored:
    """Per-pair loss values (NaN without a loss: the reference's own row)."""
    w, lo = policy.chosen_total, policy.rejected_total
    context = make_context(
        hp or Hyper(),
        reference.chosen_total,
        reference.rejected_total,
        policy.chosen_len,
        policy.rejected_len,
        w,
        lo,
    )
    values = loss(w, lo, context) if loss is not None else torch.full_like(w, math.nan)
    return Scored(values, policy, reference, context)


__all__ = [
    "REGIONS",
    "Logprobs",
    "PairRow",
    "Reference",
    "Run",
    "Scored",
    "forward_packed",
    "region_means",
    "score",
]
