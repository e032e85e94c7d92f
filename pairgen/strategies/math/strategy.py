"""The MATH strategy: corrupt one intermediate result of a competition-maths solution.

Smaug's MetaMath pairs corrupt one intermediate calculation and leave the final answer
alone; this is that edit for LaTeX solutions (MATH, MetaMathQA's ``MATH_`` rows, a
user's own maths set), where results sit in inline and display maths and in prose rather
than in GSM8K's ``a op b = c`` lines.  What counts as an intermediate result is
:mod:`pairgen.strategies.math.rule`; the wrong value is
:func:`pairgen.strategies.math.wrong.wrong_value` (same format, different value); what
``pairgen validate`` checks is :mod:`pairgen.strategies.math.check`.  One pair per row
(``pair_index`` 0); a row without a result is rejected with the reason the rule gives
(``no_final_answer``, ``results_all_in_problem``, ``only_operands``, ...).

GSM8K-style solutions carry calculator annotations (``<<48/2=24>>24``).  The visible
number and the annotation's result change together, never the hidden one alone (the
arithmetic strategy's :func:`~pairgen.strategies.arithmetic.results.replace_result`), and
``MathOptions.strip_annotations`` removes every annotation first, as it does for the
arithmetic strategy.  A row's answer stated apart from its solution (``--source math
--column answer=``, an option's text with ``--column choices=``) reaches the rule as
``Example.meta[STATED_ANSWER_KEY]``, so its value -- each element of a list answer
(``[4, 2]``) -- is never edited (:mod:`pairgen.strategies.math.stated`).  The pair's
``edit_kind`` says which tier the edited site is (``result``, ``standalone``, ``carried``;
:mod:`pairgen.strategies.math.tiers`), and the wrong value never equals another element of
the list the value stands in (:mod:`pairgen.strategies.math.lists`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources.generic.maths import STATED_ANSWER_KEY
from pairgen.sources.generic.template import META_KEY
from pairgen.strategies.arithmetic.results import replace_result, strip_annotations
from pairgen.strategies.base import Strategy
from pairgen.strategies.math.check import check_math_pair
from pairgen.strategies.math.lists import list_siblings
from pairgen.strategies.math.options import MathOptions
from pairgen.strategies.math.rule import find_candidates, reject_reason
from pairgen.strategies.math.stated import answer_spans, answer_text_at, stated_values
from pairgen.strategies.math.tiers import EDIT_KINDS, MAX_TIER
from pairgen.strategies.math.wrong import wrong_value_avoiding

NAME = "math"
# reject reason (:func:`pairgen.strategies.math.rule.reject_reason`) -> the reject's detail:
# what the solution lacks, in the user's terms, and for a fixable one the option that fixes it
REJECT_DETAILS: dict[str, str] = {
    "no_final_answer": (
        "the solution states no final answer in a form pairgen reads (\\boxed{X}, "
        "\\fbox{X}, \\framebox{X}, '#### X', 'The answer is X', 'Answer: X', an option "
        "letter alone on the last line), so nothing marks where edits must stop: map "
        "--column answer=COLUMN to the column holding each row's final answer (it is "
        "appended as 'The answer is: X')"
    ),
    "results_all_in_problem": "every intermediate result is a number the problem states",
    "results_all_equal_final_answer": "every intermediate result equals the final answer",
    "only_unreduced_fractions": "the only results are fractions not in lowest terms",
    "only_operands": "every number is an operand, none a result after a relation",
    "only_zero_bounds": "the only results are zero bounds (x > 0)",
    "only_in_asy": "the only results are inside [asy] drawings",
    "only_in_layout": "the only results are arguments of layout commands (\\cline{2-3})",
    "only_in_annotations": "the only results are inside <<...>> calculator annotations",
    "results_only_in_final_answer": "the only results are in the final answer, never edited",
    "no_result_slot": "no result after a relation or standing alone before the final answer",
}
DEFAULT_DETAIL = "no intermediate result before the final answer"


def problem_text(example: Example) -> str:
    """What the prompt states besides the solution: the problem and any template fields
    (``Level 5``), so a value the prompt gives is never taken for a derived one."""
    fields = example.meta.get(META_KEY) or {}
    return "\n".join([example.question, *(str(v) for v in fields.values())])


# one number as the rule reads it: digits, or digits spaced one blank apart (``\mathbf{6 0}``)
_DIGIT_RUN_RE = re.compile(r"[0-9](?: ?[0-9])*")
MAX_NUMBER_CHARS = 2000


class MathStrategy(Strategy):
    """One pair per example: one intermediate result replaced by a same-format wrong value."""

    name = NAME
    Options = MathOptions
    example_kind = "solution"
    check_columns = (
        "prompt",
        "shots",
        "pair_index",
        "edit_start",
        "chosen_value",
        "rejected_value",
        "edit_kind",
    )

    def __init__(self, options: MathOptions) -> None:
        self.options = options
        self.strip = options.strip_annotations
        self.max_tier = MAX_TIER[options.math_tier]

    def prepare(self, example: Example) -> Example:
        """With ``strip_annotations``, the example without ``<<...>>`` annotations, so
        few-shot exemplars look like the completions."""
        if self.strip and "<<" in example.solution:
            return replace(example, solution=strip_annotations(example.solution))
        return example

    def make_pairs(self, example: Example, rng: random.Random) -> list[Example]:
        problem = problem_text(example)
        solution = example.solution
        longest = max(map(len, _DIGIT_RUN_RE.findall(problem + "\n" + solution)), default=0)
        if longest > MAX_NUMBER_CHARS:  # Python reads at most 4,300 digits as one int
            raise RowRejected(
                "number_too_long",
                f"a number {longest} characters long (digits, or digits spaced one blank "
                f"apart): the rule reads numbers of at most {MAX_NUMBER_CHARS}",
            )
        if self.strip:  # idempotent: a caller that skips prepare() is served too
            solution = strip_annotations(solution)
        answer = example.meta.get(STATED_ANSWER_KEY)
        candidates = find_candidates(problem, solution, self.max_tier, answer=answer)
        stated = stated_values(answer)
        if answer and candidates:  # each element of a list answer, like a scalar one;
            # nothing inside a value of it (``\\frac{7}{8}``) or where it is written
            spans = answer_spans(solution, answer)
            candidates = [
                c
                for c in candidates
                if c.value not in stated
                and answer_text_at(solution, c.start, c.end, answer, spans) is None
            ]
            if not candidates:
                raise RowRejected(
                    "results_all_equal_final_answer",
                    REJECT_DETAILS["results_all_equal_final_answer"],
                )
        if not candidates:
            reason = (
                reject_reason(problem, solution, self.max_tier, answer=answer)
                or "no_intermediate_result"
            )
            raise RowRejected(reason, REJECT_DETAILS.get(reason, DEFAULT_DETAIL))
        while candidates:
            picked = candidates[rng.randrange(len(candidates))]
            siblings = list_siblings(solution, picked.start, picked.end)
            new = wrong_value_avoiding(picked.text, rng, siblings)
            if new is not None:
                break
            candidates = [c for c in candidates if c is not picked]
        else:
            raise RowRejected(
                "only_list_duplicates", "every wrong value would repeat another list element"
            )
        link = picked.linked or (-1, -1)
        rejected = replace_result(solution, (picked.start, picked.end, *link), new)
        kind = EDIT_KINDS[picked.tier]
        return [example.paired(solution, rejected, self.name, picked.text, new, 0, kind)]

    def check_pair(self, row: Mapping[str, Any]) -> str | None:
        if row.get("pair_index", 0) != 0:
            return f"pair_index is {row['pair_index']}, one pair per row has pair_index 0"
        return check_math_pair(row, carried_tier=self.max_tier >= MAX_TIER["carried"])


__all__ = ["DEFAULT_DETAIL", "NAME", "REJECT_DETAILS", "MathStrategy", "problem_text"]
