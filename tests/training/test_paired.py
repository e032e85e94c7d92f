"""Paired comparison of two models' answers: the difference, its SE, exact McNemar."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.errors import PairgenError
from pairgen.training.analysis.paired import compare, mcnemar_exact, paired_change
from pairgen.training.measurements import QuestionOutcome

flags = st.lists(st.tuples(st.booleans(), st.booleans()), min_size=2, max_size=60)


@given(flags)
def test_the_paired_change_is_the_difference_of_accuracies(rows: list[tuple[bool, bool]]) -> None:
    a, b = [x for x, _ in rows], [y for _, y in rows]
    change = paired_change(a, b)
    n = len(rows)
    assert change.difference == pytest.approx(sum(b) / n - sum(a) / n)
    assert change.better == sum(y and not x for x, y in rows)
    assert change.worse == sum(x and not y for x, y in rows)
    # the SE of the mean of d = b - a, with the n - 1 variance
    d = [int(y) - int(x) for x, y in rows]
    mean = sum(d) / n
    assert change.se == pytest.approx(math.sqrt(sum((v - mean) ** 2 for v in d) / (n - 1) / n))


@settings(deadline=None)  # the first example imports scipy
@given(st.integers(0, 80), st.integers(0, 80))
def test_mcnemar_is_the_exact_binomial_test(better: int, worse: int) -> None:
    stats = pytest.importorskip("scipy.stats")
    n = better + worse
    expected = 1.0 if n == 0 else stats.binomtest(better, n, 0.5).pvalue
    assert mcnemar_exact(better, worse) == pytest.approx(expected, rel=1e-9)


def test_known_mcnemar_values() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(5, 0) == pytest.approx(2 / 32)  # 2 * (1/2)^5
    assert mcnemar_exact(10, 2) == pytest.approx(2 * (1 + 12 + 66) / 4096)


def outcome(model: str, question: str, right: bool, answer: int = 0) -> QuestionOutcome:
    return QuestionOutcome(
        model, 0, question, question, ["A", "B"], answer, 1 - answer if not right else answer,
        answer if right else 1 - answer, right, right, [-1.0, -2.0], [1, 1],
    )  # fmt: skip


def test_compare_pairs_by_question_and_leaves_the_rest_out() -> None:
    a = [outcome("a", "q1", True), outcome("a", "q2", False), outcome("a", "q3", True)]
    b = [outcome("b", "q2", True), outcome("b", "q1", True), outcome("b", "q9", False)]
    cmp = compare(a, b, "a", "b")
    assert (cmp.acc.questions, cmp.acc.better, cmp.acc.worse) == (2, 1, 0)
    assert (cmp.only_a, cmp.only_b) == (1, 1)


def test_compare_refuses_other_questions_under_the_same_ids() -> None:
    with pytest.raises(PairgenError, match="share no question"):
        compare([outcome("a", "q1", True)], [outcome("b", "q2", True)], "a", "b")
    with pytest.raises(PairgenError, match="not the same build"):
        compare([outcome("a", "q1", True)], [outcome("b", "q1", True, answer=1)], "a", "b")


def test_compare_refuses_a_question_twice_on_one_side() -> None:
    """Two models' outcomes in one list once paired silently (the last of B, every A
    counted): which one to pair is a guess."""
    twice = [outcome("a", "q1", True), outcome("c", "q1", False)]
    with pytest.raises(PairgenError, match="twice"):
        compare(twice, [outcome("b", "q1", True)], "a", "b")
    with pytest.raises(PairgenError, match="twice"):
        compare([outcome("b", "q1", True)], twice, "b", "a")
