"""A wrong value in the same format as a value of a competition-maths solution."""

from __future__ import annotations

import random
import re
from fractions import Fraction
from math import gcd

from pairgen.strategies.math.values import SEP, VALUE_RE, match_value


def _alternatives(digits: str) -> list[str]:
    """Digit strings (same length, ``.`` kept in place) with one digit changed.

    The leading digit is kept unless the number has a single digit; the value never
    becomes zero."""
    pos = [i for i, c in enumerate(digits) if c.isdigit()]
    editable = pos[1:] if len(pos) > 1 else pos
    out = []
    for i in editable:
        for d in "0123456789":
            if d == digits[i]:
                continue
            new = digits[:i] + d + digits[i + 1 :]
            if Fraction(new if new[0] != "." else "0" + new) != 0:
                out.append(new)
    return out


def _with_separators(token: str, digits: str) -> str:
    """``digits`` (same length as ``token`` without separators) with ``token``'s
    thousands separators put back at the same places."""
    out, taken = [], 0
    for piece in re.split(f"({SEP})", token):
        if re.fullmatch(SEP, piece):
            out.append(piece)
        else:
            out.append(digits[taken : taken + len(piece)])
            taken += len(piece)
    return "".join(out)


def _number_alternatives(token: str) -> list[str]:
    """Every same-format wrong value of a number token (see :func:`wrong_value`)."""
    return [_with_separators(token, d) for d in _alternatives(re.sub(SEP, "", token))]


def wrong_value(text: str, rng: random.Random) -> str:
    """A wrong value in the same format as ``text`` (:func:`wrong_value_avoiding`)."""
    new = wrong_value_avoiding(text, rng, frozenset())
    assert new is not None  # every value has an alternative
    return new


def wrong_value_avoiding(text: str, rng: random.Random, avoid: frozenset[Fraction]) -> str | None:
    """A wrong value in the same format as ``text`` (a candidate's text), never equal.

    Number: one digit other than the leading one changes (a single-digit number changes
    its digit), so digit count, decimal places and thousands separators stay (the sign
    is outside the token and stays too); never zero.
    Fraction ``\\frac{n}{d}`` / ``n/d``: the numerator changes that way, keeping the
    fraction in lowest terms and proper (< 1) or improper as it was; if no numerator
    allows that, the denominator changes instead under the same conditions
    (``\\frac{1}{2}`` -> ``\\frac{1}{3}``); failing both, any numerator change.
    The markup stays.  Deterministic given ``rng``: the alternatives are enumerated in
    a fixed order and one is drawn with ``rng.randrange``.

    ``avoid``: values the new one must not take (the other elements of the list the value
    stands in, so an edit never makes two elements equal); the draw is the same, and a
    drawn value in ``avoid`` gives way to the next alternative in order.  ``None`` when
    every alternative is avoided."""
    m = VALUE_RE.fullmatch(text)
    if m is None:
        raise ValueError(f"not a value: {text!r}")
    if m.group("num") is not None:
        return _draw(_number_alternatives(text), rng, avoid)
    ng = next(g for g in ("fn", "fn1", "sn") if m.group(g) is not None)
    dg = next(g for g in ("fd", "fd1", "sd") if m.group(g) is not None)
    n, d = int(m.group(ng)), int(m.group(dg))
    g, proper = gcd(n, d), n < d

    def ok(nn: int, dd: int) -> bool:
        return dd > 1 and gcd(nn, dd) == g and (nn < dd) == proper

    options = [(ng, a) for a in _number_alternatives(m.group(ng)) if ok(int(a), d)]
    if not options:
        options = [(dg, a) for a in _number_alternatives(m.group(dg)) if ok(n, int(a))]
    if not options:
        options = [(ng, a) for a in _number_alternatives(m.group(ng))]
    texts = [text[: m.start(g)] + new + text[m.end(g) :] for g, new in options]
    return _draw(texts, rng, avoid)


def _draw(alternatives: list[str], rng: random.Random, avoid: frozenset[Fraction]) -> str | None:
    """One alternative drawn with ``rng``; past those whose value is in ``avoid``."""
    at = rng.randrange(len(alternatives))
    for step in range(len(alternatives)):
        new = alternatives[(at + step) % len(alternatives)]
        if not avoid or _value(new) not in avoid:
            return new
    return None


def _value(text: str) -> Fraction:
    m = VALUE_RE.fullmatch(text)
    assert m is not None, text
    return match_value(m)[0]


__all__ = ["wrong_value", "wrong_value_avoiding"]
