"""Number tokens in maths solutions: parse their format, make a wrong value of that format.

A corrupted intermediate result is only a *minimal* edit if the wrong number looks like
the right one: ``2.50`` must become ``2.43``, not ``2.4``; ``1,200`` must become
``1,150``, not ``1150``; ``24`` must not become ``24.0``.  This module owns that notion
of "format" so the strategy that makes the edit and the check that verifies it agree.

A number token is *unsigned*: ``NUMBER_PATTERN`` matches ``24``, ``1,200``, ``2.50`` and
``.4`` (GSM8K writes ``.4`` for 0.4).  Signs, ``$`` and ``%`` are never part of a token, so
they stay untouched by construction and a negative value stays negative.  Digits are the
ASCII ``0``-``9`` only: Python's ``\\d`` and ``int()`` also accept other scripts' digits
(``٣``), and a wrong value written back in ASCII would change the script, not the value.

A token longer than :data:`MAX_NUMBER_CHARS` is still a number token but has no format
(:func:`parse_number` refuses it): Python refuses to convert integers of more than 4,300
digits, and a slip in a 100-digit number is not a calculation step anyone makes.  Such
tokens are never edited; :func:`same_value` compares them as text, without ``int()``.

The format of a token is (decimal places, thousands commas, leading dot).  Rules for the
wrong value (see :func:`wrong_value`):

* same number of decimal places (integers stay integers);
* thousands commas if and only if the original had them and the new value is >= 1000;
* a leading-dot token (``.4``) keeps that style while the new value is below 1;
* never zero unless the original was zero, never equal to the original.

Everything works on the integer *mantissa* (``2.50`` -> 250 at 2 places) so there is no
float rounding anywhere.
"""

from __future__ import annotations

import random
import re
from typing import NamedTuple

# Unsigned decimal number: comma-grouped (1,200 / 12,345.67), plain (24 / 2.50), or
# leading-dot (.4).  Comma groups must be exactly three digits, so "3,4" is two tokens.
NUMBER_PATTERN = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+"
# Longer tokens are never parsed into integers (see the module doc).
MAX_NUMBER_CHARS = 100
NUMBER_RE = re.compile(NUMBER_PATTERN)
_FULL_NUMBER_RE = re.compile(rf"(?:{NUMBER_PATTERN})\Z")


class NumberFormat(NamedTuple):
    """How a number token is written; ``mantissa / 10**places`` is its value."""

    mantissa: int
    places: int
    commas: bool
    leading_dot: bool


def is_number(token: str) -> bool:
    """Whether ``token`` is exactly one unsigned number token."""
    return _FULL_NUMBER_RE.match(token) is not None


def is_parsable(token: str) -> bool:
    """Whether ``token`` is a number token :func:`parse_number` reads (not too long)."""
    return len(token) <= MAX_NUMBER_CHARS and is_number(token)


def parse_number(token: str) -> NumberFormat:
    """The value and format of an unsigned number token.

    ``ValueError`` if it is not one, or if it is longer than :data:`MAX_NUMBER_CHARS`.
    """
    if len(token) > MAX_NUMBER_CHARS:
        raise ValueError(f"number token of {len(token)} characters (over {MAX_NUMBER_CHARS})")
    if token.isascii() and token.isdigit():  # a plain integer, the common case: no regex
        return NumberFormat(int(token), 0, False, False)
    if _FULL_NUMBER_RE.match(token) is None:
        raise ValueError(f"not a number token: {token!r}")
    commas = "," in token
    digits = token.replace(",", "") if commas else token
    point = digits.find(".")
    if point < 0:
        return NumberFormat(int(digits), 0, commas, False)
    places = len(digits) - point - 1
    return NumberFormat(int(digits[:point] + digits[point + 1 :]), places, commas, point == 0)


def format_number(mantissa: int, style: NumberFormat) -> str:
    """Write a non-negative ``mantissa`` in the format of ``style`` (its value is ignored)."""
    places = style.places
    if places:
        whole, frac = divmod(mantissa, 10**places)
        frac_text = str(frac).rjust(places, "0")
        if whole == 0 and style.leading_dot:
            return "." + frac_text
    else:
        whole, frac_text = mantissa, ""
    whole_text = f"{whole:,}" if style.commas and whole >= 1000 else str(whole)
    return f"{whole_text}.{frac_text}" if places else whole_text


def wrong_value(token: str, rng: random.Random) -> str:
    """A plausible wrong value for ``token``, written in the same format, never equal.

    The mantissa moves up or down by ``k * 10**j``: ``j`` picks one of the digit places
    except the leading one, ``k`` is 1-9 but at most half the value at that place (at
    least 2 choices).  So one or two digits change, like a slip in a calculation, and
    the edit stays small in characters and tokens (``135000`` -> ``132000``, ``24`` ->
    ``27``, ``2.50`` -> ``2.46``).  A move that would reach zero or below goes up
    instead, so a positive value stays positive.

    ``j``, ``k`` and the direction come from one 64-bit draw (successive remainders):
    a draw costs more than the rest of this function, and the modulo bias is below
    2**-55.
    """
    style = parse_number(token)
    mantissa = style.mantissa
    draw, place = divmod(rng.getrandbits(64), max(1, len(str(mantissa)) - 1))
    unit = 10**place
    draw, k = divmod(draw, max(2, min(9, mantissa // (2 * unit))))
    step = unit * (k + 1)
    new = mantissa - step if draw & 1 else mantissa + step
    if new <= 0:
        new = mantissa + step
    return format_number(new, style)


def same_format(original: str, new: str) -> bool:
    """Whether ``new`` is written the way :func:`wrong_value` would write it for ``original``.

    That is: writing ``new``'s value in ``original``'s format reproduces ``new`` exactly
    (same decimal places, commas exactly when the original had them and the value is
    >= 1000, leading-dot style kept below 1).
    """
    if not (is_parsable(original) and is_parsable(new)):
        return False
    style = parse_number(original)
    value = parse_number(new)
    return value.places == style.places and format_number(value.mantissa, style) == new


def same_value(a: str, b: str) -> bool:
    """Whether two number tokens denote the same value (``10`` == ``10.00`` == ``10.0``).

    Compared as canonical text (no commas, no leading zeros before the point, no trailing
    zeros after it), so tokens of any length compare without ``int()``.
    """
    return _canonical(a) == _canonical(b)


def _canonical(token: str) -> tuple[str, str]:
    if not is_number(token):
        raise ValueError(f"not a number token: {token!r}")
    whole, _, fraction = token.replace(",", "").partition(".")
    return whole.lstrip("0"), fraction.rstrip("0")


__all__ = [
    "MAX_NUMBER_CHARS",
    "NUMBER_PATTERN",
    "NUMBER_RE",
    "NumberFormat",
    "format_number",
    "is_number",
    "is_parsable",
    "parse_number",
    "same_format",
    "same_value",
    "wrong_value",
]
