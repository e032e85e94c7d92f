"""What a run measures: sequence log-probs, rewards, and Smaug's before/at/after table.

For the chosen completion of each pair, tokens are split by the first differing token
``k``: *before* (``< k``, shared with rejected), *at* (``k``, the edit) and *after*
(``> k``, the shared suffix where DPO's wrong-way gradient bites, seed 000).  Each pair
gives the mean per-token log-prob of each region; the table reports the mean over pairs.

:func:`grad_cosine` implements seed 001 section 3: the cosine between ``∇log π_w`` and
``∇log π_l`` per pair, and which case of Table 1 one gradient step would be in.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import Tensor

from pairgen.train.batch import collate, pad_reference, sequence_logprobs, token_logprobs
from pairgen.train.data import TokenizedPair
from pairgen.train.losses import Hyper, MarginLoss, gradient_coefficients, make_context

RefLogprobs = list[tuple[Tensor, Tensor]]  # per pair: chosen and rejected per-token log-probs
REGIONS = ("before", "at", "after")


@torch.no_grad()
def reference_logprobs(
    model: Any, pairs: list[TokenizedPair], pad_id: int, batch_size: int
) -> RefLogprobs:
    """Per-token log-probs of both completions of every pair, computed once, no grad."""
    model.eval()
    out: RefLogprobs = []
    for start in range(0, len(pairs), batch_size):
        chunk = pairs[start : start + batch_size]
        per_token = token_logprobs(model, collate(chunk, pad_id))
        for i, pair in enumerate(chunk):
            out.append(
                (
                    per_token[i, : len(pair.chosen)].clone(),
                    per_token[len(chunk) + i, : len(pair.rejected)].clone(),
                )
            )
    return out


def reference_totals(ref: RefLogprobs) -> tuple[Tensor, Tensor]:
    """Summed reference log-probs of chosen and rejected, ``(n,)`` each."""
    return torch.stack([c.sum() for c, _ in ref]), torch.stack([r.sum() for _, r in ref])


def region_means(per_token: Tensor, lengths: Tensor, first_diff: Tensor) -> dict[str, Tensor]:
    """Per-pair mean log-prob before, at and after the first differing token (NaN if empty)."""
    positions = torch.arange(per_token.shape[1])[None, :]
    valid = positions < lengths[:, None]
    masks = {
        "before": valid & (positions < first_diff[:, None]),
        "at": valid & (positions == first_diff[:, None]),
        "after": valid & (positions > first_diff[:, None]),
    }
    return {name: (per_token * m).sum(1) / m.sum(1) for name, m in masks.items()}  # 0/0 -> NaN


def nanmean(values: Tensor) -> float:
    keep = values[~torch.isnan(values)]
    return float(keep.mean()) if keep.numel() else math.nan


@dataclass(frozen=True, slots=True)
class Measurement:
    """Means over pairs; rewards are ``log π - log π_ref`` (no β) so all losses compare."""

    pairs: int
    loss: float
    reward_accuracy: float
    reward_margin: float
    chosen_logp: float
    rejected_logp: float
    chosen_reward: float
    rejected_reward: float
    before: float
    at: float
    after: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(
    loss_values: Tensor,
    logp_w: Tensor,
    logp_l: Tensor,
    ref_w: Tensor,
    ref_l: Tensor,
    regions: dict[str, Tensor],
) -> Measurement:
    """Reduce per-pair tensors to one :class:`Measurement`."""
    r_w, r_l = logp_w - ref_w, logp_l - ref_l
    return Measurement(
        pairs=int(logp_w.shape[0]),
        loss=float(loss_values.mean()),
        reward_accuracy=float((r_w > r_l).float().mean()),
        reward_margin=float((r_w - r_l).mean()),
        chosen_logp=float(logp_w.mean()),
        rejected_logp=float(logp_l.mean()),
        chosen_reward=float(r_w.mean()),
        rejected_reward=float(r_l.mean()),
        before=nanmean(regions["before"]),
        at=nanmean(regions["at"]),
        after=nanmean(regions["after"]),
    )


@torch.no_grad()
def evaluate(
    model: Any,
    pairs: list[TokenizedPair],
    ref: RefLogprobs,
    loss: MarginLoss,
    hp: Hyper,
    pad_id: int,
    batch_size: int,
) -> Measurement:
    """Forward-only measurement of a model on pairs, against stored reference log-probs."""
    model.eval()
    parts: list[list[Tensor]] = [[] for _ in range(8)]
    for start in range(0, len(pairs), batch_size):
        chunk = pairs[start : start + batch_size]
        batch = collate(chunk, pad_id)
        per_token = token_logprobs(model, batch)
        logp_w, logp_l = sequence_logprobs(per_token)
        ref_w, ref_l = reference_totals(ref[start : start + batch_size])
        ctx = make_context(
            hp,
            ref_w,
            ref_l,
            batch.lengths[: batch.pairs],
            batch.lengths[batch.pairs :],
            logp_w,
            logp_l,
        )
        regions = region_means(
            per_token[: batch.pairs], batch.lengths[: batch.pairs], batch.first_diff
        )
        for store, value in zip(
            parts,
            [loss(logp_w, logp_l, ctx), logp_w, logp_l, ref_w, ref_l, *regions.values()],
            strict=True,
        ):
            store.append(value)
    cat = [torch.cat(p) for p in parts]
    return summarize(
        cat[0], cat[1], cat[2], cat[3], cat[4], dict(zip(REGIONS, cat[5:], strict=True))
    )


def reference_measurement(
    pairs: list[TokenizedPair],
    ref: RefLogprobs,
    loss: MarginLoss | None = None,
    hp: Hyper | None = None,
) -> Measurement:
    """The reference model's own row of the table (rewards are 0 by definition).

    With a loss, also its value at the start of training (policy = reference), so the
    step-0 point of every loss costs no forward pass.
    """
    chosen = pad_reference([c for c, _ in ref], max(len(p.chosen) for p in pairs))
    lengths_w = torch.tensor([len(p.chosen) for p in pairs])
    lengths_l = torch.tensor([len(p.rejected) for p in pairs])
    first_diff = torch.tensor([p.first_diff for p in pairs])
    ref_w, ref_l = reference_totals(ref)
    regions = region_means(chosen, lengths_w, first_diff)
    values = torch.full_like(ref_w, math.nan)
    if loss is not None and hp is not None:
        values = loss(
            ref_w, ref_l, make_context(hp, ref_w, ref_l, lengths_w, lengths_l, ref_w, ref_l)
        )
    return summarize(values, ref_w, ref_l, ref_w, ref_l, regions)


def classify_case(delta_w: float, delta_l: float) -> str:
    """Table 1 of seed 001 from the first-order changes of log π_w and log π_l."""
    if delta_w >= 0 >= delta_l:
        return "case1"
    if 0 >= delta_w >= delta_l:
        return "case2"
    if delta_w >= delta_l >= 0:
        return "case3"
    return "margin_down"


def grad_cosine(
    model: Any,
    pairs: list[TokenizedPair],
    ref: RefLogprobs,
    loss: MarginLoss,
    hp: Hyper,
    pad_id: int,
) -> list[dict[str, Any]]:
    """Per pair: cos(∇log π_w, ∇log π_l), norms, inner product, and the Table 1 case.

    The case uses this loss's own coefficients ``d_w``, ``d_l`` (seed 001, eqs. 9-10):
    ``Δlog π_w ∝ d_w‖g_w‖² - d_l⟨g_w, g_l⟩`` and ``Δlog π_l ∝ d_w⟨g_w, g_l⟩ - d_l‖g_l‖²``.
    Two backward passes per pair, so it is run on a handful of pairs.
    """
    model.eval()
    params = [p for p in model.parameters() if p.requires_grad]
    rows: list[dict[str, Any]] = []
    for pair, (ref_c, ref_r) in zip(pairs, ref, strict=True):
        batch = collate([pair], pad_id)
        logp_w, logp_l = sequence_logprobs(token_logprobs(model, batch))
        g_w = torch.cat(
            [g.flatten() for g in torch.autograd.grad(logp_w.sum(), params, retain_graph=True)]
        )
        g_l = torch.cat([g.flatten() for g in torch.autograd.grad(logp_l.sum(), params)])
        ctx = make_context(
            hp,
            ref_c.sum()[None],
            ref_r.sum()[None],
            batch.lengths[:1],
            batch.lengths[1:],
            logp_w,
            logp_l,
        )
        d_w, d_l = (
            float(d) for d in gradient_coefficients(loss, logp_w.detach(), logp_l.detach(), ctx)
        )
        inner, nw, nl = float(g_w @ g_l), float(g_w @ g_w), float(g_l @ g_l)
        rows.append(
            {
                "id": pair.id,
                "cosine": inner / math.sqrt(nw * nl) if nw and nl else math.nan,
                "grad_norm_w": math.sqrt(nw),
                "grad_norm_l": math.sqrt(nl),
                "inner": inner,
                "d_w": d_w,
                "d_l": d_l,
                "case": classify_case(d_w * nw - d_l * inner, d_w * inner - d_l * nl),
            }
        )
    return rows


def case_counts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean cosine and how many pairs fall in each case."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["case"]] = counts.get(row["case"], 0) + 1
    cosines = [r["cosine"] for r in rows if not math.isnan(r["cosine"])]
    return {
        "pairs": len(rows),
        "mean_cosine": sum(cosines) / len(cosines) if cosines else math.nan,
        "cases": counts,
    }


__all__ = [
    "Measurement",
    "case_counts",
    "classify_case",
    "evaluate",
    "grad_cosine",
    "reference_logprobs",
    "reference_measurement",
    "reference_totals",
    "region_means",
]
