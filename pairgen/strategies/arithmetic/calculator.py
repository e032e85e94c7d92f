"""GSM8K calculator annotations as claims: does ``<<48/2=24>>`` hold?

An annotation states a calculation and its result.  In a pair, the chosen solution's
edited annotation must hold, and then the rejected one cannot: that is what the pair
claims ("this step is right, that one is wrong"), and it can be proved from the text
alone.  A pair swapped with its values, or a wrong result written into the chosen
solution, fails it even when every statistic and checksum was recomputed to match.

Arithmetic is exact (:class:`fractions.Fraction`, no floats).  A result *holds* when it
equals the expression's value, or rounds it to the places written (``<<10/3=3.33>>``):
less than half a unit of the last place away (a tie, ``<<7/2=4>>``, holds for neither
neighbour).  Since a wrong value of the same format is at least one unit away, a
rejected result next to a chosen one that holds never holds.

Grammar: numbers (``24``, ``1,200``, ``2.50``, ``.5``), ``+ - * /``, unary signs and
parentheses, spaces anywhere.  Anything else (``x``, ``%``, ``**``), a division by zero or
an expression longer than :data:`MAX_EXPRESSION_CHARS` does not evaluate: the annotation
then claims nothing checkable (``None``), which never fails a pair.
"""

from __future__ import annotations

import re
from fractions import Fraction

from pairgen.strategies.numbers import MAX_NUMBER_CHARS, NUMBER_PATTERN, parse_number

# Longer annotations are not calculator steps (and would only cost time to parse).
MAX_EXPRESSION_CHARS = 200
_TOKEN_RE = re.compile(rf"{NUMBER_PATTERN}|[-+*/()]")
# Most annotations are one operation on two numbers (``48/2``): parsed by one match.
_BINARY_RE = re.compile(rf"\s*({NUMBER_PATTERN})\s*([-+*/])\s*({NUMBER_PATTERN})\s*\Z")
_OUTSIDE_GRAMMAR_RE = re.compile(r"[^0-9.,+\-*/()\s]")
_SPACE_RE = re.compile(r"\s+")
_RESULT_RE = re.compile(rf"\s*(-?)\s*({NUMBER_PATTERN})\s*\Z")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "u+": 3, "u-": 3}

# An exact value as (numerator, denominator), denominator > 0, not reduced: plain int
# arithmetic is ~5x faster than Fraction's, and the expressions are short.
Value = tuple[int, int]


class _Unevaluable(Exception):
    """The expression is outside the grammar (or divides by zero)."""


def _number(token: str) -> Value:
    if len(token) > MAX_NUMBER_CHARS:
        raise _Unevaluable
    if token.isdecimal():
        return int(token), 1
    parsed = parse_number(token)
    return parsed.mantissa, 10**parsed.places


def _apply(operator: str, values: list[Value]) -> None:
    """Replace the operand(s) on top of ``values`` by ``operator`` applied to them."""
    if operator[0] == "u":
        n, d = values.pop()
        values.append((-n, d) if operator == "u-" else (n, d))
        return
    if len(values) < 2:
        raise _Unevaluable
    m, e = values.pop()
    n, d = values.pop()
    if operator == "+":
        values.append((n * e + m * d, d * e))
    elif operator == "-":
        values.append((n * e - m * d, d * e))
    elif operator == "*":
        values.append((n * m, d * e))
    elif m == 0:
        raise _Unevaluable
    else:
        values.append((n * e, d * m) if m > 0 else (-n * e, -d * m))


def _shunting_yard(tokens: list[str]) -> Value:
    """Operator precedence without recursion (a nesting depth costs no stack)."""
    values: list[Value] = []
    operators: list[str] = []
    operand_next = True
    for token in tokens:
        if operand_next:
            if token in ("+", "-"):
                operators.append("u" + token)
            elif token == "(":
                operators.append(token)
            elif token in (")", "*", "/"):
                raise _Unevaluable
            else:
                values.append(_number(token))
                operand_next = False
        elif token == ")":
            while operators and operators[-1] != "(":
                _apply(operators.pop(), values)
            if not operators:
                raise _Unevaluable
            operators.pop()
        elif token in _PRECEDENCE:
            rank = _PRECEDENCE[token]
            while operators and operators[-1] != "(" and _PRECEDENCE[operators[-1]] >= rank:
                _apply(operators.pop(), values)
            operators.append(token)
            operand_next = True
        else:
            raise _Unevaluable  # a number or "(" right after an operand
    if operand_next:
        raise _Unevaluable
    while operators:
        operator = operators.pop()
        if operator == "(":
            raise _Unevaluable
        _apply(operator, values)
    if len(values) != 1:
        raise _Unevaluable
    return values[0]


def evaluate(expression: str) -> Fraction | None:
    """The exact value of a calculator expression, or ``None`` if it does not evaluate."""
    value = _evaluate(expression)
    return None if value is None else Fraction(*value)


def _evaluate(expression: str) -> Value | None:
    if len(expression) > MAX_EXPRESSION_CHARS:
        return None
    try:
        binary = _BINARY_RE.match(expression)
        if binary is not None:
            left, operator, right = binary.groups()
            values = [_number(left), _number(right)]
            _apply(operator, values)
            return values[0]
        if _OUTSIDE_GRAMMAR_RE.search(expression):
            return None
        tokens = _TOKEN_RE.findall(expression)
        if "".join(tokens) != _SPACE_RE.sub("", expression):
            return None  # characters no token took: "1,2", "1..2", "2 3"
        return _shunting_yard(tokens)
    except _Unevaluable:
        return None


def annotation_holds(annotation: str) -> bool | None:
    """Whether ``expression=result`` (an annotation without ``<< >>``) holds (module doc).

    ``None`` when the expression does not evaluate or the result is not one number.
    """
    expression, equals, result = annotation.rpartition("=")
    match = _RESULT_RE.match(result)
    if not equals or match is None or len(match.group(2)) > MAX_NUMBER_CHARS:
        return None
    value = _evaluate(expression)
    if value is None:
        return None
    n, d = value
    sign, token = match.groups()
    parsed = parse_number(token)
    stated: int = -parsed.mantissa if sign else parsed.mantissa
    scale: int = 10**parsed.places
    # |n/d - stated/scale| < 1 / (2 * scale), with d, scale > 0:
    return bool(abs(n * scale - stated * d) * 2 < d)


def annotation_around(text: str, offset: int) -> tuple[int, int] | None:
    """``(start, end)`` of the ``<<...>>`` annotation holding ``offset``, if one does."""
    opened = text.rfind("<<", 0, offset)
    if opened < 0:
        return None
    closed = text.find(">>", opened + 2)
    if closed < offset:
        return None
    return opened, closed + 2


def holds_at(text: str, offset: int) -> bool | None:
    """:func:`annotation_holds` of the annotation holding ``offset`` (``None``: none there)."""
    span = annotation_around(text, offset)
    return None if span is None else annotation_holds(text[span[0] + 2 : span[1] - 2])


def check_annotation_claim(chosen: str, rejected: str, offset: int) -> str | None:
    """For a pair whose first changed number is at ``offset``: ``chosen_annotation_wrong``
    when the chosen annotation there does not hold, else ``None``.

    The rejected annotation is not evaluated: it has the same expression and a result of
    the same format at least one unit away from one that holds, so it cannot hold.
    """
    if "<<" in chosen and holds_at(chosen, offset) is False:
        return "chosen_annotation_wrong"
    return None


__all__ = [
    "MAX_EXPRESSION_CHARS",
    "annotation_around",
    "annotation_holds",
    "check_annotation_claim",
    "evaluate",
    "holds_at",
]
