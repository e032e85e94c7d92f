"""Results that only restate a number the problem gives: never the edited value.

``Kyle bought the book for $19.50 … X - X*25% = $19.50`` restates the price; editing it
makes the rejected solution disagree with the problem, not compute wrongly (GSM8K test:
29 of 1,308 pairs did, found by the conformance benchmark's independent check).  A
result is a restatement when its value is one the problem states (read by
:func:`pairgen.strategies.math.given.problem_values`, the reader the math strategy uses:
``$5``, ``5kg``, ``Rs.6000``, number words, fractions) *and* its left-hand side is not an
operation on numbers alone.  ``3 * 1 = 3`` (or ``<<3*1=3>>3``) with a 3 in the problem is
still computed, so it stays a result: what matters is that the solver worked it out.
"""

from __future__ import annotations

import re
from fractions import Fraction

from pairgen.strategies.arithmetic.results import Result, lhs_start
from pairgen.strategies.math.values import number_value

# the arithmetic that ends a left-hand side: numbers, operators, brackets, currency
_TRAILING_SUM_RE = re.compile(r"[\d.,\s$€£¥₹%()+\-*/×÷^x\\]*$")
# one operator between two numbers: "100% - 40%", "3 / 4", "(2 + 3) x 4"
_OPERATION_RE = re.compile(r"\d%?\s*\)?\s*(?:[-+*/×÷^]|x(?=\s))\s*\(?\s*\$?\d")


def computed_from_numbers(left: str) -> bool:
    """Whether ``left`` (an ``=``'s left-hand side) ends in an operation on numbers alone
    (``needs 3 / 4 * 2``, ``100% - 40%``); ``9m``, ``8S`` or ``X - X*25%`` do not."""
    tail = _TRAILING_SUM_RE.search(left)
    return tail is not None and _OPERATION_RE.search(tail.group()) is not None


def left_side(text: str, result: Result) -> str:
    """The left-hand side that computes ``result``: its annotation's (``<<a*b=c>>``), or
    the text before the ``=`` that opens it."""
    start, _, ann_start, _ = result
    if ann_start >= 0 or text.rfind(">>", 0, start) == start - 2:
        at = ann_start if ann_start >= 0 else start
        opened = text.rfind("<<", 0, at)
        return text[opened + 2 : text.rfind("=", opened, at)]
    eq = text.rfind("=", 0, start)
    return text[lhs_start(text, eq) : eq] if eq >= 0 else ""


def restates_given(text: str, result: Result, given: set[Fraction]) -> bool:
    """Whether ``result`` only restates a value of ``given`` (module doc)."""
    start, end, ann_start, ann_end = result
    token = text[start:end] if start >= 0 else text[ann_start:ann_end]
    try:
        value = number_value(token)
    except ValueError:
        return False
    return value in given and not computed_from_numbers(left_side(text, result))


__all__ = ["computed_from_numbers", "left_side", "restates_given"]
