r"""Numbers a numeric rewrite computes: the new operands of ``numbers = numbers``.

A chain of equalities over numbers only rewrites one side into the next, and every number
the new side brings is worked out from the old one: the ``648`` of ``3\cdot6^3 +
2\cdot6^2 + 5\cdot6 + 4 = 648+72+30+4``, the ``200`` of ``4.75\times800 =
\frac{19}{4}\cdot800 = 19\cdot200``, the ``15`` of ``(1+2+4+8)(1+5+25) = (15)(31)``, the
``36`` and ``64`` of ``\sqrt{(1-7)^2 + (-1-7)^2} = \sqrt{36+64}``.  A careful human
corrupting the solution edits them as readily as a value carried from an earlier line:
they are operands, so they are sites of the opt-in carried tier
(:mod:`pairgen.strategies.math.carried`), never of the strict one.

A number of the new side is such a site when it does not occur on the old side, the old
side expands no definition -- a numeral in another base (``3254_6 = 3\cdot6^3 + ..``: its
digits), a factorial or a binomial coefficient (``8! = 8\cdot7\cdot6 \cdots``) is written
out, not worked out -- and either

* both sides hold numbers only (no letter outside LaTeX commands; ``\pi`` is a number), or
* the relation continues a chain (``A = B = C``: ``C`` rewrites ``B``, both equal ``A``; in
  an ``align`` a row ``&= ..`` continues the row before) and the old side has a number
  that is no exponent: ``x(x) + 1(x) + 1(x) + 1 = x^2 + 2x + 1``, ``\pi(5^2) = 25\pi``.
  A lone equation ``2x + 3 = 11`` states, it does not rewrite; and an identity between
  symbols (``(a + b)^2 = a^2 + 2ab + b^2``) brings a formula's constants, not results.

In an ``align`` the old side of a continued row is the right side of the row before.  The
carried tier's own refusals (never 0 or 1, the base of a power, the exponent 2 or 3 of a
symbol, a chosen factor, ...) and those of every tier apply on top.
"""

from __future__ import annotations

import re
from fractions import Fraction

from pairgen.strategies.math.precision import has_variable, side_after, side_before
from pairgen.strategies.math.values import NUMBER_TOKEN_RE, number_value

# a relation a rewrite follows: ``=``, ``\equiv``, ``\approx`` (not an inequality)
REWRITE_RE = re.compile(r"(?<![<>!:=\\])=(?!=)|\\(?:equiv|approx)(?![A-Za-z])")
# what a side that expands a definition holds: a numeral with a base, ``n!``, a binomial
_DEFINITION_RE = re.compile(r"[0-9]\s*_\s*\{?\s*[0-9]|!|\\[dt]?binom|\\choose")
# an align row that continues the one before: ``\\`` then ``&`` right before the relation
_CONTINUED_RE = re.compile(r"\\\\\s*&\s*\Z")
# a side that follows a relation itself: the relation continues a chain
_CHAINED_RE = re.compile(r"(?:(?<![<>!:=\\])=|\\(?:equiv|approx))\s*&?\s*\Z")
_EXPONENT_RE = re.compile(r"\^\s*(?:\{[^{}]*\}|[0-9])")


def _has_letter(side: str) -> bool:
    """A variable outside LaTeX commands; ``\\pi`` is a number."""
    return has_variable(side.replace("\\pi", " "))


def _numbers(side: str) -> set[Fraction]:
    return {number_value(m.group()) for m in NUMBER_TOKEN_RE.finditer(side)}


def old_side(text: str, rel: int) -> tuple[str, bool]:
    """The side a rewrite starting at ``rel`` rewrites -- the side before it, or for a
    continued ``align`` row the right side of the row before -- and whether the relation
    continues a chain."""
    side = side_before(text, rel)
    if side:
        at = text.rfind(side, 0, rel)
        return side, _CHAINED_RE.search(text, max(0, at - 20), at) is not None
    if not _CONTINUED_RE.search(text, max(0, rel - 40), rel):
        return "", False
    row = text.rfind("\\\\", 0, rel)
    previous = None
    for m in REWRITE_RE.finditer(text, max(0, row - 240), row):
        previous = m
    if previous is None:
        return "", False
    return text[previous.end() : row].strip().strip("&").strip(), True


def rewrite_slots(text: str, cut: int) -> list[tuple[int, int]]:
    """Spans of the numbers a rewrite before ``cut`` brings (module doc)."""
    text = text.replace("\\$", "  ")  # a currency sign is no maths delimiter; same length
    out: list[tuple[int, int]] = []
    for rel in REWRITE_RE.finditer(text, 0, cut):
        old, chained = old_side(text, rel.start())
        new = side_after(text, rel.end())
        if not old or not new or _DEFINITION_RE.search(old):
            continue
        numeric = not _has_letter(old) and not _has_letter(new)
        if not re.search(r"[0-9]", _EXPONENT_RE.sub(" ", old) if not numeric else old):
            continue
        if not (numeric or chained):
            continue
        start = text.find(new, rel.end())
        known = _numbers(old)
        for m in NUMBER_TOKEN_RE.finditer(new):
            if number_value(m.group()) not in known and start + m.end() <= cut:
                out.append((start + m.start(), start + m.end()))
    return out


def sides_around(text: str, at: int) -> tuple[str, str] | None:
    """(old side, new side) of the relation whose new side holds position ``at`` -- the
    last ``=``, ``\\equiv`` or ``\\approx`` before it whose side runs past it (for a continued
    ``align`` row the old side is the right side of the row before) -- or None."""
    last = None
    for m in REWRITE_RE.finditer(text, max(0, at - 240), at):
        last = m
    if last is None:
        return None
    new = side_after(text, last.end())
    where = text.find(new, last.end())
    if not new or where < 0 or where + len(new) <= at:
        return None  # the relation's side ends before ``at``
    return old_side(text, last.start())[0], new


__all__ = ["REWRITE_RE", "old_side", "rewrite_slots", "sides_around"]
