"""The suffix-length effect: does the after-edit drop grow with the shared suffix?

"Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive"
(arXiv:2402.13228) and "Common pitfalls of margin-based preference optimization"
(arXiv:2410.13828) both tie DPO's fall of the chosen
log-prob after the edit to the number of tokens after the first difference.  For every
held-out pair this takes ``Δ = trained - reference`` of the chosen completion's mean
per-token log-prob after the edit, and relates it to that number of tokens: a binned
table, Spearman's rank correlation and its two-sided p-value (a seeded permutation test,
scipy's), and the per-pair points for the plot.
"""

from __future__ import annotations

import math
from typing import Any

from pairgen.training.loop.forward import Reference
from pairgen.training.measurements import SuffixBin, SuffixEffect

# Upper edges of the suffix-length bins (tokens after the first difference).
BIN_EDGES = (8, 16, 32, 64, 128, 256)
PERMUTATIONS = 2000


def per_pair(trained: Reference, ref: Reference) -> list[tuple[int, float]]:
    """(tokens after the first difference, Δ after-edit mean log-prob) per pair."""
    out = []
    for policy, base, k in zip(trained.chosen, ref.chosen, trained.first_diff, strict=True):
        after = int(policy.shape[0]) - k - 1
        if after > 0:  # no token after the edit: nothing to measure
            delta = float(policy[k + 1 :].mean()) - float(base[k + 1 :].mean())
            out.append((after, delta))
    return out


def spearman(x: list[float], y: list[float], seed: int = 0) -> tuple[float, float, str]:
    """Spearman's rho, its two-sided p-value, and how the p-value was computed.

    scipy's ``permutation_test`` over pairings (exact when n! <= the shuffles), on the
    rank correlation vectorized over all shuffles at once.  It replaced a hand-written
    rank function and a 2,000-shuffle loop in Python: the same rho, p-values within the
    Monte-Carlo error of 2,000 shuffles (n=15: 0.0320 against 0.0295; n=60: 0.0010
    against 0.0005), in 12-49 ms instead of 76-152 ms.  A held-out set is 15-80 pairs, too
    few for spearmanr's own t-approximation of p.
    """
    if len(x) < 3:
        return math.nan, math.nan, "too few pairs"
    import numpy as np
    from scipy import stats  # type: ignore[import-untyped]

    if len(set(x)) == 1 or len(set(y)) == 1:
        return math.nan, math.nan, "constant input"
    ranked_y = stats.rankdata(y)

    def rho(values: Any, axis: int = -1) -> Any:
        ranked = stats.rankdata(values, axis=axis)
        other = np.broadcast_to(ranked_y, np.shape(ranked))
        return stats.pearsonr(ranked, other, axis=axis).statistic

    result = stats.permutation_test(
        (np.asarray(x, dtype=float),),
        rho,
        permutation_type="pairings",
        n_resamples=PERMUTATIONS,
        vectorized=True,
        rng=np.random.default_rng(seed),
    )
    method = f"permutation test, {PERMUTATIONS} shuffles (scipy)"
    return float(result.statistic), float(result.pvalue), method


def bin_label(index: int) -> str:
    low = 1 if index == 0 else BIN_EDGES[index - 1] + 1
    return f"{low}+" if index == len(BIN_EDGES) else f"{low}-{BIN_EDGES[index]}"


def suffix_effect(trained: Reference, ref: Reference) -> SuffixEffect:
    """The binned table, the rank correlation and the points of one trained model."""
    points = per_pair(trained, ref)
    bins: dict[str, list[float]] = {}
    for after, delta in points:
        index = next((i for i, edge in enumerate(BIN_EDGES) if after <= edge), len(BIN_EDGES))
        bins.setdefault(bin_label(index), []).append(delta)
    order = [bin_label(i) for i in range(len(BIN_EDGES) + 1)]
    rho, p, method = spearman([float(a) for a, _ in points], [d for _, d in points])
    return SuffixEffect(
        pairs=len(points),
        spearman_rho=rho,
        p_value=p,
        p_method=method,
        bins=[
            SuffixBin(label, len(bins[label]), sum(bins[label]) / len(bins[label]))
            for label in order
            if label in bins
        ],
        points=points,
    )


__all__ = ["BIN_EDGES", "per_pair", "spearman", "suffix_effect"]
