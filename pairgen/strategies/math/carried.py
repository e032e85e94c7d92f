r"""The opt-in *carried* tier of the MATH rule: a computed value at a later use.

A careful human corrupting a solution also edits a value where it is *used*, not only
where it is stated: ``1529 = 254\cdot 6 + 5`` after ``254`` was computed, ``=648+72+30+4``,
the exponent of ``10! = 2^8\cdot 3^4\cdot 5^2\cdot 7``, the ``27`` of ``\frac{27}{9}``.
The edit then breaks the chain from the earlier line to the later one -- a carried-over
slip.  Such a site is an *operand*, which the strict rule never edits, so this tier is
opt-in (``--math-tier carried``) and used only for a row without any strict site.

A carried site is a number token (the digits of an integer or decimal; inside a fraction
the numerator or denominator on its own) such that

* the same value occurs earlier in the same solution (it was computed before it is used),
  or the token is a number a numeric rewrite brings (``= 648+72+30+4`` after ``3\cdot6^3
  + ..``: :mod:`pairgen.strategies.math.rewrites`) or an equation step brings (``2x + 3x
  = 90`` so ``5x = 90``: :mod:`pairgen.strategies.math.steps`);
* it is none of the noise a naive "value seen before" rule picks up: never 0 or 1; never
  the exponent 2 or 3 of a symbol (``BC^2``, ``(x+1)^3``); never a factorial or binomial
  argument (``5!``, ``\binom{8}{2}``, ``{8 \choose 2}``); never the base of a power (the
  ``2`` of ``2^8``, ``(2^2)^x``: a prime or a rewriting, not a carried result); never a
  value the solver chose rather than computed -- a coefficient factored out in front of a
  bracket holding a variable (the ``5`` of ``5(2x - y)``), a common factor of two terms
  (``9\cdot 21 - 9\cdot 25``, ``\frac{31\times 9}{11111\times 9}``), a root's index
  (``\sqrt[3]``, ``3\sqrt[3]{..}``), a subscript (``x_{10}``); never a label (``Step
  2``, ``(1)``, a year);
* and, as for every tier, it is derived (not in the problem), not the final answer's
  value, before the final answer, outside ``[asy]``, and none of the values
  :mod:`pairgen.strategies.math.precision` refuses (conventions, hypotheses, labels).

The last group of conditions is applied by the rule itself; this module finds the tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from pairgen.strategies.math.rewrites import rewrite_slots
from pairgen.strategies.math.standalone import LABEL_WORDS
from pairgen.strategies.math.steps import step_slots
from pairgen.strategies.math.values import (
    NUMBER_TOKEN_RE,
    VALUE_RE,
    Candidate,
    inside,
    number_value,
)

_SMALL_POWER_RE = re.compile(r"(?:[A-Za-z)}\]|]|\\[A-Za-z]+)\s*\^\s*\{?\s*\Z")
_SUBSCRIPT_RE = re.compile(r"_\s*(?:\{[^{}]{0,8})?\Z")
_ROOT_INDEX_RE = re.compile(r"\\sqrt\s*\[\s*\Z")
_BEFORE_ROOT_RE = re.compile(r"\s*\\sqrt\s*\[")
_FACTORIAL_AFTER_RE = re.compile(r"\s*\}?\s*!")
_BASE_OF_POWER_RE = re.compile(r"\s*\^")
# what ends the expression a common factor is looked for in
_EXPRESSION_END_RE = re.compile(r"\$|=|\\\\|\n|\\\[|\\\]|&")
_FACTOR = r"(?:\s*(?:\\cdot|\\times|\*)\s*)"
_BINOMIAL_RE = re.compile(
    r"\\[dt]?binom\s*\{[^{}]*\}\s*\{[^{}]*\}|\{[^{}]*\\choose[^{}]*\}|\\binom\s*[0-9]{2}"
)
_BRACKET_AFTER_RE = re.compile(r"\s*(?:\\left\s*)?\(([^()]{0,80})\)")
_PREV_WORD_RE = re.compile(r"([A-Za-z]+)\W*\Z")


def _label(text: str, start: int, end: int, token: str) -> bool:
    """``Step 2``, an equation number ``(1)``, a year (operator words are uses here)."""
    prev = _PREV_WORD_RE.search(text, max(0, start - 20), start)
    if prev is not None and prev.group(1).lower() in LABEL_WORDS:
        return True
    # ``(1)``, not the argument of ``f(4)``
    bracketed = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
    if bracketed and re.match(r"[\w)}\]^_]", text[start - 2 : start - 1]) is None:
        return True
    return len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2099


def _chosen_factor(text: str, start: int, end: int) -> bool:
    r"""A factor the solver chose: written in front of a bracket that holds a variable
    (``5(2x - y)``), or multiplying two terms of one expression (``9\cdot 21 - 9\cdot
    25``, ``\frac{31 \times 9}{11111 \times 9}``)."""
    m = _BRACKET_AFTER_RE.match(text, end)
    inner = re.sub(r"\\[A-Za-z]+", "", m.group(1)) if m else ""
    if re.search(r"[A-Za-z]", inner) is not None:
        return True
    token = re.escape(text[start:end])
    factor = re.compile(
        r"(?<![0-9.])" + token + _FACTOR + r"|" + _FACTOR + token + r"(?![0-9]|\.[0-9])"
    )
    lo = max(0, start - 60)
    lo = max([m.end() for m in _EXPRESSION_END_RE.finditer(text, lo, start)], default=lo)
    hi = _EXPRESSION_END_RE.search(text, end, min(len(text), end + 60))
    found = factor.findall(text, lo, hi.start() if hi else min(len(text), end + 60))
    return len(found) >= 2


def carried_slots(
    text: str,
    cut: int,
    asy: list[tuple[int, int]],
    strict: Iterable[Candidate],
) -> list[tuple[int, int]]:
    """Spans of the carried sites before ``cut`` (module docstring), outside [asy]."""
    computed: dict[Fraction, int] = {}
    taken = [(c.start, c.end) for c in strict]
    for m in NUMBER_TOKEN_RE.finditer(text, 0, cut):
        value = number_value(m.group())
        computed.setdefault(value, m.end())
    binomials = [m.span() for m in _BINOMIAL_RE.finditer(text, 0, cut)]
    rewritten = set(rewrite_slots(text, cut)) | set(step_slots(text, cut))
    out = []
    for m in NUMBER_TOKEN_RE.finditer(text, 0, cut):
        start, end = m.span()
        value = number_value(m.group())
        since = computed.get(value)
        earlier = since is not None and since <= start
        if not (earlier or (start, end) in rewritten) or value in (0, 1):
            continue
        whole = VALUE_RE.match(text, start)
        if whole is None or whole.end() != end or whole.group("num") is None:
            continue  # the numerator of a slash fraction ``2/3``: the fraction is the value
        before = text[max(0, start - 12) : start]
        if (
            inside(start, end, taken)
            or inside(start, end, asy)
            or inside(start, end, binomials)
            or (value in (2, 3) and _SMALL_POWER_RE.search(before))
            or _SUBSCRIPT_RE.search(before)
            or _ROOT_INDEX_RE.search(before)
            or _BEFORE_ROOT_RE.match(text, end)
            or _FACTORIAL_AFTER_RE.match(text, end)
            or _BASE_OF_POWER_RE.match(text, end)
            or _chosen_factor(text, start, end)
            or _label(text, start, end, m.group())
        ):
            continue
        out.append((start, end))
    return out


__all__ = ["NUMBER_TOKEN_RE", "carried_slots"]
