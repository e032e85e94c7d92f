"""Issue 20's MATH rule: values a careful human would not edit, sites it now finds, the
opt-in carried tier, the ``edit_kind`` each pair records and what validate checks of it."""

from __future__ import annotations

import random
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.errors import PairgenError, RowRejected
from pairgen.record import Example
from pairgen.strategies import StrategyOptions, build_strategy
from pairgen.strategies.math import rule
from pairgen.strategies.math.lists import list_siblings
from pairgen.strategies.math.wrong import wrong_value_avoiding

from pairgen_rows import stored_row

STRICT = build_strategy("math", StrategyOptions())
CARRIED = build_strategy("math", StrategyOptions(math_tier="carried"))


def texts(solution: str, problem: str = "", tier: int = 2) -> list[str]:
    return [c.text for c in rule.find_candidates(problem, solution, tier)]


def refused(solution: str, problem: str = "") -> str | None:
    return rule.reject_reason(problem, solution)


# --- precision: what is never edited ---------------------------------------------------


@pytest.mark.parametrize(
    "solution",
    [
        r"So $x^2 - 7x + 1 = 0$ and $\boxed{5}$.",
        r"This factors as $(n - 1)(n + 2) = 0,$ so $\boxed{5}$.",
        r"All that matters is whether $f(x)-g(x)=0$. So $\boxed{5}$.",
        r"\[0 = x^2 - 4x\] so $\boxed{5}$.",
        r"As $x\to\infty$ the terms approach 0, so $\boxed{5}$.",
        r"The $y$-intercept is $(0,-7)$, so $\boxed{5}$.",
    ],
)
def test_zeros_that_state_a_condition(solution):
    assert texts(solution) == [] or "0" not in texts(solution)
    assert refused(solution) in ("only_zero_conditions", "no_result_slot", None)


def test_zeros_that_are_results_stay():
    assert texts(r"So $4 - 4 = 0$ and $\boxed{5}$.") == ["0"]
    assert texts(r"We get $F_6 \equiv 0 \pmod{4}$, so $\boxed{5}$.") == ["0"]
    assert texts(r"Then $q(2) = 0$, so $\boxed{5}$.") == ["0"]
    assert texts(
        r"So $\mathbf{A}^2 = \begin{pmatrix} -1 & 0 \\ 3 & -1 \end{pmatrix}$, $\boxed{5}$."
    ) == [
        "1",
        "0",
        "3",
        "1",
    ]


@pytest.mark.parametrize(
    "solution",
    [
        r"The angles sum to $180^\circ$, so $\boxed{28}$.",
        r"Angles on a line: $124 + 2x = 180,$ so with $x^\circ$ we get $\boxed{28}$.",
        r"The quadrilateral's angles sum to $360^\circ$. So $\boxed{28}$.",
        r"There are 24 hours in a day, so $\boxed{15}$.",
        r"Since there are 60 minutes in an hour, $\boxed{15}$.",
        r"So it grows by $100\%$ and $\boxed{15}$.",
        r"Since $\pi \approx 3.14$, $\boxed{15}$.",
        r"We know \[\frac{1}{2} = \cos 60^\circ,\] so $\boxed{15}$.",
        r"Divide as in base 10, so $\boxed{15}$.",
        r"It is a $30-60-90$ triangle, so $\boxed{15}$.",
        r"By AM-GM, $a + b + c + d \ge 4 \sqrt[4]{abcd}$, so $\boxed{15}$.",
    ],
)
def test_convention_constants(solution):
    assert texts(solution) == []


@pytest.mark.parametrize(
    "solution",
    [
        r"If $k = 5$, then the sum is odd. So $\boxed{3}$.",
        r"Suppose $x = 2$. Then it fails. $\boxed{3}$",
        r"Let $n = 7$; it works. $\boxed{3}$",
        r"Trying $x=4$, $x=5$, and $x=6$, it grows. $\boxed{3}$",
        r"If both $a = b = 8$, then it is even. $\boxed{3}$",
        r"Setting $x = 9,$ we get the sum $a + b$. $\boxed{3}$",
        r"For example, $m = 6$ works. $\boxed{3}$",
        r"It holds. When $n = 6$, it is even. $\boxed{3}$",
    ],
)
def test_hypothesis_values(solution):
    assert texts(solution) == []


def test_results_after_when_stay():
    # "equality occurs when" states the values the solution found
    assert texts(r"Equality occurs when $a = b = 2$ and $c = 7,$ so $\boxed{9}$.") == ["2", "7"]


@pytest.mark.parametrize(
    "solution",
    [
        r"The values of $d$ are 0, 2, 4, $\ldots$, 14, so $\boxed{8}$.",
        r"The first odd integers are 5, 7, $\dots$, so $\boxed{8}$.",
        r"Number the people 1, 2, and 3. There are $\boxed{6}$.",
        r"Person 1 has 5 choices and person 2 has 4 choices, so $\boxed{20}$.",
    ],
)
def test_labels_and_range_starts(solution):
    labels = (
        {"0", "2", "4", "5", "7"} if "ldots" in solution or "dots" in solution else {"1", "2", "3"}
    )
    assert not labels & set(texts(solution))


