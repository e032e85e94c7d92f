"""Issue 20's recall round: results the MATH rule missed, each with the refusal that keeps
its precision -- real-shaped solutions from the rejects read by hand (see
docs/math-rule.md), and the pairs they make validating per ``edit_kind``."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.strategies import StrategyOptions, build_strategy
from pairgen.strategies.math import rule
from pairgen.strategies.math.given import problem_values, stated_values
from pairgen.strategies.math.rewrites import rewrite_slots
from pairgen.strategies.math.steps import step_slots

from pairgen_rows import edit_start

STRICT = build_strategy("math", StrategyOptions())
CARRIED = build_strategy("math", StrategyOptions(math_tier="carried"))


def texts(solution: str, problem: str = "") -> list[str]:
    return [c.text for c in rule.find_candidates(problem, solution)]


def carried(solution: str, problem: str = "") -> list[str]:
    return [c.text for c in rule.analyse(problem, solution, 3)[0] if c.tier == 3]


def pair_row(strategy, problem: str, solution: str, seed: int) -> dict[str, object]:
    (pair,) = strategy.make_pairs(
        Example("math", "d", "train", "0", problem, solution), random.Random(seed)
    )
    return {
        "prompt": f"Question: {problem}\nAnswer:\n",
        "shots": 0,
        "pair_index": 0,
        "chosen": pair.chosen,
        "rejected": pair.rejected,
        "edit_start": edit_start(pair),
        "chosen_value": pair.chosen_value,
        "rejected_value": pair.rejected_value,
        "edit_kind": pair.edit_kind,
    }


# --- a symbol's exponent in the problem is no stated quantity ------------------------------


def test_stated_values_leave_out_the_exponents_of_symbols_only():
    problem = r"Solve $x^4 - 13x^2 + 36 = 0$ and $(y + 1)^{5} = 2^{10}$ for $a_7$."
    assert {Fraction(4), Fraction(2), Fraction(5)} <= problem_values(problem)
    assert Fraction(4) not in stated_values(problem)
    assert Fraction(5) not in stated_values(problem)
    # a coefficient, a number's exponent, a subscript and every number outside maths stay
    assert {Fraction(13), Fraction(10), Fraction(7), Fraction(36)} <= stated_values(problem)
    assert Fraction(2) in stated_values(problem)  # 2^{10}: the base is a number
    assert Fraction(3) in stated_values("Find $x^3$ if $x$ is 3 more than 5.")


def test_a_whole_side_result_equal_to_a_problem_exponent_is_edited():
    problem = r"Find all real $x$ such that $x^4 = 9$."
    solution = r"Taking square roots, $x^2 = 3$ (not $-3$), so $x = \pm\sqrt{3}$. $\boxed{2}$"
    assert texts(solution, problem) == ["3"]
    # the same value anywhere else restates the problem: a prose statement, a standalone
    # value, a coefficient
    problem = r"What is the degree of $3x^2 + 11$?"
    assert texts(r"The degree of $3x^2 + 11$ is 2. $\boxed{2}$", problem) == []
    assert texts(r"It has degree $2$, so $\boxed{2}$", problem) == []
    problem = r"Solve $t^2 + at = 0$ for $a$ if $t = 5$."
    assert texts(r"So $a = -5$ and $y = 2t$. $\boxed{-5}$", problem) == []


# --- ways of writing one value -------------------------------------------------------------


def test_a_slash_fraction_before_a_full_stop_is_a_value():
    problem = "The digits 2, 3, 5 and 7 are arranged randomly to form a four-digit number."
    solution = r"The probability that 2 is the units digit is 1/4. So $1-1/4=\boxed{\frac{3}{4}}$."
    assert texts(solution, problem) == ["1/4"]


def test_a_numeral_marked_base_ten_is_a_result_another_base_is_not():
    solution = r"$$1357_{9}= 7+45+243+729 = 1024_{10},$$ and $100_4 = 16_{10}$. $\boxed{2938}$"
    assert texts(solution, "Compute $1357_9 / 100_4$ in base 10.") == ["1024", "16"]
    assert texts(r"So $12_4 + 3_4 = 21_4$ and $\boxed{9}$") == []


def test_a_product_coefficient_needs_its_numbers_on_the_side_before():
    problem = "A cylinder of radius 8 holds the melted ice cream."
    assert texts(r"Its volume is $\pi (8^2)h=64\pi h$. $\boxed{1}$", problem) == ["64"]
    assert texts(r"So $(2r)^2 h = 4r^2 h$. $\boxed{1}$") == ["4"]
    solution = r"She has $.83x + .96x + .81 x + .82x = 3.42 x$ points. $\boxed{198}$"
    assert texts(solution) == ["3.42"]
    # a formula's constant: the side before holds neither the number nor the letters
    assert texts(r"The circumference is $C = 2\pi r$. $\boxed{1}$") == []
    assert texts(r"such that $GM = \frac13BM$.  So $\boxed{1}$") == []
    assert texts(r"We are given $4s=2\pi r$, so $\boxed{1}$") == []
    # in prose no space may stand before the letter
    assert texts(r"so x = 3 a day. $\boxed{1}$") == []


def test_a_power_of_the_imaginary_unit_is_a_convention():
    solution = r"The powers cycle through $i^0 = 1,$ $i^2 = -1,$ and $i^3 = -i$. $\boxed{0}$"
    assert texts(solution) == []
    assert rule.reject_reason("", solution) == "only_convention_constants"


# --- the carried tier: numbers a rewrite or a step brings ---------------------------------


def test_a_numeric_rewrite_brings_carried_sites():
    problem = "What is $3254_6$ when expressed in base 10?"
    solution = r"$3254_6=3\cdot6^3+2\cdot6^2+5\cdot6^1+4\cdot6^0=648+72+30+4=\boxed{754}$."
    assert {"648", "72", "30"} <= set(carried(solution, problem))
    assert texts(solution, problem) == []  # operands: never strict
    problem = "One inch represents 800 feet. A segment is 4.75 inches long. How many feet?"
    solution = r"It represents $4.75\times800=\frac{19}{4}\cdot800=19\cdot200=\boxed{3800}$ feet."
    assert carried(solution, problem) == ["19", "4", "19", "200"]


def test_a_rewrite_that_expands_a_definition_brings_nothing():
    # the digits of a numeral in another base, a factorial, a binomial written out
    for solution in (
        r"So $3254_6=3\cdot6^3+2\cdot6^2+5\cdot6+4$ and $\boxed{1}$",
        r"So $8! = 8\cdot 7\cdot 6 \cdot 5 \cdot 4$ and $\boxed{1}$",
        r"So $\binom{8}{3} = \frac{8 \cdot 7 \cdot 6}{3 \cdot 2}$ and $\boxed{1}$",
    ):
        assert rewrite_slots(solution, solution.index("\\boxed")) == []


def test_a_chain_with_variables_rewrites_only_when_it_continues():
    problem = r"Expand $(x+3)^2$."
    solution = r"We have $(x+3)^2 = (x+3)(x+3) = x(x) + 3x + 3x + 9 = x^2 + 6x + 9$. $\boxed{1}$"
    assert carried(solution, problem) == ["9", "6", "9"]  # 3 \cdot 3, 3 + 3, carried
    # a lone equation states, an identity between symbols brings a formula's constants
    for solution in (
        r"We have $2x + 3 = 11$, so $\boxed{4}$",
        r"So $(a+b)^2 = a^2 + 2ab$, $\boxed{4}$",
    ):
        assert rewrite_slots(solution, solution.index("\\boxed")) == []


def test_an_equation_step_brings_carried_sites():
    problem = r"Angles $2x^\circ$ and $3x^\circ$ add up to $90^\circ$. Find $x$."
    solution = r"So $2x+3x=90$ or $5x=90$, and $x=\boxed{18}$."
    assert carried(solution, problem) == ["5"]
    assert texts(solution, problem) == []
    solution = r"Expanding gives $180n - 360 = 162n$, so $18n = 360$ and $n = \boxed{20}$."
    assert carried(solution, "Each interior angle is 162 degrees.") == ["18"]
    # ``then`` introduces a choice, and a multiplier named first in prose is chosen
    for solution in (
        r"Let $x=0.\overline{7}$, then $10x=7.\overline{7}$. $\boxed{1}$",
        r"Multiplying by 100, $x = 0.\overline{43}$ gives $100x = 43.\overline{43}$. $\boxed{1}$",
    ):
        assert step_slots(solution, solution.index("\\boxed")) == []


@pytest.mark.parametrize(
    ("problem", "solution"),
    [
        (
            "What is $3254_6$ in base 10?",
            r"$3254_6=3\cdot6^3+2\cdot6^2+5\cdot6+4=648+72+30+4=\boxed{754}$.",
        ),
        ("Angles $2x$ and $3x$ add up to 90.", r"So $2x+3x=90$ or $5x=90$, so $x=\boxed{18}$."),
        (
            "How many inches?",
            r"It is $4.75\times800=\frac{19}{4}\cdot800=19\cdot200=\boxed{3800}$.",
        ),
    ],
)
def test_rewrite_and_step_pairs_validate_as_carried_only(problem, solution):
    with pytest.raises(RowRejected):
        STRICT.make_pairs(Example("math", "d", "train", "0", problem, solution), random.Random(0))
    for seed in range(12):
        row = pair_row(CARRIED, problem, solution, seed)
        assert row["edit_kind"] == "carried"
        assert CARRIED.check_pair(row) is None
        assert STRICT.check_pair(row) == "carried_edit_without_carried_tier"
        assert CARRIED.check_pair({**row, "edit_kind": "result"}) == "not_intermediate_result"


_N = st.integers(min_value=2, max_value=99)


@settings(max_examples=60, deadline=None)
@given(a=_N, b=_N, c=_N, seed=st.integers(0, 10**6))
def test_property_numeric_chain_pairs_validate_and_edit_a_worked_out_number(a, b, c, seed):
    """A numeric chain ``a \\cdot b + c = ab + c = ab+c``: every carried pair validates and
    edits a number the chain worked out (never one the problem states)."""
    solution = f"We get ${a} \\cdot {b} + {c} = {a * b} + {c} = \\boxed{{{a * b + c}}}$."
    problem = f"Compute {a} times {b} plus {c}."
    try:
        row = pair_row(CARRIED, problem, solution, seed)
    except RowRejected:
        return  # a*b equals a given number or the answer
    assert CARRIED.check_pair(row) is None
    assert Fraction(str(row["chosen_value"])) not in problem_values(problem)


@settings(max_examples=60, deadline=None)
@given(
    a=st.integers(min_value=2, max_value=9),
    b=st.integers(min_value=10, max_value=99),
    seed=st.integers(0, 10**6),
)
def test_property_exponent_relaxation_only_for_a_whole_side(a, b, seed):
    """With the problem stating ``a`` only as an exponent, a result ``= a`` may be edited,
    a coefficient ``a y`` never; every pair validates."""
    problem = f"Given $x^{a} = {b**a}$, find $x$."
    solution = f"Then $z = {a}$ and $w = {a}y$, so $x = \\boxed{{{b}}}$."
    row = pair_row(STRICT, problem, solution, seed)
    assert row["edit_start"] == solution.index(f"z = {a}") + 4
    assert STRICT.check_pair(row) is None


# --- precision found reading 100 fresh strict pairs -----------------------------------------


def test_a_supposition_in_words_is_a_hypothesis():
    solution = r"None of the sides can be even.  Now, suppose one side is 3.  Then $\boxed{23}$"
    assert texts(solution) == []
    assert rule.reject_reason("", solution) == "only_hypothesis_values"
    assert texts(r"Let the smaller number be 5.  Then $\boxed{8}$") == []
    assert texts(r"The smaller side is 3.  Then $\boxed{8}$") == ["3"]  # a statement


def test_a_coefficient_after_an_operation_on_numbers_is_not_its_result():
    problem = r"Find $x$ such that $\log_{12}3x=2$."
    solution = r"In exponential form, $12^2=3x$. Since $3x=144$, $x=\boxed{48}$."
    assert texts(solution, problem) == ["144"]  # the 3 of 3x restates the problem
    assert texts(r"The area is $3 \times 4 = 12$, so $\boxed{5}$.", "A 12 by 3 box.") == ["12"]


def test_a_case_on_an_absolute_value_is_a_hypothesis():
    solution = r"Hence $|z| = 0$ or $|z| = 1$.  If $|z| = 0,$ then $z = 0.$  So $\boxed{5}$"
    starts = [c.start for c in rule.find_candidates("", solution)]
    assert solution.index("If $|z| = 0") + 10 not in starts  # the case value
    assert solution.index("$|z| = 0$") + 7 in starts  # the result it restates
