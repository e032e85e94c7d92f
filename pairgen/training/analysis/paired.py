"""Two models on the same multiple-choice questions, compared question by question.

Both models answer the same held-out questions, so their accuracies are not independent:
the standard errors of two binomial proportions overstate the uncertainty of their
difference whenever the models agree on most questions (they do: DPO on 32 steps
changes few answers).  Paired, the difference of accuracies is the mean of the
per-question differences ``d = right_B - right_A`` (each -1, 0 or 1), with standard
error ``sd(d) / sqrt(n)``; and the exact McNemar test asks whether the questions only B
gets right (``better``) and only A gets right (``worse``) split other than 1:1, a
binomial test on the ``better + worse`` discordant questions (McNemar, "Note on the
sampling error of the difference between correlated proportions or percentages",
Psychometrika 1947; the exact form: Fagerland, Lydersen and Laake, "The McNemar test
for binary matched-pairs data: mid-p and asymptotic are better than exact conditional",
BMC Medical Research Methodology 2013, which also shows it is conservative).

Torch-free: ``benchmarks/paired_choices.py`` runs it on the ``choices.jsonl`` of any run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from pairgen.errors import PairgenError
from pairgen.training.measurements import PairedChange, QuestionOutcome


def mcnemar_exact(better: int, worse: int) -> float:
    """Two-sided exact McNemar p-value: twice the smaller binomial tail at 1/2, at most 1
    (1 when no question is discordant)."""
    n = better + worse
    if n == 0:
        return 1.0
    tail = sum(
        (Fraction(math.comb(n, k), 2**n) for k in range(min(better, worse) + 1)), Fraction(0)
    )
    return float(min(Fraction(1), 2 * tail))


def paired_change(a: Sequence[bool], b: Sequence[bool]) -> PairedChange:
    """Accuracy of B minus A over the same questions, in the same order (one flag each)."""
    if len(a) != len(b):
        raise ValueError(f"{len(a)} outcomes against {len(b)}: not the same questions")
    n = len(a)
    diffs = [int(y) - int(x) for x, y in zip(a, b, strict=True)]
    better, worse = diffs.count(1), diffs.count(-1)
    if n == 0:
        return PairedChange(0, math.nan, math.nan, 0, 0, 1.0)
    mean = sum(diffs) / n
    se = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1) / n) if n > 1 else math.nan
    return PairedChange(n, mean, se, better, worse, mcnemar_exact(better, worse))


@dataclass(frozen=True, slots=True)
class Comparison:
    """Model ``b`` against model ``a`` on the questions both answered (same seed, same
    question id); ``only_a``/``only_b``: questions one of them lacks, left out."""

    a: str
    b: str
    acc: PairedChange
    acc_norm: PairedChange
    only_a: int
    only_b: int


def shared_outcomes(
    a: Sequence[QuestionOutcome], b: Sequence[QuestionOutcome]
) -> list[tuple[QuestionOutcome, QuestionOutcome]]:
    """The questions both sides answered (same seed, same question id), A's outcome with B's,
    in A's order."""
    by_key = {(o.seed, o.question): o for o in b}
    return [(o, by_key[(o.seed, o.question)]) for o in a if (o.seed, o.question) in by_key]


def compare(
    a: Sequence[QuestionOutcome], b: Sequence[QuestionOutcome], name_a: str, name_b: str
) -> Comparison:
    """Pair the outcomes of two models by (seed, question) and compare them.

    Refuses (one line) when a side holds a question twice (two models or two runs in
    one list: which to pair would be a guess), when no question is shared, and when a
    shared question has other choices or another answer in ``b`` (two different builds
    under the same ids)."""
    for name, side in ((name_a, a), (name_b, b)):
        seen: set[tuple[int, str]] = set()
        for o in side:
            if (o.seed, o.question) in seen:
                raise PairgenError(
                    f"{name} holds question {o.question} (seed {o.seed}) twice: "
                    "one model's outcomes of one run per side"
                )
            seen.add((o.seed, o.question))
    shared = shared_outcomes(a, b)
    if not shared:
        raise PairgenError(f"{name_a} and {name_b} share no question (seed and question id)")
    for x, y in shared:
        if (x.labels, x.answer) != (y.labels, y.answer):
            raise PairgenError(
                f"question {x.question} (seed {x.seed}) has choices {x.labels} answer "
                f"{x.answer} in {name_a} but {y.labels} answer {y.answer} in {name_b}: "
                "not the same build"
            )
    return Comparison(
        name_a,
        name_b,
        paired_change([x.correct for x, _ in shared], [y.correct for _, y in shared]),
        paired_change([x.correct_norm for x, _ in shared], [y.correct_norm for _, y in shared]),
        only_a=len(a) - len(shared),
        only_b=len(b) - len(shared),
    )


__all__ = ["Comparison", "compare", "mcnemar_exact", "paired_change", "shared_outcomes"]
