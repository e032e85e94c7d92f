"""Paired comparisons of multiple-choice accuracy between models on the same questions.

A ``pairgen train`` run of a choice build (ARC, HellaSwag, MMLU) writes ``choices.jsonl``:
each held-out question as the reference and each loss answered it.  Two models on the
same questions are compared question by question (:mod:`pairgen.training.analysis.paired`):
the difference in acc and acc_norm with its paired standard error, the discordant counts
and the exact McNemar p-value; the unpaired standard error (two independent binomials)
is printed beside it for comparison.

    python benchmarks/paired_choices.py runs/arc                  # every pair of models in one run
    python benchmarks/paired_choices.py runs/arc:reference runs/arc:dpop
    python benchmarks/paired_choices.py runs/a:dpop runs/b:dpop   # two runs, same questions

``RUN[:MODEL]``: a run folder (or a ``choices.jsonl``) and one of its models (default:
``reference``).  Questions are matched by seed and question id; two runs of the same
build with the same ``--seed`` and held-out settings hold the same questions.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from pathlib import Path

from pairgen.errors import PairgenError
from pairgen.training.analysis.outcomes import read_outcomes
from pairgen.training.analysis.paired import Comparison, compare, shared_outcomes
from pairgen.training.measurements import QuestionOutcome
from pairgen.training.results import plain, without_nan


def outcomes_of(spec: str) -> tuple[str, list[QuestionOutcome]]:
    """``RUN[:MODEL]`` -> (its name, the model's outcomes)."""
    run, _, model = spec.partition(":")
    model = model or "reference"
    rows = [o for o in read_outcomes(Path(run)) if o.model == model]
    if not rows:
        raise PairgenError(f"no outcomes of model {model!r} in {run}")
    return f"{run}:{model}", rows


def unpaired_se(a: float, b: float, n: int) -> float:
    """The standard error of a difference of two independent binomial proportions."""
    return math.sqrt(a * (1 - a) / n + b * (1 - b) / n) if n else math.nan


def describe(cmp: Comparison, both: list[tuple[QuestionOutcome, QuestionOutcome]]) -> list[str]:
    """The comparison in words: per metric, both accuracies, the paired difference with its
    SE and 95% interval, the discordant counts and McNemar's p, and the unpaired SE."""
    n = len(both)
    left = (
        f" ({cmp.only_a} only in A, {cmp.only_b} only in B, left out)"
        if cmp.only_a or cmp.only_b
        else ""
    )
    lines = [f"B = {cmp.b} against A = {cmp.a}: {n} shared questions{left}"]
    for kind, change, flag in (
        ("acc", cmp.acc, "correct"),
        ("acc_norm", cmp.acc_norm, "correct_norm"),
    ):
        acc_a = sum(getattr(x, flag) for x, _ in both) / n
        acc_b = sum(getattr(y, flag) for _, y in both) / n
        low, high = change.difference - 1.96 * change.se, change.difference + 1.96 * change.se
        lines.append(
            f"  {kind}: A {acc_a:.3f}, B {acc_b:.3f}, B - A {change.difference:+.3f}, "
            f"paired SE {change.se:.3f} (95% {low:+.3f} to {high:+.3f}; unpaired SE "
            f"{unpaired_se(acc_a, acc_b, n):.3f}); B right where A wrong {change.better}, "
            f"the reverse {change.worse}; exact McNemar p {change.mcnemar_p:.3g}"
        )
    return lines


def comparisons(
    runs: list[str],
) -> list[tuple[tuple[str, list[QuestionOutcome]], tuple[str, list[QuestionOutcome]]]]:
    """The sides to compare: two ``RUN[:MODEL]``, or every pair of models in one run."""
    if len(runs) == 2:
        return [(outcomes_of(runs[0]), outcomes_of(runs[1]))]
    rows = read_outcomes(Path(runs[0]))
    models = list(dict.fromkeys(o.model for o in rows))
    sides = [(f"{runs[0]}:{m}", [o for o in rows if o.model == m]) for m in models]
    return list(itertools.combinations(sides, 2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "runs", nargs="+", help="RUN (every pair of its models), or RUN[:MODEL] RUN[:MODEL]"
    )
    parser.add_argument("--json", action="store_true", help="one JSON line per comparison")
    args = parser.parse_args(argv)
    if len(args.runs) > 2 or (len(args.runs) == 1 and ":" in args.runs[0]):
        parser.error("give one run folder, or two RUN[:MODEL]")
    try:
        for (name_a, a), (name_b, b) in comparisons(args.runs):
            cmp = compare(a, b, name_a, name_b)
            print(
                json.dumps(without_nan(plain(cmp)))
                if args.json
                else "\n".join(describe(cmp, shared_outcomes(a, b)))
            )
    except PairgenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
