"""Issue 20's second hand reading: the kinds of non-computed values 100 strict pairs drawn
from all 12,500 MATH rows still edited, each refused generally (real MATH sentences), and
what stays a result next to each."""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pairgen.record import Example
from pairgen.strategies import StrategyOptions, build_strategy
from pairgen.strategies.math import rule
from pairgen.strategies.math.given import ORDINAL_WORDS, given_values, problem_values
from pairgen.strategies.math.known import CONSTANTS, constant_approximation
from pairgen.strategies.math.lists import list_siblings, parallel_values

from pairgen_rows import stored_row

STRICT = build_strategy("math", StrategyOptions())


def texts(solution: str, problem: str = "") -> list[str]:
    return [c.text for c in rule.find_candidates(problem, solution)]


def refused(solution: str, problem: str = "") -> str | None:
    return rule.reject_reason(problem, solution)


# --- constant_approximation --------------------------------------------------------------


@pytest.mark.parametrize(
    "solution",
    [
        r"We are solving for the greatest integer that is less than or equal to $\pi$. "
        r"Since $\pi$ is approximately $3.14$, the answer is $\boxed{3}$.",
        r"Using $\pi \approx 3.1416$, the area is about $\boxed{28}$.",
        r"Since $e$ is about $2.718$, we have $\boxed{2}$.",
        r"We know $\sqrt{3}$ is roughly 1.732, so $\boxed{5}$.",
        r"Since $\sqrt{2} \approx 1.41$, $\boxed{5}$.",
        r"Using $\frac{22}{7}$ for $\pi$, $\boxed{44}$.",
    ],
)
def test_constant_approximations_in_any_wording(solution):
    assert texts(solution) == []
    assert refused(solution) in ("only_constant_approximations", "only_convention_constants")


def test_decimals_that_are_no_famous_constant_stay():
    assert texts(r"The mean is $x = 3.15$, so $\boxed{4}$.") == ["3.15"]
    assert texts(r"So $2.5 \cdot 1.3 = 3.25$ and $\boxed{4}$.") == ["3.25"]
    assert texts(r"The ratio is $x = 3.1$, so $\boxed{4}$.") == ["3.1"]  # two digits: no claim
    assert texts(r"So $x = \frac{22}{7}$ and $\boxed{4}$.") == [r"\frac{22}{7}"]  # no pi named


_PLACES = st.integers(min_value=2, max_value=9)
# how a solution names each constant of the table
NAMED = {
    "pi": r"the area is $\pi r^2$",
    "e": r"with $e^x$",
    "sqrt2": r"$\sqrt{2}$",
    "sqrt3": r"$\sqrt3$",
    "sqrt5": r"$\sqrt{5}$",
    "golden ratio": r"$\phi$",
    "ln 2": r"$\ln 2$",
    "ln 10": r"$\ln(10)$",
    "log10 2": r"$\log_{10} 2$",
    "log10 3": r"$\log 3$",
    "sqrt2 / 2": r"$\frac{\sqrt{2}}{2}$",
    "sqrt3 / 2": r"$\frac{\sqrt{3}}{2}$",
}


@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(sorted(CONSTANTS)), places=_PLACES, up=st.booleans())
def test_property_every_cut_and_rounding_of_a_constant_is_refused(name, places, up):
    step = Decimal(1).scaleb(-places)
    quoted = CONSTANTS[name][0].quantize(step, ROUND_HALF_UP if up else ROUND_DOWN)
    token = str(quoted)
    assume(len(token.replace(".", "").lstrip("0")) >= 3)  # three significant digits
    named = NAMED[name]
    assert constant_approximation(named, token, Fraction(token))
    assert not constant_approximation("so x is", token, Fraction(token))  # not named: a result
    # one unit in the last place away is no approximation of this constant
    off = str(quoted + step * 3)
    others = {
        c.quantize(step, mode)
        for c, pattern in CONSTANTS.values()
        if pattern.search(named)
        for mode in (ROUND_DOWN, ROUND_HALF_UP)
    }
    assert constant_approximation(named, off, Fraction(off)) == (Decimal(off) in others)


