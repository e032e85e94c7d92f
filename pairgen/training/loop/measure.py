"""What a run measures: sequence log-probs, rewards, and Smaug's before/at/after table.

For the chosen completion of each pair, tokens are split by the first differing token
``k``: *before* (``< k``, shared with rejected), *at* (``k``, the edit) and *after*
(``> k``, the shared suffix where DPO's wrong-way gradient bites, as Smaug shows).  Each
pair gives the mean per-token log-prob of each region; the table reports the mean over
pairs.  Every number here is reduced from :class:`~pairgen.training.loop.forward.Scored`
batches, so training, evaluation and the reference row are measured the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from pairgen.training.loop.data import TokenizedPair
from pairgen.training.loop.forward import REGIONS, Reference, Run, Scored, ignore, score
from pairgen.training.loop.losses import Hyper, MarginLoss
from pairgen.training.measurements import Measurement


def nanmean(values: Tensor) -> float:
    keep = values[~torch.isnan(values)]
    return float(keep.mean()) if keep.numel() else math.nan


def summarize(parts: Sequence[Scored]) -> Measurement:
    """Reduce the scored batches of one pass over pairs to one :class:`Measurement`."""

    def cat(pick: Callable[[Scored], Tensor]) -> Tensor:
        return torch.cat([pick(part).detach() for part in parts])

    logp_w, logp_l = cat(lambda s: s.policy.chosen_total), cat(lambda s: s.policy.rejected_total)
    r_w = logp_w - cat(lambda s: s.reference.chosen_total)
    r_l = logp_l - cat(lambda s: s.reference.rejected_total)
    regions = [part.policy.regions() for part in parts]
    return Measurement(
        pairs=int(logp_w.shape[0]),
        loss=float(cat(lambda s: s.values).mean()),
        reward_accuracy=float((r_w > r_l).float().mean()),
        reward_margin=float((r_w - r_l).mean()),
        chosen_logp=float(logp_w.mean()),
        rejected_logp=float(logp_l.mean()),
        chosen_reward=float(r_w.mean()),
        rejected_reward=float(r_l.mean()),
        **{name: nanmean(torch.cat([r[name] for r in regions])) for name in REGIONS},
    )


def measure(
    policy: Reference,
    ref: Reference,
    loss: MarginLoss | None = None,
    hp: Hyper | None = None,
    indices: Sequence[int] | None = None,
) -> Measurement:
    """The measurement of per-token log-probs already computed (``policy``) against the
    reference, on all pairs or those at ``indices``."""
    chosen = range(len(ref)) if indices is None else indices
    return summarize([score(policy.take(chosen), ref.take(chosen), loss, hp)])


def evaluate(
    run: Run,
    pairs: list[TokenizedPair],
    ref: Reference,
    loss: MarginLoss | None = None,
    hp: Hyper | None = None,
    advance: Callable[[int], None] = ignore,
) -> tuple[Measurement, Reference]:
    """Forward-only measurement of the run's model on pairs, against the reference; also
    the per-token log-probs it measured (the suffix effect and choice accuracy read them)."""
    trained = run.reference(pairs, advance)
    return measure(trained, ref, loss, hp), trained


def reference_measurement(
    ref: Reference,
    loss: MarginLoss | None = None,
    hp: Hyper | None = None,
    indices: Sequence[int] | None = None,
) -> Measurement:
    """The reference model's own row of the table (rewards are 0 by definition).

    With a loss, also its value at the start of training (policy = reference), so the
    step-0 point of every loss costs no forward pass.
    """
    return measure(ref, ref, loss, hp, indices)


__all__ = ["evaluate", "measure", "nanmean", "reference_measurement", "summarize"]
