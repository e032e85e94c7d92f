"""The arithmetic rule's three exclusions (issue 19), each in the builder and in validate.

- rule 5: a result whose value is the one-number final answer is the final answer being
  computed, never an intermediate result (``find_results``; ``final_ok=True`` keeps it);
- an ``= N`` followed by an operator and a number is an operand, not a result;
- the builder never edits a result that only restates a number the problem gives,
  unless its left-hand side is an operation on numbers alone (``restated.py``).
"""

from __future__ import annotations

import random

import pytest

from pairgen.errors import RowRejected
from pairgen.metrics import edit_stats
from pairgen.record import Example
from pairgen.strategies.arithmetic.check import check_arithmetic_rows, window_accepts
from pairgen.strategies.arithmetic.options import ArithmeticOptions
from pairgen.strategies.arithmetic.results import (
    check_arithmetic_pair,
    final_value,
    find_results,
    first_diff,
)
from pairgen.strategies.arithmetic.strategy import ArithmeticStrategy
from pairgen.strategies.base import PairRows

from pairgen_rows import edit_start

DEFAULT = ArithmeticStrategy(ArithmeticOptions())


def tokens(text: str, final_ok: bool = False) -> list[str]:
    return [text[start:end] for start, end, _, _ in find_results(text, final_ok=final_ok)]


def edited_values(solution: str, question: str = "Q?", seeds: int = 60) -> set[str]:
    """Every value the strategy edits over ``seeds`` draws; each pair passes the check."""
    example = Example("s", "c", "train", "0", question, solution=solution)
    values = set()
    for seed in range(seeds):
        (draft,) = DEFAULT.make_pairs(example, random.Random(seed))
        assert check_arithmetic_pair(*fields(draft)) is None
        values.add(draft.chosen_value)
    return values


def fields(draft: Example) -> tuple[str, str, int, str, str]:
    return draft.chosen, draft.rejected, edit_start(draft), draft.chosen_value, draft.rejected_value


def reject_reason(solution: str, question: str = "Q?") -> str:
    example = Example("s", "c", "train", "0", question, solution=solution)
    with pytest.raises(RowRejected) as err:
        DEFAULT.make_pairs(example, random.Random(0))
    return err.value.reason


def fast_and_full(
    chosen: str, rejected: str, chosen_value: str, rejected_value: str
) -> tuple[bool, str | None, str | None]:
    """(window_accepts, check_arithmetic_rows' verdict, check_arithmetic_pair's verdict)
    for a hand-made pair, with the statistics ``pairgen validate`` recomputes."""
    stats = edit_stats([chosen], [rejected])
    prefix, suffix = int(stats.common_prefix[0]), int(stats.common_suffix[0])
    window = window_accepts(chosen, rejected, prefix, suffix, prefix, chosen_value, rejected_value)
    [rows] = check_arithmetic_rows(
        [chosen], [rejected], [prefix], [suffix], [prefix], [chosen_value], [rejected_value]
    )
    full = check_arithmetic_pair(chosen, rejected, prefix, chosen_value, rejected_value)
    return window, rows, full


# -- rule 5: the final answer's value ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "final"),
    [
        ("48 + 24 = 72\n#### 72", "72"),
        ("so it costs\nThe answer is: $1,200", "1,200"),
        ("The answer is: 12 apples", "12"),
        ("so $x = \\boxed{\\frac{1}{2}}$.", None),  # two numbers: not one value
        ("Then 3 + 4 = 7\n#### 3 + 4 = 7", None),
        ("no final answer at all, 2 * 3 = 6", None),
    ],
)
def test_final_value_is_a_one_number_final_answer(text: str, final: str | None) -> None:
    assert final_value(text) == final


