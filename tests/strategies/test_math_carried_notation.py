r"""The carried tier's refusals of issue 20's reading: notation and recalled constants.

An independent reader of 100 carried pairs (all 12,500 MATH rows) found the tier editing
numbers that repeat because the notation repeats -- an exponent mirroring another, a term
of a written-out series, a table's row index, a place-value ``10`` -- and constants of
identities and formulas.  Each case below is a real MATH solution's text (MIT license;
Hendrycks et al., "Measuring Mathematical Problem Solving With the MATH Dataset",
arXiv:2103.03874), trimmed; the token under test is marked ``⟦..⟧``.  Each refused token
was a carried site before its refusal (so the test fails without it), and the refusal
that turns it down is named; a neighbour that *was* computed stays a site.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.record import Example
from pairgen.strategies import StrategyOptions, build_strategy
from pairgen.strategies.math import rule
from pairgen.strategies.math.carried import REFUSALS, refusal
from pairgen.strategies.math.notation import (
    place_value,
    series_term,
    table_spans,
    worked_out_exponents,
)

CARRIED = build_strategy("math", StrategyOptions(math_tier="carried"))


def _unmark(marked: str) -> tuple[str, int, int]:
    start = marked.index("⟦")
    end = marked.index("⟧") - 1
    return marked.replace("⟦", "").replace("⟧", ""), start, end


def site(marked: str, problem: str = "") -> bool:
    """Whether the marked token is a carried site of the solution."""
    solution, start, end = _unmark(marked)
    cands = rule.analyse(problem, solution, 3)[0]
    return any((c.start, c.end) == (start, end) and c.tier == 3 for c in cands)


def why(marked: str) -> str | None:
    solution, start, end = _unmark(marked)
    return refusal(solution, start, end)


REFUSED = [
    # exponents as notation: the x^2 of a quadratic at 97, mirroring 19^2
    (
        "exponent_not_computed",
        r"The function $f(x) = \frac{ax+b}{cx+d}$ has $f(19)=19$ and $f(97)=97$.",
        r"So \[19^2 c - 2 \cdot 19 a = 97^⟦2⟧ c - 2 \cdot 97 a,\]so \[2 \cdot(97-19) a = "
        r"(97^2 - 19^2) c.\]Thus \[\frac{a}{c} = \frac{97+19}{2} = \boxed{58}\]",
    ),
    # the polynomial's x^3 evaluated at 2 (a symbol's exponent a rewrite brings, the 3 of
    # x^3 - x - 1, is no computed power)
    (
        "exponent_not_computed",
        r"Let $x^5 - x^2 - x - 1 = p_1(x) \dotsm p_k(x)$. Compute $p_1(2) + \dots + p_k(2).$",
        r"We factor: \begin{align*} x^5 - x^2 - x - 1 &= (x^5 - x) - (x^2 + 1) \\ &= "
        r"x(x^2 + 1)(x^2 - 1) - (x^2 + 1) \\ &= (x^2 + 1)(x^3 - x - 1). \end{align*}"
        r"Evaluating each factor at 2, we get $(2^2 + 1) + (2^⟦3⟧ - 2 - 1) = \boxed{10}.$",
    ),
    # a generic odd number 2m+1: its 2 is notation
    (
        "generic_form",
        "In how many ways can 12 dimes be divided into three piles with an odd number "
        "of dimes in each pile?",
        r"This is impossible, since $12=2\cdot6$ is even and the sum of three odd integers "
        r"is odd: $(2l+1)+(2m+1)+(2n+1)=2l+⟦2⟧m+2n+3=2(l+m+n+1)+1$. Therefore, there are "
        r"$\boxed{0}$ ways.",
    ),
    # a written-out telescoping series: the 4 is the term's position
    (
        "series_term",
        r"Compute $\sum_{n = 1}^\infty \frac{1}{n(n + 2)}$.",
        r"\begin{align*} \sum_{n = 1}^\infty \frac{1}{n(n + 2)} &= \left( \frac{1/2}{1} - "
        r"\frac{1/2}{3} \right) + \left( \frac{1/2}{2} - \frac{1/2}{4} \right) + \left( "
        r"\frac{1/2}{3} - \frac{1/2}{5} \right) + \left( \frac{1/2}{⟦4⟧} - \frac{1/2}{6} "
        r"\right) + \dotsb \\ &= \frac{1/2}{1} + \frac{1/2}{2} \\ &= \boxed{\frac{3}{4}}. "
        r"\end{align*}",
    ),
    # a table's row index
    (
        "table_index",
        r"The sequence has $b_0 = 0$, $b_1 = 1$ and $b_n = b_{n - 1} + 2b_{n - 2}$.",
        "We compute the first few terms modulo 19:\n\\[\n\\begin{array}{c|c|c}\n"
        "n & b_n & s_n \\\\ \\hline\n4 & 5 & 10 \\\\\n5 & 11 & 2 \\\\\n10 & 18 & 17 \\\\\n"
        "⟦11⟧ & 18 & 16 \\\\\n12 & 16 & 13\n\\end{array}\n\\]Thus $k = \\boxed{17}.$",
    ),
    # a place-value sum
    (
        "place_value",
        "The digits of the three-digit number x are reversed to give y. What is z=|x-y|?",
        r"We express the numbers as $x=100a+10b+c$ and $y=100c+10b+a$. From this, we have"
        r"\begin{eqnarray*}z&=&|100a+10b+c-100c-⟦10⟧b-a|\\&=&|99a-99c|\\ \end{eqnarray*}"
        r"so there are $\boxed{9}$ values.",
    ),
    # the double angle 2 sin x cos x
    (
        "trig_coefficient",
        r"Find $r$ with $\tan r^\circ = \frac{1 + \cos 5^\circ}{\sin 5^\circ}$.",
        r"We have $\frac{2 + 2 \cos 5^\circ}{2 \sin 5^\circ}$. By the double-angle formulas,"
        r"\[\frac{1 + \cos 5^\circ}{\sin 5^\circ} = \frac{1 + 2 \cos^2 2.5^\circ - 1}{⟦2⟧ "
        r"\sin 2.5^\circ \cos 2.5^\circ} = \cot 2.5^\circ,\]so $r = \boxed{87.5}.$",
    ),
    # a recalled trig value, sin 60
    (
        "trig_value",
        r"Unit vectors $\mathbf{b}$ and $\mathbf{c}$ make an angle of $60^\circ$.",
        r"Then $\mathbf{b} \cdot \mathbf{c} = \frac{1}{2}$ and \[\|\mathbf{b} \times "
        r"\mathbf{c}\| = \sin 60^\circ = \frac{\sqrt{3}}{⟦2⟧}.\]Hence the volume is "
        r"$\boxed{\frac{\sqrt{3}}{4}}$.",
    ),
    # the ratio of a 30-60-90 triangle
    (
        "special_triangle",
        r"An equilateral triangle has vertices $(0,5)$ and $(8,5)$.",
        r"The altitude has length $4\sqrt{3}$ because the sides of a $30-60-90$ triangle "
        r"are in the ratio $1:\sqrt{⟦3⟧}:2$. The vertex has $y = \boxed{5+4\sqrt{3}}$.",
    ),
    # the 2 of a midpoint
    (
        "formula_constant",
        r"The line $x+y=b$ bisects the segment from $(0,3)$ to $(6,9)$. Find $b$.",
        r"The midpoint is $$\left(\frac{0+6}{2},\frac{3+9}{⟦2⟧}\right)=(3,6)$$so $b=\boxed{9}$.",
    ),
    # the 3 of a centroid's third of a median
    (
        "formula_constant",
        r"$ABCD$ is a regular tetrahedron and $M$ the midpoint of $\overline{CD}$.",
        r"The centroid $G$ is on $\overline{BM}$ with $GM = \frac{1}{3}BM$, so \[\cos \angle AMB = "
        r"\frac{GM}{AM} = \frac{(BM/⟦3⟧)}{BM}=\boxed{\frac{1}{3}}.\]",
    ),
    # the 2 of the polygon angle sum 180(n-2)
    (
        "formula_constant",
        "A regular polygon has interior angles of 120 degrees. How many sides?",
        r"The angles sum to $180(n-2)$ degrees, so \[180(n-⟦2⟧) = 120n.\] Expanding gives "
        r"$180n - 360 = 120n$, so $60n = 360$ and $n = \boxed{6}$.",
    ),
    # the 4 of a discriminant b^2 - 4ac
    (
        "formula_constant",
        r"For what $k$ does $y = k + x - x^2$ touch the x-axis once?",
        r"We want the discriminant $b^2 - 4ac$ of $x^2 - x + k = 0$ to be 0, giving us "
        r"$1 - ⟦4⟧k = 0,$ or $k = \boxed{\frac{1}{4}}.$",
    ),
    # the square of a subscripted symbol
    (
        "small_power",
        r"The polynomial $x^n + a_1 x^{n-1} + \dots + a_n$ has real zeros $r_1, \dots, r_n$.",
        r"We have $r_1^2 + \dots + r_n^2 = a_1^2 - 2a_2$, so by AM-GM $$\frac{a_1^⟦2⟧ - "
        r"2a_2}{n} \geq (a_n^2)^{1/n},$$and the answer is $\boxed{7}$.",
    ),
    # ``n^2,100``: an exponent, a comma and another number, not 2,100
    (
        "misread_thousands",
        r"The numbers $a_n=100+n^2$ have $d_n = \gcd(a_n, a_{n+1})$.",
        r"We have $d_n=(a_n,a_{n+1})=(100+n^⟦2,100⟧+n^2+2n+1)$, so $\boxed{401}$.",
    ),
    # a factor in front of a long bracket of vectors: the expansion's 2
    (
        "chosen_factor",
        r"Vectors $\mathbf{a}$, $\mathbf{b}$, $\mathbf{c}$ have equal lengths $d$.",
        r"Then $\|\mathbf{a}\|^2 = d^2$ and \begin{align*} \|\mathbf{a} + \mathbf{b} + \mathbf{c}\|^2 &= "
        r"\mathbf{a} \cdot \mathbf{a} + \mathbf{b} \cdot \mathbf{b} + \mathbf{c} \cdot "
        r"\mathbf{c} + ⟦2⟧(\mathbf{a} \cdot \mathbf{b} + \mathbf{a} \cdot \mathbf{c} + "
        r"\mathbf{b} \cdot \mathbf{c}) \\ &= 3d^2. \end{align*}Hence $\boxed{7}$.",
    ),
]


@pytest.mark.parametrize(("reason", "problem", "marked"), REFUSED)
def test_a_notation_or_recalled_constant_is_no_carried_site(
    reason: str, problem: str, marked: str
) -> None:
    assert reason in REFUSALS
    assert why(marked) == reason
    assert not site(marked, problem)


KEPT = [
    # an exponent worked out on the new side of a relation between numbers
    (
        r"If $x^3$ is a positive factor of $10!,$ how many integer values of $x$ are there?",
        r"First, \begin{align*} 10!&=10\cdot 9\cdot 8\cdot 7 \cdot 6\cdot 5\cdot 4\cdot 3"
        r"\cdot 2\cdot 1\\ &=2^⟦8⟧\cdot 3^4 \cdot 5^2 \cdot 7.\end{align*} Hence there are "
        r"$\boxed{6}$ values.",
    ),
    # an exponent computed earlier as a result
    (
        r"How many factors of 2 divide $n$?",
        r"There are $5+2+1=8$ factors of $2$, so $n = 2^⟦8⟧ m$ with $m$ odd: $\boxed{9}$",
    ),
    # a coefficient an equation step brings (180n - 360 = 120n, so 60n = 360)
    (
        "A regular polygon has interior angles of 120 degrees. How many sides?",
        r"Expanding gives $180n - 360 = 120n$, so $⟦60⟧n = 360$ and $n = \boxed{6}$.",
    ),
    # a coefficient a step worked out, used again
    (
        r"Angles $2x^\circ$ and $3x^\circ$ add up to $90^\circ$. Find $x$.",
        r"So $2x+3x=90$ or $5x=90$. Since $⟦5⟧x$ is $90$, $x = \boxed{18}$.",
    ),
    # an exponent of a worked-out factorisation, used again
    (
        "How many positive divisors does 72 have?",
        r"First, $72 = 2^3 \cdot 3^2$. The divisors of $2^⟦3⟧$ are $1, 2, 4, 8$, and those "
        r"of $3^2$ are $1, 3, 9$, so there are $4\cdot 3 = \boxed{12}$.",
    ),
    # a prime power in a product of numbers: a factorisation, worked out
    (
        "The rope lengths are 39, 52 and 65. What is the longest equal piece?",
        r"The prime factors of 39 are $3\cdot13$, those of 52 are $2^⟦2⟧\cdot13$, and "
        r"those of 65 are $5\cdot13$, so the pieces are $\boxed{13}$ long.",
    ),
    # a value derived from a special triangle, copied into a point
    (
        r"Compute $\tan 315^\circ$.",
        r"Triangle $POD$ is a 45-45-90 triangle, so $DO = DP = \frac{\sqrt{2}}{2}$.  "
        r"Therefore, the coordinates of $P$ are $\left(\frac{\sqrt{⟦2⟧}}{2}, "
        r"-\frac{\sqrt{2}}{2}\right)$, so $\tan 315^\circ = \boxed{-1}$.",
    ),
    # a coefficient worked out in an expansion, then carried: no generic form
    (
        r"Find $t$ such that $(x^2 - 6x + 7)(tx + 10)$ has linear coefficient $-102$.",
        r"So, on the left the $x$ term is $7tx -60x$. Since this term must equal $-102x$, "
        r"we have $7tx -⟦60⟧x = -102x$, so $t = \boxed{-6}$.",
    ),
    # a value carried into a later line
    (
        "What is the remainder when 1529 is divided by 6?",
        r"First $6 \cdot 250 = 1500$, and $1500 + 24 = 1524 = 254 \cdot 6$. So "
        r"$1529 = ⟦254⟧\cdot 6 + 5$ and the remainder is $\boxed{5}$.",
    ),
]


@pytest.mark.parametrize(("problem", "marked"), KEPT)
def test_a_computed_value_at_a_later_use_stays_a_carried_site(problem: str, marked: str) -> None:
    assert why(marked) is None
    assert site(marked, problem)


def test_a_series_term_needs_dots_and_a_repeated_shape() -> None:
    text = r"\[S = 4 + \frac{2}{2} + \frac{2}{2^2} + \frac{2}{2^3} + \dotsb\]"
    four = text.index("4")
    assert not series_term(text, four, four + 1)  # the 4 has a shape of its own
    last = text.index("2^3") + 2
    assert series_term(text, last, last + 1)
    plain = text.replace(r"\dotsb", "1")
    assert not series_term(plain, last, last + 1)  # no dots: a finite sum


def test_place_value_needs_a_digit_sum() -> None:
    for text, token, expected in (
        (r"$100a+10b+c$", "10b", True),
        (r"$10a + b$", "10a", True),
        (r"$10x = 60$", "10x", False),
    ):
        at = text.index(token)
        assert place_value(text, at, at + 2) is expected


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 9), st.integers(2, 9), st.integers(0, 2**16))
def test_property_prime_factorisation_exponents_are_carried_sites(
    a: int, b: int, seed: int
) -> None:
    """The exponents of ``N = 2^a \\cdot 3^b`` written out from ``N``'s product are worked
    out there: carried sites, and the row pairs on the carried tier."""
    n = 2**a * 3**b
    product = r"\cdot ".join(["2"] * a + ["3"] * b)
    problem = "Write N as a product of prime powers."
    solution = f"We have $N = {product} = 2^{{{a}}}\\cdot 3^{{{b}}}$, so $N = \\boxed{{{n}}}$."
    exponents = {str(a), str(b)} - {"0", "1"}
    got = {c.text for c in rule.analyse(problem, solution, 3)[0] if c.tier == 3}
    assert exponents <= got
    (pair,) = CARRIED.make_pairs(
        Example("math", "d", "train", "0", problem, solution), random.Random(seed)
    )
    assert pair.edit_kind == "carried"


def test_worked_out_exponents_are_read_once_a_solution() -> None:
    r"""The first worked-out exponent of each value, read in one pass (asked per exponent,
    the scan was quadratic: 3,000 squares took minutes).  A later ``2^3`` is computed in
    kind after ``72 = 2^3\cdot 3^2``; the squares of numbers never worked out are not."""
    head = r"First, $72 = 2^3 \cdot 3^2$. "
    squares = "$" + " + ".join(f"{n}^2" for n in range(11, 3011)) + " = s$. "
    text = head + squares + r"Then $2^3$ again, so $\boxed{12}$."
    found = worked_out_exponents(text, text.index(r"\boxed"), set())
    assert found == {Fraction(3): head.index("^3") + 1, Fraction(2): head.index("^2") + 1}
    last = text.rindex("2^3") + 2
    assert site(text[:last] + "⟦3⟧" + text[last + 1 :], "How many divisors does 72 have?")


_TABLE_PIECES = [
    r"\begin{array}{c|c}",
    r"\begin{tabular}{cc}",
    r"\end{array}",
    r"\end{tabular}",
    r"\hline",
    r" 1 & 2 \\ ",
    "x",
]
_TABLE_REGEX = re.compile(r"\\begin\{(tabular|array)\}\s*\{[^{}]*\}(.*?)\\end\{\1\}", re.DOTALL)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_TABLE_PIECES), max_size=24))
def test_property_table_spans_read_as_begin_lazy_end(pieces: list[str]) -> None:
    r"""``table_spans`` finds what ``\begin .*? \end`` finds (unclosed, nested and mixed
    tables too), reading each kind's ``\end`` once: the regex rescanned the rest of the
    text from every unclosed ``\begin`` (quadratic: 5,000 of them took 9 s)."""
    text = "".join(pieces)
    expected = [
        m.span(2)
        for m in _TABLE_REGEX.finditer(text)
        if m.group(1) == "tabular" or r"\hline" in m.group(2)
    ]
    assert table_spans(text) == expected
