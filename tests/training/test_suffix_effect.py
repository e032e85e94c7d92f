"""The suffix-length effect: per-pair after-edit change, bins, Spearman's rho and its p-value."""

from __future__ import annotations

import math

import torch
from hypothesis import given
from hypothesis import strategies as st

from pairgen.training.analysis.suffix_effect import spearman, suffix_effect
from pairgen.training.loop.forward import Reference


def refs(afters: list[int], drops: list[float]) -> tuple[Reference, Reference]:
    """Reference log-probs -1 per token; trained ones lower by ``drop`` after the edit."""
    trained, ref = Reference([], [], []), Reference([], [], [])
    for after, drop in zip(afters, drops, strict=True):
        k = 2  # first difference at token 2: tokens 0-1 before, 2 at, then ``after`` tokens
        base = -torch.ones(k + 1 + after)
        moved = base.clone()
        moved[k + 1 :] -= drop
        for side, values in ((ref, base), (trained, moved)):
            side.chosen.append(values)
            side.rejected.append(values)
            side.first_diff.append(k)
    return trained, ref


def test_longer_suffix_larger_drop_gives_negative_rho() -> None:
    afters = [2, 5, 12, 20, 40, 70, 100, 300]
    trained, ref = refs(afters, [0.1 * (i + 1) for i in range(len(afters))])
    out = suffix_effect(trained, ref)
    assert out.pairs == 8
    assert out.spearman_rho == -1.0 or math.isclose(out.spearman_rho, -1.0)
    assert out.p_value < 0.01
    bins = {b.tokens_after: (b.pairs, round(b.mean_delta, 6)) for b in out.bins}
    assert bins["1-8"] == (2, -0.15) and bins["257+"] == (1, -0.8)
    assert [p[0] for p in out.points] == afters


def test_pair_without_tokens_after_the_edit_is_left_out() -> None:
    trained, ref = refs([0, 3, 4, 5], [0.5, 0.1, 0.2, 0.3])
    assert suffix_effect(trained, ref).pairs == 3


def test_no_relation_is_not_significant() -> None:
    afters = list(range(1, 41))
    drops = [((i * 7919) % 41) / 41 for i in afters]  # scrambled, no trend
    rho, p, _ = spearman([float(a) for a in afters], drops)
    assert abs(rho) < 0.3 and p > 0.05


@given(
    st.lists(st.integers(0, 300), min_size=3, max_size=30),
    st.lists(st.floats(-3, 3), min_size=30, max_size=30),
)
def test_rho_is_spearmans_and_p_a_probability(afters: list[int], drops: list[float]) -> None:
    from scipy.stats import spearmanr

    x, y = [float(a) for a in afters], drops[: len(afters)]
    rho, p, method = spearman(x, y)
    if len(set(x)) == 1 or len(set(y)) == 1:
        assert math.isnan(rho) and method == "constant input"
        return
    assert math.isclose(rho, float(spearmanr(x, y).statistic), abs_tol=1e-9)
    assert 0 < p <= 1
