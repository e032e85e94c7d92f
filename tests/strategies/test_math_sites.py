"""The MATH rule's wider sites: inequality results, a value that is a whole side of a
relation, groups (tuples, sets, lists, vectors), signed and punctuated standalone values,
coefficients of monomials -- each with the constraints it must still respect (not given,
not an operand, not in [asy], before the final answer, not the answer restated)."""

from __future__ import annotations

import random

from pairgen.record import Example
from pairgen.strategies import StrategyOptions, build_strategy
from pairgen.strategies.math import rule, values

from pairgen_rows import stored_row

STRATEGY = build_strategy("math", StrategyOptions())


def texts(problem: str, solution: str) -> list[str]:
    return [c.text for c in rule.find_candidates(problem, solution)]


def tiers(problem: str, solution: str) -> list[tuple[str, int]]:
    return [(c.text, c.tier) for c in rule.find_candidates(problem, solution)]


# --- inequalities ----------------------------------------------------------------------


def test_inequality_bound_is_a_result():
    assert texts("", r"So $13x < 27.$ Then $\boxed{2}$") == ["27"]
    assert texts("", r"so $x \neq 12$, and $y \ge \frac{3}{4}$. $\boxed{2}$") == [
        "12",
        r"\frac{3}{4}",
    ]
    # both ends of a range; 15 is a whole side of \le
    assert texts("", r"Thus $15\le m\le17$. $\boxed{3}$") == ["15", "17"]


def test_inequality_bound_respects_the_constraints():
    assert texts("Find x if 27 > 13x.", r"So $13x < 27.$ $\boxed{2}$") == []  # given
    assert texts("", r"So $13x < 27 + y.$ $\boxed{2}$") == []  # operand
    assert texts("", r"$\boxed{2}$ and $13x < 27.$") == []  # after the answer
    assert texts("", r"[asy] real a = 1; if (a < 27) {} [/asy] $\boxed{2}$") == []


def test_zero_an_inequality_compares_with_is_not_a_result():
    sol = r"We need $x - 2 > 0$ and $(a-b)^2 \ge 0$, so $0 < x$. $\boxed{3}$"
    assert texts("", sol) == []
    assert rule.reject_reason("", sol) == "only_zero_bounds"
    # the zero of an equation in standard form states a condition (issue 20); a zero an
    # operation on numbers gives is a result
    assert texts("", r"So $x - 5 = 0$ gives $\boxed{5}$") == []
    assert texts("", r"So $4 - 4 = 0$ gives $\boxed{5}$") == ["0"]


def test_factorial_then_equals_is_a_relation():
    # ``n!=`` in LaTeX is a factorial followed by ``=``; a bare ``!=`` is not a relation
    assert texts("", r"There are $4!/2!=12$ orders and $a != 5$. $\boxed{0}$") == ["12"]


# --- a whole side of a relation ---------------------------------------------------------


def test_value_that_is_a_whole_side_of_a_relation():
    sol = "Cross-multiplying gives \\[5=x-1,\\]so\n\\begin{align*}\n12 &= 3y\n\\end{align*}"
    sol += r" and $\boxed{6}$"
    assert tiers("", sol) == [("5", 1), ("12", 1), ("3", 1)]  # 3: coefficient of 3y


def test_whole_side_respects_the_constraints():
    assert texts("", r"$2 \cdot 5 = x$ and $5 + 1 = x$. $\boxed{6}$") == []  # operands
    assert texts("Solve 5 = x - 1.", r"$5 = x - 1$. $\boxed{6}$") == []  # given
    assert texts("", r'[asy] label("$5 = x$", (0,0)); [/asy] $\boxed{6}$') == []
    assert texts("", r"$\boxed{6}$, check: $5 = x - 1$.") == []
    assert texts("", r"so 5 = x - 1 in prose. $\boxed{6}$") == []  # not in maths


# --- groups ------------------------------------------------------------------------------


def test_group_elements_are_values():
    sol = r"The vertex is $(-1, -7)$ and the primes are $\{2,3,5,7\}$. $\boxed{0}$"
    assert tiers("", sol) == [("1", 2), ("7", 2), ("2", 2), ("3", 2), ("5", 2), ("7", 2)]
    sol = r"The multiples are $$12, 24, 36, \ldots, 96.$$ So $\boxed{8}$"
    assert texts("", sol) == ["96"]  # the elements before an ellipsis show the pattern
    sol = r"So $(m,n) = (16,13)$ and $\mathbf{v} = \begin{pmatrix} 27 \\ -9 \end{pmatrix}.$"
    sol += r" $\boxed{0}$"
    assert tiers("", sol) == [("16", 1), ("13", 1), ("27", 1), ("9", 1)]
    assert texts("", r"on $[-4, \frac{1}{2})$ only. $\boxed{0}$") == ["4", r"\frac{1}{2}"]