def test_a_quote_of_a_constant_the_solution_never_names_is_a_result():
    # ln 10 = 2.302..., sqrt 2 = 1.414...: computed here, in solutions about neither
    assert texts(r"So $x = 4.6/2 = 2.30$ and $\boxed{3}$.") == ["2.30"]
    assert texts(r"The average is $x = 1.41$, so $\boxed{2}$.") == ["1.41"]
    assert texts(r"Since $\sqrt{2} = 1.41$, so $\boxed{2}$.") == []


def test_a_quote_longer_than_the_table_is_no_claim_and_no_crash():
    """The table holds 15 places; a longer decimal (any user's data) once made Decimal's
    28-digit context raise InvalidOperation inside the build."""
    long_pi = "3.141592653589793238462643383279"
    assert not constant_approximation("", long_pi, Fraction(long_pi))
    assert texts(rf"We get $x = {long_pi}$ and $y = 2 + 5 = 7$, so $\boxed{{8}}$.") == [
        long_pi,
        "7",
    ]


# --- known_range -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "solution",
    [
        r"We have $\mathbf{a}\cdot\mathbf{b} = 77\cos \theta$. The range of values of "
        r"$\cos \theta$ is $[-1,1]$, so the range is $\boxed{[-77,77]}$.",
        r"Since $-1 \le \sin x \le 1$, the largest value is $\boxed{5}$.",
        r"Since $|\cos 2x| \le 1$, we get $\boxed{5}$.",
        r"Since $\sin^2 x + \cos^2 x = 1$, we get $\boxed{5}$.",
    ],
)
def test_the_range_of_sine_and_cosine(solution):
    assert "1" not in texts(solution)


def test_bounds_and_intervals_without_sine_stay():
    assert texts(r"So $x - 4 \le 1$ and $\boxed{5}$.") == ["1"]
    assert texts(r"The roots lie in $[-1, 1]$, so $\boxed{5}$.") == ["1", "1"]


# --- formula_constant --------------------------------------------------------------------


def test_a_coefficient_passed_on_is_no_result():
    sol = (
        r"Let $x$ be the length of a leg.  Then the black area is $\frac{1}{2}(x)(x)="
        r"\frac{1}{2}x^2$.  The white area is $6-x^2$, so $\boxed{2}$."
    )
    assert r"\frac{1}{2}" not in texts(sol)
    sol = (
        r"The areas may be found directly using the area formula $\frac{1}{2}$(base)"
        r"(height).  So the area is $\boxed{16}$."
    )
    assert texts(sol) == []


def test_worked_out_coefficients_stay():
    assert texts(r"So $2 \cdot 3x = 6x$ and $\boxed{1}$.") == ["6"]
    assert texts(r"So $4x - 2x = 2x$, and $\boxed{1}$.") == ["2"]
    assert texts(r"So $\pi (8^2)h = 64\pi h$, and $\boxed{1}$.") == ["64"]
    assert texts(r"So $2\sqrt{2} \cdot \sqrt{3} = 2\sqrt{6}$, and $\boxed{1}$.") == ["2"]
    sol = r"The cone holds $\frac{4}{3}\pi$, so $\frac{4}{3}\pi r^3=\frac{4}{3}\pi$. $\boxed{1}$"
    assert texts(sol) == [r"\frac{4}{3}"]  # an equation being solved


# --- base_case ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "solution",
    [
        r"We start with the $0$th row, which has $1$ number. Each row has one more number "
        r"than the previous row. Thus row $n$ has $n+1$ numbers, so $\boxed{55}$.",
        r"Since $0! = 1$, the sum is $\boxed{55}$.",
        r"Recall that $a^0 = 1$, so $\boxed{55}$.",
        r"Since $\binom{n}{0} = 1$, $\boxed{55}$.",
    ],
)
def test_base_cases(solution):
    assert "1" not in texts(solution)


def test_factorials_and_later_rows_stay():
    assert texts(r"So $3! = 6$, and $\boxed{55}$.") == ["6"]
    assert "6" in texts(r"The $5$th row has $6$ numbers, so $\boxed{55}$.")


# --- named_number and option_value -------------------------------------------------------