@pytest.mark.parametrize(
    ("text", "computed"),
    [
        ("Natalia sold 48/2 = <<48/2=24>>24 clips.\n#### 24", ["24"]),
        ("It is 1,200 * 5 = <<1200*5=6000>>6,000 toys.\n#### 6000", ["6,000"]),
        ("so <<4*6=24>> twenty-four desks\n#### 24", ["24"]),  # the annotation's value
        ("It is <<20*.5=10>>10.00 dollars\n#### 10", ["10.00"]),  # same value, other format
        ("48/2 = 24 and 3 * 4 = 12\nThe answer is: 12", ["24", "12"]),
        ("It costs 4 * \\$1.25 = \\$5.00.\nThe answer is: $5", ["5.00"]),
        ("Total 5 + 7 = 12.The answer is: 12", ["12"]),  # glued final answer
    ],
)
def test_a_result_equal_to_the_final_answer_is_not_intermediate(
    text: str, computed: list[str]
) -> None:
    assert tokens(text, final_ok=True) == computed
    final = final_value(text)
    assert final is not None
    assert tokens(text) == [t for t in computed if float(t.replace(",", "")) != float(final)]


def test_the_strategy_never_edits_the_final_answers_value() -> None:
    solution = (
        "She sold 48/2 = <<48/2=24>>24 clips in May.\n"
        "Altogether she sold 48+24 = <<48+24=72>>72 clips.\n"
        "So 72 - 0 = 72 clips were sold.\n#### 72"
    )
    assert edited_values(solution) == {"24"}


def test_a_row_whose_every_result_is_the_final_answer_rejects_with_its_own_reason() -> None:
    assert reject_reason("Natalia sold 48/2 = <<48/2=24>>24 clips.\n#### 24") == (
        "results_all_equal_final_answer"
    )
    assert reject_reason("So 6 + 6 = 12 and 3 * 4 = 12.\nThe answer is: 12") == (
        "results_all_equal_final_answer"
    )
    # no result at all keeps the old reason
    assert reject_reason("A spider has 8 legs.\n#### 8") == "no_intermediate_result"


FINAL_STEP = (
    "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n"
    "Natalia sold 48+24 = <<48+24=72>>72 clips altogether.\n#### 72"
)
PLAIN_FINAL_STEP = "First 1 + 2 = 3 boxes.\nThen 3 * 4 = 12 pens.\n#### 12"


@pytest.mark.parametrize(
    ("chosen", "old", "new", "values", "verdict"),
    [
        # the annotated last step (annotation and visible number edited together)
        (FINAL_STEP, "=72>>72", "=73>>73", ("72", "73"), "multiple_numbers_changed"),
        # a plain last step: the window's lines see "= 12" as a result, the full text not
        (PLAIN_FINAL_STEP, "= 12 pens", "= 13 pens", ("12", "13"), "not_intermediate_result"),
    ],
)
def test_validate_flags_a_pair_that_edits_the_final_answers_value(
    chosen: str, old: str, new: str, values: tuple[str, str], verdict: str
) -> None:
    rejected = chosen.replace(old, new)
    assert fast_and_full(chosen, rejected, *values) == (False, verdict, verdict)
    # the same edit with another final answer is intermediate, and the fast path accepts it
    final = f"#### {values[0]}"
    other = (chosen.replace(final, "#### 99"), rejected.replace(final, "#### 99"))
    assert fast_and_full(*other, *values) == (True, None, None)


# -- operands: "= 220 + 23" -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "results"),
    [
        ("So 200 + 20 = 220 + 23 = 243 apples.\n#### 500", ["243"]),
        ("It is 2 * 3 = 6 * 5 = 30 dollars.\n#### 99", ["30"]),
        ("Cost 4 * 3 = \\$12 + \\$3 = \\$15.\n#### 99", ["15"]),
        ("We get $-220=7\\cdot 6\\cdot 12 = 504$.", ["504"]),
        ("so $2 + 4 = 3 \\times 2 = 6$ and $1 + 5 = 12 \\div 2$.", ["6"]),
        ("He has 2 * 3 = 6 x 4 = 24 eggs.\n#### 99", ["24"]),
        ("She has 2 * 3 = 6\n- 4 eggs broke later.\n#### 99", ["6"]),  # a list item below
        ("It is 3 * 4 = 12 + x apples.\n#### 99", ["12"]),  # no number after the operator
        ("It is 3 * 4 = 12 x-rays.\n#### 99", ["12"]),  # a word, not a spaced x
    ],
)
def test_a_number_followed_by_an_operation_is_an_operand(text: str, results: list[str]) -> None:
    assert tokens(text) == results


