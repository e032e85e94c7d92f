"""The gradient cosine of "Common Pitfalls of Margin-based Preference Optimization in
Language Model Alignment" (on arXiv as "A Common Pitfall of Margin-based Language Model
Alignment: Gradient Entanglement", arXiv:2410.13828), section 3, and its Table 1 cases.

Per pair: the cosine between ``∇log π_w`` and ``∇log π_l``, and which case of Table 1
one gradient step of a loss would be in (both log-probs up, both down, or the margin
up while the chosen log-prob falls).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from pairgen.training.loop.data import TokenizedPair
from pairgen.training.loop.forward import Reference, Run, ignore, score
from pairgen.training.loop.losses import Hyper, MarginLoss, gradient_coefficients
from pairgen.training.measurements import GradCosine, PairGradient


def classify_case(delta_w: float, delta_l: float) -> str:
    """Table 1 of the pitfalls paper from the first-order changes of log π_w and log π_l."""
    if delta_w >= 0 >= delta_l:
        return "case1"
    if 0 >= delta_w >= delta_l:
        return "case2"
    if delta_w >= delta_l >= 0:
        return "case3"
    return "margin_down"


def grad_cosine(
    run: Run,
    pairs: list[TokenizedPair],
    ref: Reference,
    loss: MarginLoss,
    hp: Hyper,
    advance: Callable[[int], None] = ignore,
) -> list[PairGradient]:
    """Per pair: cos(∇log π_w, ∇log π_l), norms, inner product, and the Table 1 case.

    The case uses this loss's own coefficients ``d_w``, ``d_l`` (eqs. 9-10 of the paper):
    ``Δlog π_w ∝ d_w‖g_w‖² - d_l⟨g_w, g_l⟩`` and ``Δlog π_l ∝ d_w⟨g_w, g_l⟩ - d_l‖g_l‖²``.
    Two backward passes per pair, so it is run on a handful of pairs.
    """
    run.model.eval()
    params = [p for p in run.model.parameters() if p.requires_grad]
    rows: list[PairGradient] = []
    for index, pair in enumerate(pairs):
        scored = score(run.logprobs([pair]), ref.take([index]), loss, hp)
        logp_w, logp_l = scored.policy.chosen_total, scored.policy.rejected_total
        grads = torch.autograd.grad(logp_w.sum(), params, retain_graph=True)
        g_w = torch.cat([g.flatten() for g in grads])
        g_l = torch.cat([g.flatten() for g in torch.autograd.grad(logp_l.sum(), params)])
        d_w, d_l = (
            float(d)
            for d in gradient_coefficients(loss, logp_w.detach(), logp_l.detach(), scored.context)
        )
        inner, nw, nl = float(g_w @ g_l), float(g_w @ g_w), float(g_l @ g_l)
        rows.append(
            PairGradient(
                id=pair.id,
                cosine=inner / math.sqrt(nw * nl) if nw and nl else math.nan,
                grad_norm_w=math.sqrt(nw),
                grad_norm_l=math.sqrt(nl),
                inner=inner,
                d_w=d_w,
                d_l=d_l,
                case=classify_case(d_w * nw - d_l * inner, d_w * inner - d_l * nl),
            )
        )
        advance(1)
    run.model.zero_grad(set_to_none=True)
    return rows


def grad_report(
    run: Run,
    pairs: list[TokenizedPair],
    ref: Reference,
    loss: MarginLoss,
    hp: Hyper,
    advance: Callable[[int], None] = ignore,
) -> GradCosine:
    """:func:`grad_cosine` on ``pairs``: the mean cosine, how many pairs fall in each
    case, and the pairs themselves, as report.json stores them."""
    rows = grad_cosine(run, pairs, ref, loss, hp, advance)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.case] = counts.get(row.case, 0) + 1
    cosines = [r.cosine for r in rows if not math.isnan(r.cosine)]
    mean = sum(cosines) / len(cosines) if cosines else math.nan
    return GradCosine(pairs=len(rows), mean_cosine=mean, cases=counts, per_pair=rows)


__all__ = ["classify_case", "grad_cosine", "grad_report"]