def test_groups_that_are_operands_or_arguments_are_not():
    for maths in (
        r"$f(12, 18)$",
        r"$\gcd(12,18)$",
        r"$\text{lcm}[12, 18]$",
        r"$(1,2) + (3,4)$",
        r"$(2,3)^T$",
        r"$A\begin{pmatrix} 5 \\ 6 \end{pmatrix}$",
        r"$\begin{vmatrix} 5 & 6 \\ 8 & 9 \end{vmatrix}$",
        r"$(1, 2 + 3)$",
        r"$(12)$",
    ):
        assert texts("", f"Note {maths} here. $\\boxed{{0}}$") == [], maths


def test_groups_respect_the_constraints():
    problem = "The point (4, 5) is on the line."
    assert texts(problem, r"It passes $(4, 5)$ and $(4, 9)$. $\boxed{0}$") == ["9"]
    assert texts("", r"[asy] draw((3,7)--(8,9)); [/asy] $\boxed{0}$") == []
    assert texts("", r"$\boxed{(3,7)}$ and $(8, 9)$") == []
    # the answer restated as a group is no intermediate result, nor is any element of it
    sol = r"So $(m,n) = (16,13)$ and $m = 16$; $x = (16, 21)$. $\boxed{(16,13)}$"
    assert texts("", sol) == ["16", "21"]  # m = 16 is a single value, kept


def test_final_answer_values():
    assert values.final_answer_values(r"$\boxed{-8}$") == [8]
    assert values.final_answer_values(r"$\boxed{(46,2004)}$") == [46, 2004]
    assert values.final_answer_values(r"$\boxed{\left(1, -\frac{25}{3}\right)}$") == [
        1,
        values.Fraction(25, 3),
    ]
    assert values.final_answer_values(r"$\boxed{2\sqrt{3}}$") == []
    assert values.final_answer_values("The answer is: 1,\\!200") == [1200]


# --- standalone values and coefficients ------------------------------------------------


def test_signed_and_punctuated_standalone_values():
    sol = r"The roots are $-16$ and $-8$, and the primes $3,$ $5,$ and $11$. $\boxed{-8}$"
    assert tiers("", sol) == [("16", 2), ("3", 2), ("5", 2), ("11", 2)]
    assert texts("", r"We take $5 - 3$ and $-4 + x$. $\boxed{-8}$") == []  # operands


def test_coefficient_of_a_monomial():
    sol = r"So $AB^2 = 4a^2,$ and $a_{n+1} = 2a_n.$ Also $= 3\mathbf{v}$. $\boxed{1}$"
    assert texts("", sol) == ["4", "2", "3"]
    assert texts("", r"So $y = 4a^2 + 1$ and $= 2a_n b$. $\boxed{1}$") == []


# --- pairs on the new sites pass the validator --------------------------------------------


def _pair_row(problem: str, sol: str, seed: int) -> dict[str, object]:
    example = Example("math", "default", "train", "0", problem, sol)
    (pair,) = STRATEGY.make_pairs(example, random.Random(seed))
    return stored_row(pair, f"Question: {problem}\nAnswer:\n", "math")


def test_pairs_on_new_sites_validate_and_tampering_is_caught():
    problem = "Find the vertex of y = x^2 + 2x - 6."
    sol = r"So $y = (x+1)^2 - 7$; the vertex is $(-1, -7)$ and $13x < 27$. $\boxed{14}$"
    for seed in range(20):
        row = _pair_row(problem, sol, seed)
        assert STRATEGY.check_pair(row) is None
        assert row["chosen_value"] in {"1", "7", "27"}
    sol = r"So $f(12, 18) = x$ and $x = 30$. $\boxed{14}$"
    row = _pair_row(problem, sol, 0)
    tampered = sol.replace("f(12,", "f(13,")
    row.update(rejected=tampered, edit_start=sol.index("12") + 1)
    row.update(chosen_value="12", rejected_value="13")
    assert STRATEGY.check_pair(row) == "not_intermediate_result"