def test_repeating_decimal_and_chosen_bound():
    assert "0" not in texts(r"So $\frac{6}{13} = 0.\overline{461538}$ and $\boxed{4}$.")
    sol = r"So $1.3 + 1.6 + 1 = 3.9 < 7$ and $\boxed{3}$."
    assert texts(sol) == ["3.9"]  # 7 is a bound the solver picked
    assert texts(r"So $4 < \sqrt{20} < 5$ and $\boxed{3}$.") == ["4", "5"]  # a sandwich


def test_refusal_reasons_name_the_refusal():
    assert refused(r"So $x^2 - 9 = 0$ and $\boxed{3}$.") == "only_zero_conditions"
    assert refused(r"The sum is $180^\circ$, so $\boxed{3}$.") == "only_convention_constants"
    assert refused(r"If $k = 5$, then $\boxed{3}$.") == "only_hypothesis_values"


# --- recall within the rule -------------------------------------------------------------


def test_spaces_units_and_scientific_notation():
    assert texts(r"So $AB = 6 \sqrt{5}$ and $\boxed{1}$.") == ["6"]
    assert texts(r"The area is $= 25 \pi$, so $\boxed{1}$.") == ["25"]
    assert texts(r"So $E = 13.6\,\mathrm{eV}$ and $\boxed{1}$.") == ["13.6"]
    assert texts(r"So $E = 9.94 \times 10^{-19}\,\mathrm{J}$ and $\boxed{1}$.") == ["9.94"]
    assert texts(r"So $E = 12.5 \times 10^{3}$ and $\boxed{1}$.") == []  # no mantissa
    assert texts(r"So $= 2\sqrt{3} + 1$ and $\boxed{1}$.") == []  # still an operand


def test_computed_right_side_that_the_problem_states():
    problem = "A 3 by 4 rectangle has a 12 by 1 strip."
    assert texts(r"The area is $3 \times 4 = 12$, so $\boxed{5}$.", problem) == ["12"]
    assert texts(r"The area is $x = 12$, so $\boxed{5}$.", problem) == []  # given


# --- list elements stay distinct ---------------------------------------------------------


def test_list_siblings_and_avoiding():
    sol = r"The primes are $2,$ $3,$ and $5$, so $\boxed{10}$."
    at = sol.index("5$")
    assert list_siblings(sol, at, at + 1) == {Fraction(2), Fraction(3)}
    for seed in range(50):
        new = wrong_value_avoiding("5", random.Random(seed), frozenset({Fraction(2), Fraction(3)}))
        assert new not in {"2", "3", "5"}
    assert wrong_value_avoiding("5", random.Random(0), frozenset(map(Fraction, range(10)))) is None


def _pair_row(strategy, problem: str, sol: str, seed: int) -> dict[str, object]:
    (pair,) = strategy.make_pairs(
        Example("math", "d", "train", "0", problem, sol), random.Random(seed)
    )
    return stored_row(pair, f"Question: {problem}\nAnswer:\n", "math")


def test_pairs_never_make_list_elements_equal_and_validate_says_so():
    sol = r"The primes are $2,$ $3,$ $5,$ and $7$, so $\boxed{17}$."
    for seed in range(40):
        row = _pair_row(STRICT, "Sum the primes below 8.", sol, seed)
        assert row["edit_kind"] in ("result", "standalone")
        assert row["rejected_value"] not in {"2", "3", "5", "7"}
        assert STRICT.check_pair(row) is None
    row = _pair_row(STRICT, "Sum the primes below 8.", sol, 0)
    tampered = sol.replace(f"${row['chosen_value']},$", "$2,$", 1)
    if tampered != sol and row["chosen_value"] != "2":
        at = sol.index(f"${row['chosen_value']},$") + 1
        row.update(rejected=tampered, rejected_value="2", edit_start=at)
        assert STRICT.check_pair(row) == "made_list_elements_equal"


# --- the carried tier --------------------------------------------------------------------


def test_carried_sites_only_with_the_option_and_only_without_strict_sites():
    problem = "Find the remainder of 1529 divided by 6."
    sol = r"We have $6 \cdot 254 = 1524$, so $1529 = 254 \cdot 6 + 5$. $\boxed{5}$"
    assert texts(sol, problem, tier=3) == ["1524"]  # a strict site wins
    sol = r"We have $6 \cdot 254 - 1 + 1$, so $1529 = 254 \cdot 6 + 5$. $\boxed{5}$"
    assert texts(sol, problem) == []
    assert rule.reject_reason(problem, sol) == "results_all_in_problem"  # 1529 = ...
    carried = rule.find_candidates(problem, sol, 3)
    assert [(c.text, c.tier, c.start) for c in carried] == [("254", 3, sol.rindex("254"))]