def test_named_numbers():
    sol = (
        r"The prime factorization of 30 is $30=2\cdot3\cdot5$. A factor of 30 can have "
        r"zero or one power of 2, zero or one power of 3, and zero or one power of $5$. "
        r"Thus, there are $2\cdot2\cdot2=\boxed{8}$ factors of 30."
    )
    assert texts(sol, "How many positive factors does 30 have?") == []
    assert texts(r"So $n$ must be a multiple of $7$, and $\boxed{5}$.") == []
    assert texts(r"It is divisible by $9$, so $\boxed{5}$.") == []
    assert texts(r"The area grows by a factor of $4$, so $\boxed{5}$.") == ["4"]
    assert texts(r"It is divisible by 9 and $2$, so $\boxed{5}$.") == []


def test_shared_factors_and_multiples_are_results():
    problem = r"Simplify $\frac{24}{36}$."
    sol = r"Since 24 and 36 have a common factor of $12$, we simplify. So $\boxed{\frac23}$."
    assert texts(sol, problem) == ["12"]
    sol = r"Since 24 and 36 share a factor of $12$, we simplify. So $\boxed{\frac23}$."
    assert texts(sol, problem) == ["12"]


def test_options_of_a_variable():
    sol = (
        r"Therefore, we may choose $a=2$ or $4$ and $b=0,$ $2,$ $4,$ $6,$ or $8.$  Since "
        r"we have 2 choices for $a$ and 5 choices for $b$, there are $2\times5=\boxed{10}$ ways."
    )
    assert not {"0", "6", "8"} & set(texts(sol, "How many even divisors?"))
    sol = r"The sum $19 + x$ is divisible by 3, so $x=2$, $5$, or $8$. So $\boxed{80}$."
    sites = [c.text for c in rule.analyse("Find the digits.", sol)[0]]
    assert sites == ["2", "5", "8"]  # found by a test: results
    sol = r"The roots are $x = 2,$ $3,$ and $5$, so $\boxed{10}$."
    assert [c.text for c in rule.analyse("", sol)[0]] == ["2", "3", "5"]


# --- given in words, and the cuts of a given decimal --------------------------------------


def test_numbers_the_problem_states_in_words():
    problem = (
        "Jaclyn, Marcelle, Susanna and Wanda are tutors. Jaclyn works every third school "
        "day, Marcelle every fourth, Susanna every sixth, and Wanda every seventh."
    )
    sol = (
        r"The number of school days until they will next be together is the least common "
        r"multiple of $3$, $4$, $6$, and $7$, which is $\boxed{84}$."
    )
    assert texts(sol, problem) == []
    assert refused(sol, problem) == "results_all_in_problem"
    # the result of an operation on numbers still counts, given or not
    assert texts(r"So $2 \times 3 = 6$ and $\boxed{84}$.", problem) == ["6"]


@pytest.mark.parametrize(
    ("problem", "value"),
    [
        ("She has twice as many.", 2),
        ("It doubled.", 2),
        ("It tripled in size.", 3),
        ("two-thirds of the class", Fraction(2, 3)),
        ("a sixth of the pie", Fraction(1, 6)),
        ("a hundredth of a second", Fraction(1, 100)),
        ("in sixths", Fraction(1, 6)),
    ],
)
def test_given_values_read_ordinals_and_multiplicatives(problem, value):
    assert Fraction(value) in given_values(problem)


@settings(max_examples=40, deadline=None)
@given(word=st.sampled_from(sorted(ORDINAL_WORDS)))
def test_property_ordinals_are_given_to_maths_only(word):
    problem = f"She visits every {word} day."
    assert Fraction(ORDINAL_WORDS[word]) in given_values(problem)
    # the arithmetic strategy's reader stays as it was (GSM8K pairs are unchanged)
    assert Fraction(ORDINAL_WORDS[word]) not in problem_values(problem)


def test_ordinals_that_only_order_are_no_numbers():
    assert Fraction(2) not in given_values("Find the second term of the sequence.")
    assert Fraction(4) not in given_values("The fourth term is 192.")
    assert Fraction(3) not in given_values("Find the ordered triples $(a,b,c)$.")


