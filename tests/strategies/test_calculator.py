"""GSM8K calculator annotations as claims: exact evaluation, rounding, and the pairs' promise."""

from __future__ import annotations

import json
import random
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources import get_source
from pairgen.sources.inputs import sample_path
from pairgen.strategies.arithmetic.calculator import (
    annotation_holds,
    check_annotation_claim,
    evaluate,
)
from pairgen.strategies.arithmetic.options import ArithmeticOptions
from pairgen.strategies.arithmetic.results import check_arithmetic_pair
from pairgen.strategies.arithmetic.strategy import ArithmeticStrategy
from pairgen.strategies.numbers import NumberFormat, format_number, wrong_value

from pairgen_rows import edit_start

numbers = st.one_of(
    st.integers(0, 10**6).map(str),
    st.tuples(st.integers(0, 9999), st.integers(1, 3)).map(
        lambda t: format_number(t[0], NumberFormat(0, t[1], False, False))
    ),
)


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> tuple[str, Fraction | None]:
    """An expression in the calculator's grammar and its value (None: divides by zero)."""
    sign = draw(st.sampled_from(["", "", "-", "+"]))  # a unary sign, now and then
    if depth == 0 or draw(st.booleans()):
        token = draw(numbers)
        return sign + token, -Fraction(token) if sign == "-" else Fraction(token)
    left, a = draw(expressions(depth - 1))
    right, b = draw(expressions(depth - 1))
    op = draw(st.sampled_from("+-*/"))
    if a is None or b is None or (op == "/" and b == 0):
        value = None
    else:
        value = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else None}[op]
    spaced = draw(st.sampled_from(["", " "]))
    if value is not None and sign == "-":
        value = -value
    return f"{sign}({left}{spaced}{op}{spaced}{right})", value


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_evaluate_is_exact(case: tuple[str, Fraction | None]) -> None:
    expression, value = case
    assert evaluate(expression) == value


@settings(max_examples=300, deadline=None)
@given(expressions(), st.integers(0, 3), st.integers(0, 2**32))
def test_a_rounded_result_holds_and_a_wrong_value_never_does(
    case: tuple[str, Fraction | None], places: int, seed: int
) -> None:
    expression, value = case
    if value is None or value < 0 or (value * 10**places).denominator == 2:
        return  # a tie (3.5 written 4) holds for neither neighbour: see the next test
    mantissa = round(value * 10**places)
    written = format_number(mantissa, NumberFormat(0, places, False, False))
    assert annotation_holds(f"{expression}={written}") is True
    wrong = wrong_value(written, random.Random(seed))
    assert annotation_holds(f"{expression}={wrong}") is False


@pytest.mark.parametrize(
    ("annotation", "holds"),
    [
        ("48/2=24", True),
        ("48/2=25", False),
        ("10/3=3.33", True),
        ("10/3=3.34", False),
        ("7/2=4", False),  # a tie: 3 would be as right as 4
        ("7/2=3.5", True),
        ("5-8=-3", True),
        ("5-8=3", False),
        ("+30+46=76", True),
        ("3*+6=18", True),
        ("1,200+2,350=3550", True),
        (".5*4=2", True),
        ("10/0=1", None),
        ("560//10=56", None),
        ("3x4=12", None),
        ("(1+2=3", None),
        ("2=", None),
        ("1" * 101 + "*2=2", None),
        ("+".join(["1"] * 150) + "=150", None),  # longer than MAX_EXPRESSION_CHARS
    ],
)
def test_annotation_holds(annotation: str, holds: bool | None) -> None:
    assert annotation_holds(annotation) is holds


def test_every_annotation_of_the_bundled_gsm8k_samples_holds() -> None:
    annotations = []
    for split in ("train", "test"):
        for line in sample_path(get_source("gsm8k"), "main", split).read_text().splitlines():
            annotations += re.findall(r"<<([^<>]*)>>", json.loads(line)["answer"])
    assert len(annotations) > 50
    assert {annotation_holds(a) for a in annotations} == {True}


SOLUTION = "He pays 3*4 = <<3*4=12>>12 dollars.\nThen 12+5 = <<12+5=17>>17.\n#### 17"


def test_a_pair_turned_around_breaks_its_claim() -> None:
    (pair,) = ArithmeticStrategy(ArithmeticOptions()).make_pairs(
        Example("s", "c", "train", "0", "q", solution=SOLUTION), random.Random(3)
    )
    assert check_arithmetic_pair(*_fields(pair)) is None
    # swapped with values and edit_start (the common prefix is symmetric)
    swapped = check_arithmetic_pair(
        pair.rejected, pair.chosen, edit_start(pair), pair.rejected_value, pair.chosen_value
    )
    assert swapped == "chosen_annotation_wrong"
    at = edit_start(pair)
    assert check_annotation_claim(pair.rejected, pair.chosen, at) == "chosen_annotation_wrong"


def _fields(pair: Example) -> tuple[str, str, int, str, str]:
    return pair.chosen, pair.rejected, edit_start(pair), pair.chosen_value, pair.rejected_value


def test_a_wrong_value_written_into_the_chosen_annotation_is_caught() -> None:
    # the final answer (26) is not the edited value, which rule 5 would exclude on its own
    chosen = "So 3*4 = <<3*4=13>>13 dollars, twice.\n#### 26"
    rejected = "So 3*4 = <<3*4=11>>11 dollars, twice.\n#### 26"
    assert check_arithmetic_pair(chosen, rejected, 16, "13", "11") == "chosen_annotation_wrong"
    right = "So 3*4 = <<3*4=12>>12 dollars, twice.\n#### 26"
    assert check_arithmetic_pair(right, rejected, 16, "12", "11") is None


def test_the_strategy_never_edits_an_annotation_that_does_not_hold() -> None:
    wrong_first = (
        "He pays 3*4 = <<3*4=13>>13 dollars.\nThen 13+5 = <<13+5=18>>18.\n"
        "With a 2 dollar tip, 18+2 = <<18+2=20>>20.\n#### 20"
    )  # 20, the final answer's value, is never edited (rule 5)
    strategy = ArithmeticStrategy(ArithmeticOptions())
    example = Example("s", "c", "train", "0", "q", solution=wrong_first)
    edited = set()
    for seed in range(40):
        (pair,) = strategy.make_pairs(example, random.Random(seed))
        edited.add(pair.chosen_value)
        assert check_arithmetic_pair(*_fields(pair)) is None
    assert edited == {"18"}
    only_wrong = Example("s", "c", "train", "0", "q", solution="So <<3*4=13>>13 each.\n#### 26")
    with pytest.raises(RowRejected) as rejected:
        strategy.make_pairs(only_wrong, random.Random(0))
    assert rejected.value.reason == "no_intermediate_result"