def test_the_strategy_never_edits_an_operand_and_validate_flags_one() -> None:
    chosen = "So 200 + 20 = 220 + 23 = 243 apples.\n#### 500"
    assert edited_values(chosen, seeds=20) == {"243"}
    rejected = chosen.replace("= 220 +", "= 221 +")
    assert fast_and_full(chosen, rejected, "220", "221") == (
        False,
        "not_intermediate_result",
        "not_intermediate_result",
    )


# -- results that restate a number the problem gives -----------------------------------------

# GSM8K test rows (openai/grade-school-math, MIT licence), quoted verbatim.
KYLE_Q = (
    "Kyle bought last year's best-selling book for $19.50. This is with a 25% discount "
    "from the original price. What was the original price of the book?"
)
KYLE_A = (
    "Let X be the original price of the book. The discounted price is X - X*25% = $19.50.\n"
    "Combining like terms, we get .75X = $19.50\n"
    "Dividing both sides by .75, we get X = $26.\n#### 26"
)
QUIZ_Q = (
    "In a 60-item quiz, 40% of the questions are easy, and the rest are equally divided as "
    "average and difficult questions. If Aries is sure to get 75% of the easy questions, and "
    "half of the average and difficult questions correctly, how many points is she sure to get?"
)
QUIZ_A = (
    "The average and difficult questions comprises 100% - 40% = 60% of the quiz.\n"
    "There are 60 questions x 40/100 = <<60*40/100=24>>24 easy questions.\n"
    "There are a total of 60 questions x 60/100 = <<60*60/100=36>>36 average and difficult "
    "questions.\n"
    "If Aries is sure to get 75% of the easy questions, then this means she is sure of her "
    "24 questions x 75/100 = <<24*75/100=18>>18 points.\n"
    "From the average and difficult questions, she is sure to get half of it correctly so "
    "that is 36 questions / 2 = <<36/2=18>>18 points.\n"
    "Thus, she is sure of getting 18 points + 18 points = <<18+18=36>>36 points in her quiz.\n"
    "#### 36"
)


def test_a_result_that_restates_a_given_is_never_edited() -> None:
    # "X - X*25% = $19.50" and ".75X = $19.50" restate the price the problem gives
    assert tokens(KYLE_A) == ["19.50", "19.50"]
    assert reject_reason(KYLE_A, KYLE_Q) == "results_all_in_problem"
    # without the problem nothing is given: the same results are edited
    assert edited_values(KYLE_A, seeds=20) == {"19.50"}
    # one computed result besides them is the only one edited
    extra = KYLE_A.replace("#### 26", "So the discount was 26 - 19.50 = $6.50.\n#### 26")
    assert edited_values(extra, KYLE_Q, seeds=20) == {"6.50"}


def test_a_restated_value_computed_from_numbers_alone_stays_a_result() -> None:
    # "100% - 40% = 60%": the 60 of "60-item" is given, but the solver computed it;
    # 36 (= the final answer) is never edited (rule 5), the 24 and both 18s are
    assert edited_values(QUIZ_A, QUIZ_Q) == {"60", "24", "18"}
    assert edited_values("So 3 * 1 = 3 boxes, and 3 + 4 = 7.\n#### 99", "Three boxes") == {
        "3",
        "7",
    }
    # "X * 1 = 3" (not numbers alone) restating the given 3 is not edited
    assert edited_values("2X = 6, so X * 1 = 3 boxes, 3 + 4 = 7.\n#### 99", "Q 3?") == {"6", "7"}


