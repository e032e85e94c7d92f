"""The arithmetic strategy: corrupt one intermediate calculation result (Smaug's MetaMath pairs).

The rejected completion is the chosen solution with exactly one intermediate result
replaced by a plausible wrong value of the same format; everything else, the final answer
included, is byte-identical.  That is the minimal pair on which DPO lowers the
likelihood of the chosen tokens after the edit (seed paper 000).

What an intermediate result is, and what a pair promises, is defined in
:mod:`pairgen.strategies.arithmetic.results`; the checks ``pairgen validate`` runs
(:meth:`ArithmeticStrategy.check_pairs`) in :mod:`pairgen.strategies.arithmetic.check`.
A result whose GSM8K calculator annotation does not hold (``<<48/2=25>>``) is never
edited: its chosen completion would teach a wrong step (none in real GSM8K's 28,000
annotations, so this changes no real pair).
"""

from __future__ import annotations

import random
from dataclasses import replace

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.strategies.arithmetic.calculator import holds_at
from pairgen.strategies.arithmetic.check import check_arithmetic_rows
from pairgen.strategies.arithmetic.options import ArithmeticOptions
from pairgen.strategies.arithmetic.restated import (
    computed_from_numbers,
    left_side,
    restates_given,
)
from pairgen.strategies.arithmetic.results import (
    Result,
    check_arithmetic_pair,
    final_answer,
    find_results,
    replace_result,
    strip_annotations,
)
from pairgen.strategies.base import PairRows, Strategy
from pairgen.strategies.math.given import problem_values
from pairgen.strategies.numbers import wrong_value


class ArithmeticStrategy(Strategy):
    """One pair per example: one intermediate result replaced by a wrong value."""

    name = "arithmetic"
    Options = ArithmeticOptions
    example_kind = "solution"
    check_columns = (
        "pair_index",
        "edit_start",
        "chosen_value",
        "rejected_value",
        "edit_kind",
        "prompt",
        "shots",
    )

    def __init__(self, options: ArithmeticOptions) -> None:
        self.strip = options.strip_annotations

    def prepare(self, example: Example) -> Example:
        """With ``strip_annotations``, the example without annotations, so few-shot
        exemplars in the prompt look like the completions (no ``<<...>>`` anywhere)."""
        if self.strip and "<<" in example.solution:
            return replace(example, solution=strip_annotations(example.solution))
        return example

    def make_pairs(self, example: Example, rng: random.Random) -> list[Example]:
        """The pair for ``example``; ``RowRejected("no_intermediate_result")`` if none.

        Stripping is repeated here (it is idempotent) so a caller that skips
        :meth:`prepare` still gets annotation-free pairs."""
        text = strip_annotations(example.solution) if self.strip else example.solution
        start, end, ann_start, ann_end = _draw(text, _results(text, example.question), rng)
        old = text[start:end]
        new = wrong_value(old, rng)
        rejected = replace_result(text, (start, end, ann_start, ann_end), new)
        return [example.paired(text, rejected, self.name, old, new, edit_kind="result")]

    def check_pairs(self, rows: PairRows) -> list[str | None]:
        """The verdict of :func:`check_arithmetic_pair` for each row (fast path first),
        and one pair per source row (``pair_index`` 0)."""
        verdicts = check_arithmetic_rows(
            rows.chosen,
            rows.rejected,
            rows.common_prefix,
            rows.common_suffix,
            rows.columns["edit_start"],
            rows.columns["chosen_value"],
            rows.columns["rejected_value"],
        )
        columns = rows.columns
        out: list[str | None] = []
        for i, verdict in enumerate(verdicts):
            if columns["pair_index"][i] != 0:
                verdict = (
                    f"pair_index is {columns['pair_index'][i]}, one pair per row has pair_index 0"
                )
            elif columns["edit_kind"][i] != "result":
                verdict = (
                    f"edit_kind is {columns['edit_kind'][i]!r}, an arithmetic pair edits a 'result'"
                )
            elif verdict is None and not columns["shots"][i]:
                verdict = _restated_edit(
                    rows.chosen[i], columns["edit_start"][i], columns["prompt"][i]
                )
            out.append(verdict)
        return out


def _restated_edit(chosen: str, edit_start: int, prompt: str) -> str | None:
    """The build's restated-given rule, checked from the stored prompt (no few-shot
    exemplars: the prompt is the template around the problem, so a template that writes
    digits makes the check stricter, never looser, as for the math rule)."""
    for result in find_results(chosen):
        start, end, ann_start, ann_end = result
        if start <= edit_start <= end or (ann_start <= edit_start <= ann_end and ann_start >= 0):
            if computed_from_numbers(left_side(chosen, result)):
                return None  # computed from numbers: a result whatever the problem states
            if restates_given(chosen, result, problem_values(str(prompt))):
                return "edit_on_problem_number"
            return None
    return None


def _results(text: str, question: str) -> list[Result]:
    """The solution's results (:func:`find_results`) that do not restate a number of the
    question (:mod:`pairgen.strategies.arithmetic.restated`); when every result does,
    ``RowRejected("results_all_in_problem")``."""
    results = find_results(text)
    if not results:
        return results
    given = problem_values(question)
    kept = [r for r in results if not restates_given(text, r, given)]
    if not kept:
        raise RowRejected(
            "results_all_in_problem",
            "every `a op b = c` result restates a number the problem gives",
        )
    return kept


def _draw(text: str, results: list[Result], rng: random.Random) -> Result:
    """One result drawn at random, never one whose annotation does not hold.

    Drawn first and checked after, so solutions whose annotations all hold (every real
    GSM8K row) draw exactly as before the check existed, at the cost of one evaluation.
    """
    if not results:
        if find_results(text, final_ok=True):
            raise RowRejected(
                "results_all_equal_final_answer",
                "every `a op b = c` result computes the final answer's value",
            )
        raise RowRejected(
            "no_intermediate_result", "no `a op b = c` result outside the final answer"
        )
    drawn = results[rng.randrange(len(results))]
    if "<<" not in text or _annotation_holds(text, drawn):
        return drawn
    results = [result for result in results if _annotation_holds(text, result)]
    if not results:
        raise RowRejected("no_intermediate_result", "every result's calculator annotation is wrong")
    return results[rng.randrange(len(results))]


def _annotation_holds(text: str, result: Result) -> bool:
    return holds_at(text, result[2] if result[2] >= 0 else result[0]) is not False


__all__ = [
    "ArithmeticStrategy",
    "check_arithmetic_pair",
    "final_answer",
    "find_results",
    "strip_annotations",
]