def test_cuts_of_a_given_decimal():
    problem = "Round 563.5097 to the nearest integer."
    sol = (
        r"Since $563.5097$ is between $563$ and $563+1=564$, rounding to the nearest "
        r"integer yields either $563$ or $564$. $0.5097$ is greater than $0.5$, so "
        r"$563.5097$ is closer to $\boxed{564}.$"
    )
    assert "563" not in texts(sol, problem)
    assert {Fraction(563), Fraction(5635, 10), Fraction(563509, 1000)} <= given_values(problem)
    assert Fraction(564) not in given_values(problem)  # the rounding is the result
    assert Fraction(563) not in given_values("It weighs 563.5097 grams.")  # no rounding
    assert Fraction(14) not in given_values(r"Round $\lfloor 14.6 \rfloor$ to the nearest 1.")


def test_cuts_of_a_decimal_longer_than_decimals_default_precision():
    """A 37-digit decimal in a rounding problem once raised InvalidOperation (quantize past
    Decimal's default 28 digits) and crashed the build."""
    digits = "2.718281828459045235360287471352662497"
    values = given_values(f"Round {digits} to the nearest integer.")
    assert Fraction(2) in values  # the integer cut: 2.7... rounds to 3
    assert Fraction("2.71828182845904523536028747135266249") in values
    assert Fraction(3) not in values  # the rounding is the result


# --- a wrong value never repeats a value the same words name ------------------------------


def test_parallel_values_are_siblings():
    sol = (
        r"A factor of 30 can have zero or one power of 2, zero or one power of 3, and zero "
        r"or one power of 5. Then $\boxed{8}$."
    )
    at = sol.index("of 5") + 3
    assert parallel_values(sol, at) == {Fraction(2), Fraction(3)}
    assert {Fraction(2), Fraction(3)} <= list_siblings(sol, at, at + 1)


def test_pairs_never_repeat_a_parallel_value_and_validate_says_so():
    problem = "How many choices are there?"
    sol = (
        r"There are $4$ ways to pick the first digit, and there are $7$ ways to pick "
        r"the second, so there are $4 \cdot 7 = \boxed{28}$ numbers."
    )
    for seed in range(30):
        (pair,) = STRICT.make_pairs(
            Example("math", "d", "train", "0", problem, sol), random.Random(seed)
        )
        row = stored_row(pair, f"Question: {problem}\nAnswer:\n", "math")
        assert {row["chosen_value"], row["rejected_value"]} != {"4", "7"}
        assert STRICT.check_pair(row) is None
    at = sol.index("$7$") + 1
    tampered = sol[:at] + "4" + sol[at + 1 :]
    row.update(chosen=sol, rejected=tampered, chosen_value="7", rejected_value="4", edit_start=at)
    row.update(edit_kind="standalone")
    assert STRICT.check_pair(row) == "made_list_elements_equal"


PRIMES = "Find the least n such that n! is divisible by 1560."


@pytest.mark.parametrize(
    ("solution", "kept"),
    [
        # MATH's case splits: the bound is supposed, not derived (main edited 12, 3 and 1)
        (
            r"Prime factorize 1560 to find $1560=2^3\cdot 3\cdot 5 \cdot 13$.  If $n\leq 12$,"
            r" then $n!$ does not contain a factor of 13. So $\boxed{13}$.",
            [],
        ),
        (
            r"We factor the quadratic, getting $(b+5)(b-3) \le 0$. The expression is equal to"
            r" $0$ when $b=3 \text{ or } -5$.  When $b \le -5$ or $b \ge 3$, the quadratic is"
            r" positive. So $\boxed{8}$.",
            ["3"],
        ),
        (r"We split into cases. If $x<1$, then both factors are negative. So $\boxed{8}$.", []),
        # OlympiadBench: a value handed in, a special case
        (r"Using $T = 8$, we get $y = 2 + 3 = 5$, so $\boxed{10}$.", ["5"]),
        (r"In the special case $n = 5$, we get $y = 2 + 3 = 5$, so $\boxed{10}$.", ["5"]),
    ],
)
def test_a_supposed_bound_or_case_is_a_hypothesis(solution, kept):
    found = rule.find_candidates(PRIMES, solution, 1)
    assert [solution[c.start : c.end] for c in found] == kept


def test_if_and_only_if_states_a_derived_condition():
    solution = r"This holds if and only if $x > \frac{2}{3}$, so $\boxed{7}$."
    assert texts(solution) == [r"\frac{2}{3}"]
