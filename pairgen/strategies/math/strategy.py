"""The MATH strategy: corrupt one intermediate result of a competition-maths solution.

Smaug's MetaMath pairs corrupt one intermediate calculation and leave the final answer
alone; this is that edit for LaTeX solutions (MATH, MetaMathQA's ``MATH_`` rows, a
user's own maths set), where results sit in inline and display maths and in prose rather
than in GSM8K's ``a op b = c`` lines.  What counts as an intermediate result is
:mod:`pairgen.strategies.math.rule`; the wrong value is
:func:`pairgen.strategies.math.wrong.wrong_value` (same format, different value); what
``pairgen validate`` checks is :mod:`pairgen.strategies.math.check`.  One pair per row
(``pair_index`` 0); a row without a result is rejected with the reason the rule gives
(``no_final_answer``, ``results_all_in_problem``, ``only_operands``, ...).  The pair's
``edit_kind`` says which tier the edited site is (``result``, ``standalone``, ``carried``;
:mod:`pairgen.strategies.math.tiers`), and the wrong value never equals another element of
the list the value stands in (:mod:`pairgen.strategies.math.lists`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from pairgen.errors import PairgenError, RowRejected
from pairgen.record import Example, PairDraft
from pairgen.sources.generic.template import META_KEY
from pairgen.strategies import StrategyOptions
from pairgen.strategies.base import Strategy
from pairgen.strategies.math.check import check_math_pair
from pairgen.strategies.math.lists import list_siblings
from pairgen.strategies.math.rule import find_candidates, reject_reason
from pairgen.strategies.math.tiers import EDIT_KINDS, MATH_TIERS, MAX_TIER
from pairgen.strategies.math.wrong import wrong_value_avoiding

NAME = "math"


def problem_text(example: Example) -> str:
    """What the prompt states besides the solution: the problem and any template fields
    (``Level 5``), so a value the prompt gives is never taken for a derived one."""
    fields = example.meta.get(META_KEY) or {}
    return "\n".join([example.question, *(str(v) for v in fields.values())])


class MathStrategy(Strategy):
    """One pair per example: one intermediate result replaced by a same-format wrong value."""

    name = NAME
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

    def __init__(self, options: StrategyOptions) -> None:
        if options.math_tier not in MATH_TIERS:
            known = ", ".join(MATH_TIERS)
            raise PairgenError(f"unknown math tier {options.math_tier!r}; known: {known}")
        self.options = options
        self.max_tier = MAX_TIER[options.math_tier]

    def make_pairs(self, example: Example, rng: random.Random) -> list[PairDraft]:
        problem = problem_text(example)
        solution = example.solution
        candidates = find_candidates(problem, solution, self.max_tier)
        if not candidates:
            reason = reject_reason(problem, solution, self.max_tier) or "no_intermediate_result"
            raise RowRejected(reason, "no intermediate result before the final answer")
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
        rejected = solution[: picked.start] + new + solution[picked.end :]
        edit_start = picked.start
        while solution[edit_start] == rejected[edit_start]:
            edit_start += 1
        kind = EDIT_KINDS[picked.tier]
        return [PairDraft(solution, rejected, self.name, edit_start, picked.text, new, 0, kind)]

    def check_pair(self, row: Mapping[str, Any]) -> str | None:
        if row.get("pair_index", 0) != 0:
            return f"pair_index is {row['pair_index']}, one pair per row has pair_index 0"
        return check_math_pair(row, carried_tier=self.max_tier >= MAX_TIER["carried"])


__all__ = ["NAME", "MathStrategy", "problem_text"]
