"""Number-format parsing and wrong values of the same format (pairgen.strategies.numbers)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairgen.strategies.numbers import (
    MAX_NUMBER_CHARS,
    NumberFormat,
    format_number,
    is_number,
    is_parsable,
    parse_number,
    same_format,
    same_value,
    wrong_value,
)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("24", NumberFormat(24, 0, False, False)),
        ("0", NumberFormat(0, 0, False, False)),
        ("1,200", NumberFormat(1200, 0, True, False)),
        ("1200", NumberFormat(1200, 0, False, False)),
        ("2.50", NumberFormat(250, 2, False, False)),
        ("0.75", NumberFormat(75, 2, False, False)),
        (".4", NumberFormat(4, 1, False, True)),
        ("12,345.67", NumberFormat(1234567, 2, True, False)),
    ],
)
def test_parse_and_format_round_trip(token: str, expected: NumberFormat) -> None:
    parsed = parse_number(token)
    assert parsed == expected
    assert format_number(parsed.mantissa, parsed) == token


@pytest.mark.parametrize("token", ["", "-3", "1.", "1,2", "12,34", "abc", "3 4", "$5", "5%"])
def test_non_numbers_are_refused(token: str) -> None:
    assert not is_number(token)
    with pytest.raises(ValueError, match="not a number token"):
        parse_number(token)


@pytest.mark.parametrize(
    ("original", "new", "ok"),
    [
        ("24", "27", True),
        ("24", "27.0", False),
        ("2.50", "2.43", True),
        ("2.50", "2.4", False),
        ("1,200", "1,150", True),
        ("1,200", "1150", False),
        ("1,200", "950", True),
        ("1200", "1150", True),
        ("1200", "1,150", False),
        (".4", ".3", True),
        (".4", "0.3", False),
        (".9", "1.1", True),
        ("24", "x", False),
    ],
)
def test_same_format(original: str, new: str, ok: bool) -> None:
    assert same_format(original, new) is ok


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [("10", "10.00", True), ("1,000", "1000", True), (".5", "0.50", True), ("10", "10.01", False)],
)
def test_same_value(a: str, b: str, equal: bool) -> None:
    assert same_value(a, b) is equal
    assert same_value(b, a) is equal


# A token in every supported format: places 0-3, with or without thousands commas,
# leading-dot style for values below 1.
tokens = st.builds(
    lambda mantissa, places, commas, dot: format_number(
        mantissa, NumberFormat(0, places, commas, dot and places > 0)
    ),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=3),
    st.booleans(),
    st.booleans(),
)


@given(tokens)
def test_every_formatted_token_parses_back(token: str) -> None:
    parsed = parse_number(token)
    assert format_number(parsed.mantissa, parsed) == token


@given(tokens, st.integers(min_value=0, max_value=2**32))
def test_wrong_value_keeps_format_and_changes_value(token: str, seed: int) -> None:
    new = wrong_value(token, random.Random(seed))
    old, got = parse_number(token), parse_number(new)
    assert not same_value(token, new)
    assert same_format(token, new)
    assert got.places == old.places  # integers stay integers, decimals keep their places
    assert got.mantissa > 0  # never zero, never negative (the token is unsigned)
    assert ("," in new) == (old.commas and got.mantissa >= 1000 * 10**got.places)
    # a slip, not a new number: at most half the value away (or a small step near zero)
    assert abs(got.mantissa - old.mantissa) <= max(2, old.mantissa // 2)


def test_wrong_value_reaches_every_place_step_and_direction() -> None:
    """One draw split into place, step and direction still reaches every combination."""
    moves = {int(wrong_value("5000", random.Random(seed))) - 5000 for seed in range(3000)}
    assert moves == {sign * k * 10**j for sign in (1, -1) for k in range(1, 10) for j in range(3)}


def test_wrong_value_is_deterministic_for_a_seed() -> None:
    draws = [wrong_value("1,234.50", random.Random(7)) for _ in range(3)]
    assert len(set(draws)) == 1


@pytest.mark.parametrize("token", ["٣", "１２", "1٣", "²"])
def test_only_ascii_digits_are_numbers(token: str) -> None:
    """``\\d`` and ``int()`` accept other scripts' digits; a number token does not."""
    assert not is_number(token)
    with pytest.raises(ValueError, match="not a number token"):
        parse_number(token)


def test_tokens_too_long_for_int_compare_as_text_and_have_no_format() -> None:
    big = "9" * 5000  # over Python's 4,300-digit int() limit
    assert is_number(big) and not is_parsable(big)
    assert same_value(big, big + ".000") and same_value("00" + big, big)
    assert not same_value(big, big[:-1] + "8")
    assert not same_format(big, "1")
    with pytest.raises(ValueError, match="characters"):
        parse_number("1" * (MAX_NUMBER_CHARS + 1))


@given(st.integers(min_value=0, max_value=10**40), st.integers(min_value=0, max_value=6))
def test_same_value_as_text_agrees_with_the_arithmetic(mantissa: int, places: int) -> None:
    style = NumberFormat(mantissa, places, False, False)
    token = format_number(mantissa, style)
    assert same_value(token, token + "0" if "." in token else token + ".0")
    assert not same_value(token, format_number(mantissa + 1, style))
