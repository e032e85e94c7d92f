"""The numbers a problem states (:mod:`pairgen.strategies.math.given`), in the ways
problems write them, and that the ``math`` strategy never edits one."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.record import Example
from pairgen.strategies.math.given import problem_values
from pairgen.strategies.math.options import MathOptions
from pairgen.strategies.math.strategy import MathStrategy

FORMS = [
    ("The watch costs Rs.6000 now.", 6000),
    ("It costs $5.", 5),
    ("It costs \\$5.", 5),
    ("A 5kg bag.", 5),
    ("A 5% discount.", 5),
    ("A 5% discount.", Fraction(1, 20)),
    ("The temperature fell to -5 degrees.", 5),
    ("He earns 1,200 dollars.", 1200),
    ("He earns Rs. 1,20,000 a year.", 120000),
    ("She has five apples.", 5),
    ("Twelve eggs.", 12),
    ("twenty-five students", 25),
    ("Three hundred pages", 300),
    ("a dozen roses", 12),
    ("3/4 of the tank", Fraction(3, 4)),
    ("$\\frac{3}{4}$ of the tank", Fraction(3, 4)),
    ("2 1/2 hours", Fraction(5, 2)),
    ("half of the class", Fraction(1, 2)),
    ("5 thousand people", 5000),
]


@pytest.mark.parametrize(("problem", "value"), FORMS)
def test_each_written_form_is_given(problem: str, value: int | Fraction) -> None:
    assert Fraction(value) in problem_values(problem)


_FORMATS = st.sampled_from(
    ["{n}", "${n}", "\\${n}", "Rs.{n}", "{n}kg", "{n}%", "-{n}", "{n} dollars", "x{n}"]
)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**7), _FORMATS, st.booleans())
def test_a_number_is_given_however_it_is_glued(n: int, form: str, commas: bool) -> None:
    text = f"{n:,}" if commas else str(n)
    assert Fraction(n) in problem_values("Before " + form.format(n=text) + " after.")


_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=2, max_value=9),
    st.integers(min_value=1, max_value=9),
    st.sampled_from(["-", " "]),
)
def test_compound_number_words(tens: int, unit: int, gap: str) -> None:
    word = _TENS[tens - 2] + gap + _UNITS[unit - 1]
    assert Fraction(10 * tens + unit) in problem_values(f"There are {word.capitalize()} cats.")


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=11, max_value=9999), _FORMATS, st.integers(min_value=0, max_value=2**32)
)
def test_the_strategy_never_edits_a_given_number(n: int, form: str, seed: int) -> None:
    """A solution that restates the given number as a result beside a derived one: only
    the derived one is ever edited."""
    problem = f"A box holds {form.format(n=n)} marbles. How many are in 3 boxes?"
    solution = f"One box holds x = {n} marbles.\nSo 3 boxes hold 3 * {n} = {3 * n} marbles, and y = 7 more.\nThe answer is: {3 * n}"
    example = Example("math", "default", "test", "0", problem, solution)
    pair = MathStrategy(MathOptions()).make_pairs(example, random.Random(seed))[0]
    assert pair.chosen_value == "7"