def test_carried_noise_is_never_a_site():
    # computed earlier: 2, 3, 8, 6 (standalone); used again as a power of a symbol, a
    # factorial argument, a binomial argument, a chosen coefficient, a root index
    sol = (
        r"We find $2$ and $3$ and $8$ and $6$ and $1$. Then $BC^2 + x^3 + 8! + \binom{8}{3}"
        r" + 6(x - y) + \sqrt[3]{y} + 1 \cdot z$ remains. $\boxed{0}$"
    )
    carried = [c.text for c in rule.analyse("", sol, 3)[0] if c.tier == 3]
    assert carried == []
    sol = r"We find $254$ and $8$. Then $2^8 \cdot 254 + 9 \cdot 21 - 9 \cdot 25$. $\boxed{0}$"
    carried = [(c.text, c.start) for c in rule.analyse("", sol, 3)[0] if c.tier == 3]
    assert [t for t, _ in carried] == ["8", "254"]  # an exponent and an operand


def test_carried_pairs_validate_per_kind():
    problem = "Simplify."
    sol = r"First $a + 1 = 27 + 1$. Then $\frac{27}{9} + 27 \cdot x$ is the form. $\boxed{3}$"
    assert texts(sol, problem) == []
    sites = [(c.text, c.start) for c in rule.find_candidates(problem, sol, 3)]
    assert sites == [("27", sol.index("{27}") + 1), ("27", sol.rindex("27"))]
    seen = set()
    for seed in range(20):
        row = _pair_row(CARRIED, problem, sol, seed)
        assert row["edit_kind"] == "carried"
        assert CARRIED.check_pair(row) is None
        assert STRICT.check_pair(row) == "carried_edit_without_carried_tier"
        assert CARRIED.check_pair({**row, "edit_kind": "result"}) == "not_intermediate_result"
        seen.add(row["edit_start"])
    assert len(seen) == 2  # the fraction part and the operand
    row = _pair_row(CARRIED, problem, sol, 0)
    early = sol.index("27")  # the first 27: computed nowhere before it
    row.update(rejected=sol[:early] + "28" + sol[early + 2 :], edit_start=early + 1)
    row.update(chosen_value="27", rejected_value="28")
    assert CARRIED.check_pair(row) == "not_intermediate_result"


def test_unknown_math_tier_is_one_clear_error():
    with pytest.raises(PairgenError, match="unknown math tier 'loose'; known: strict, carried"):
        build_strategy("math", StrategyOptions(math_tier="loose"))


_VALUES = st.integers(min_value=2, max_value=999).map(str)


@settings(max_examples=60, deadline=None)
@given(a=_VALUES, b=_VALUES, c=_VALUES, seed=st.integers(0, 10**6))
def test_property_carried_pairs_always_validate(a, b, c, seed):
    sol = f"We count {a} and {b} ways. Then ${a} \\cdot {b} + {c}$ in all, so $\\boxed{{1}}$."
    example = Example("math", "d", "train", "0", "Count.", sol)
    try:
        (pair,) = CARRIED.make_pairs(example, random.Random(seed))
    except RowRejected:  # a row where every site is refused
        return
    row = _pair_row(CARRIED, "Count.", sol, seed)
    assert row["rejected"] == pair.rejected
    assert CARRIED.check_pair(row) is None


def test_a_long_list_without_an_ellipsis_is_read_in_linear_time():
    # MathQA's "odd prime numbers less than 100": 24 items with " , " between them once took
    # ~4^n regex steps in the ellipsis check (a build hung); run in a child process so a
    # regression fails on the timeout instead of hanging the suite
    primes = [p for p in range(3, 100) if all(p % d for d in range(2, p))]
    rationale = (
        "odd prime number less than 100 : "
        + " , ".join(map(str, primes))
        + " there is 24 the odd prime number answer is 24"
    )
    code = (
        "import sys; from pairgen.strategies.math.rule import find_candidates; "
        "print(len(find_candidates('how many odd primes below 100 ?', sys.argv[1], 3)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, rationale], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("tier", ["strict", "carried"])
@pytest.mark.parametrize("number", ["1" * 5000, " ".join("7" * 3000)])
def test_a_number_too_long_to_read_is_one_reject_reason(tier, number):
    # Python reads at most 4,300 digits as one int: such a row once crashed the build
    strategy = build_strategy("math", StrategyOptions(math_tier=tier))
    sol = f"We see ${number}$. Then $x = 2 + 3 = 5$, so $\\boxed{{10}}$."
    example = Example("math", "d", "train", "0", "What is x?", sol)
    with pytest.raises(RowRejected) as caught:
        strategy.make_pairs(example, random.Random(0))
    assert caught.value.reason == "number_too_long"