def test_a_users_answer_line_ends_the_solution_for_the_arithmetic_rule() -> None:
    """``Answer: 10`` (no ``####``): the step computing 10 is the final answer's, never edited
    (review finding: the arithmetic rule used to know only ``####``/``The answer is``)."""
    text = "Tom had 12 apples and 3 more: 12 + 3 = 15.\n15 - 5 = 10 apples are left.\nAnswer: 10"
    assert [text[a:b] for a, b, _, _ in find_results(text)] == ["15"]
    assert final_value(text) == "10"
    strategy = ArithmeticStrategy(ArithmeticOptions())
    for seed in range(20):
        [draft] = strategy.make_pairs(
            Example("math", "default", "test", "0", "Tom had 12 apples.", solution=text),
            random.Random(seed),
        )
        assert draft.chosen_value == "15"


def test_a_tampered_edit_kind_fails_the_arithmetic_check() -> None:
    text = "It is 48/2 = <<48/2=24>>24 clips, 24+48 = <<24+48=72>>72 in all.\n#### 99"
    [draft] = ArithmeticStrategy(ArithmeticOptions()).make_pairs(
        Example("gsm8k", "main", "train", "0", "q?", solution=text), random.Random(0)
    )
    assert draft.edit_kind == "result"
    prefix = first_diff(draft.chosen, draft.rejected, 0)
    rows = PairRows(
        chosen=[draft.chosen] * 2,
        rejected=[draft.rejected] * 2,
        common_prefix=[prefix] * 2,
        common_suffix=[first_diff(draft.chosen[::-1], draft.rejected[::-1], 0)] * 2,
        columns={
            "pair_index": [0, 0],
            "edit_start": [edit_start(draft)] * 2,
            "chosen_value": [draft.chosen_value] * 2,
            "rejected_value": [draft.rejected_value] * 2,
            "edit_kind": ["result", "carried"],
            "prompt": ["Question: q?\nAnswer:"] * 2,
            "shots": [0, 0],
        },
    )
    verdicts = ArithmeticStrategy(ArithmeticOptions()).check_pairs(rows)
    assert verdicts[0] is None
    assert verdicts[1] is not None and "edit_kind" in verdicts[1]


def test_validate_flags_an_edit_of_a_restated_given_number() -> None:
    """The build never edits ``X - X*25% = $19.50`` when the problem states $19.50; a pair
    that does (written by hand: a tampered or foreign shard) fails the arithmetic check,
    read from the stored prompt; the same row with few-shot exemplars is left to the build."""
    problem = "Kyle bought last year's best-selling book for $19.50 with a 25% discount."
    chosen = (
        "The discounted price is X - X*25% = $19.50.\n"
        "Combining like terms, we get .75X = $19.50\n"
        "Dividing both sides by .75, we get X = $26.\n#### 26"
    )
    rejected = chosen.replace("= $19.50.", "= $19.30.", 1)
    prefix = first_diff(chosen, rejected, 0)
    rows = PairRows(
        chosen=[chosen] * 2,
        rejected=[rejected] * 2,
        common_prefix=[prefix] * 2,
        common_suffix=[first_diff(chosen[::-1], rejected[::-1], 0)] * 2,
        columns={
            "pair_index": [0, 0],
            "edit_start": [prefix] * 2,
            "chosen_value": ["19.50"] * 2,
            "rejected_value": ["19.30"] * 2,
            "edit_kind": ["result"] * 2,
            "prompt": [f"Question: {problem}\nAnswer:"] * 2,
            "shots": [0, 2],
        },
    )
    assert ArithmeticStrategy(ArithmeticOptions()).check_pairs(rows) == [
        "edit_on_problem_number",
        None,
    ]
