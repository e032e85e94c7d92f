"""The suffix-length effect: does the after-edit drop grow with the shared suffix?

"Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive" and "Common
pitfalls of margin-based preference optimization" both tie DPO's fall of the chosen
log-prob after the edit to the number of tokens after the first difference.  For every
held-out pair this takes ``Δ = trained - reference`` of the chosen completion's mean
per-token log-prob after the edit, and relates it to that number of tokens: a binned
table, Spearman's rank correlation and its two-sided p-value (scipy's when installed,
else a seeded permutation test), and the per-pair points for the plot.
"""

from __future__ import annotations

import math
import random
from typing import Any

from pairgen.training.forward import Reference

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


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank (as Spearman's rho needs)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for i in order[start : end + 1]:
            out[i] = (start + end) / 2 + 1
        start = end + 1
    return out


def pearson(x: list[float], y: list[float]) -> float:
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx, syy = sum((a - mx) ** 2 for a in x), sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else math.nan


def spearman(x: list[float], y: list[float], seed: int = 0) -> tuple[float, float, str]:
    """Spearman's rho, its two-sided p-value, and how the p-value was computed."""
    if len(x) < 3:
        return math.nan, math.nan, "too few pairs"
    if len(set(x)) < 2 or len(set(y)) < 2:  # every pair alike: no rank order to correlate
        return math.nan, math.nan, "constant input"
    try:
        from scipy.stats import spearmanr  # type: ignore[import-untyped]
    except ImportError:
        pass
    else:
        rho, p = spearmanr(x, y)
        return float(rho), float(p), "scipy"
    rx, ry = ranks(x), ranks(y)
    rho = pearson(rx, ry)
    if math.isnan(rho):
        return rho, math.nan, "constant input"
    rng, shuffled, beyond = random.Random(seed), list(ry), 0
    for _ in range(PERMUTATIONS):
        rng.shuffle(shuffled)
        beyond += abs(pearson(rx, shuffled)) >= abs(rho) - 1e-12
    return rho, (beyond + 1) / (PERMUTATIONS + 1), f"permutation test, {PERMUTATIONS} shuffles"


def bin_label(index: int) -> str:
    low = 1 if index == 0 else BIN_EDGES[index - 1] + 1
    return f"{low}+" if index == len(BIN_EDGES) else f"{low}-{BIN_EDGES[index]}"


def suffix_effect(trained: Reference, ref: Reference) -> dict[str, Any]:
    """The binned table, the rank correlation and the points of one trained model."""
    points = per_pair(trained, ref)
    bins: dict[str, list[float]] = {}
    for after, delta in points:
        index = next((i for i, edge in enumerate(BIN_EDGES) if after <= edge), len(BIN_EDGES))
        bins.setdefault(bin_label(index), []).append(delta)
    order = [bin_label(i) for i in range(len(BIN_EDGES) + 1)]
    rho, p, method = spearman([float(a) for a, _ in points], [d for _, d in points])
    return {
        "pairs": len(points),
        "spearman_rho": rho,
        "p_value": p,
        "p_method": method,
        "bins": [
            {
                "tokens_after": label,
                "pairs": len(bins[label]),
                "mean_delta": sum(bins[label]) / len(bins[label]),
            }
            for label in order
            if label in bins
        ],
        "points": [[a, d] for a, d in points],
    }


__all__ = ["BIN_EDGES", "per_pair", "ranks", "spearman", "suffix_effect"]
