"""Which choice a model picks: ties and NaN scores never count as right."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from pairgen.training.analysis.choice_accuracy import best

scores = st.lists(st.floats(-50, 0) | st.just(math.nan), min_size=2, max_size=6)


def test_a_nan_score_is_never_the_best() -> None:
    """NaN compares false both ways: ``max`` kept the first choice, so an answer listed
    first with a NaN log-likelihood counted as right."""
    assert best([math.nan, -1.0, -2.0], answer=0) == 1
    assert best([-1.0, math.nan], answer=0) == 0
    assert best([math.nan, math.nan], answer=0) == 1  # all NaN: a tie, so wrong


@given(scores, st.data())
def test_property_the_answer_is_picked_only_when_strictly_best(
    values: list[float], data: st.DataObject
) -> None:
    answer = data.draw(st.integers(0, len(values) - 1))
    mine = values[answer]
    others = [v for i, v in enumerate(values) if i != answer]
    strictly_best = not math.isnan(mine) and all(math.isnan(v) or mine > v for v in others)
    assert (best(values, answer) == answer) == strictly_best
