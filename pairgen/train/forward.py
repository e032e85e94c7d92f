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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

from pairgen.train.batch import collate, token_logprobs
from pairgen.train.data import TokenizedPair
from pairgen.train.device import Precision
from pairgen.train.losses import Hyper, MarginLoss, PairContext, make_context


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


@dataclass(frozen=True, slots=True)
class Reference:
    """The reference model's per-token log-probs of every pair, computed once."""

    chosen: list[Tensor]
    rejected: list[Tensor]
    first_diff: list[int]

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
            chosen_total=torch.stack([t.sum() for t in chosen]),
            rejected_total=torch.stack([t.sum() for t in rejected]),
            chosen_len=lengths[0],
            rejected_len=lengths[1],
            first_diff=torch.tensor([self.first_diff[i] for i in indices], device=device),
        )

    def all(self) -> Logprobs:
        return self.take(range(len(self)))


@dataclass(slots=True)
class Run:
    """The model of a run and how it is called; the trainer's stages share one.

    The model's weights live on ``precision.device`` in float32; every forward runs
    under the run's autocast, and every tensor it returns stays on that device.
    """

    model: Any
    pad_id: int
    eval_batch_size: int
    precision: Precision = field(default_factory=lambda: Precision(torch.device("cpu")))

    @property
    def device(self) -> torch.device:
        return self.precision.device

    def logprobs(self, pairs: Sequence[TokenizedPair]) -> Logprobs:
        """The forward pass: per-token log-probs of both completions of ``pairs``."""
        batch = collate(list(pairs), self.pad_id).to(self.device)
        with self.precision.autocast():
            per_token = token_logprobs(self.model, batch)
        half = batch.pairs
        totals = per_token.sum(dim=1)
        return Logprobs(
            chosen=per_token[:half],
            rejected=per_token[half:],
            chosen_total=totals[:half],
            rejected_total=totals[half:],
            chosen_len=batch.lengths[:half],
            rejected_len=batch.lengths[half:],
            first_diff=batch.first_diff,
        )

    @torch.no_grad()
    def reference(self, pairs: Sequence[TokenizedPair]) -> Reference:
        """Per-token log-probs of every pair under the current weights, no grad."""
        self.model.eval()
        ref = Reference([], [], [])
        for start in range(0, len(pairs), self.eval_batch_size):
            out = self.logprobs(pairs[start : start + self.eval_batch_size])
            for i in range(out.pairs):
                ref.chosen.append(out.chosen[i, : int(out.chosen_len[i])].clone())
                ref.rejected.append(out.rejected[i, : int(out.rejected_len[i])].clone())
                ref.first_diff.append(int(out.first_diff[i]))
        return ref


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


__all__ = ["REGIONS", "Logprobs", "Reference", "Run", "Scored", "region_means", "score"]
