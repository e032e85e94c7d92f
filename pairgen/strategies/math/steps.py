r"""Numbers a step from one equation to the next brings: ``2x + 3x = 90`` so ``5x = 90``.

Solving, a solution writes an equation, then the equation it turns into: ``2w + 2(8) =
24`` or ``2w + 16 = 24``, ``180n - 360 = 162n``, so ``18n = 360``, ``\sqrt{100x^2} = 60
\Rightarrow 10x = 60``.  A number the later equation has and the earlier one does not
(``16``, ``18``, ``10``) was worked out in the step, and a careful human corrupting the
solution edits it like a carried value.  It is an operand or a coefficient, never a
result, so such a number is a site of the opt-in carried tier only
(:mod:`pairgen.strategies.math.carried`).

A step is two equations (``=`` each, inside maths) joined by nothing but an arrow
(``\Rightarrow``, ``\implies``, ``\Longrightarrow``) or one of the words that say the one
follows from the other (``so``, ``or``, ``gives``, ``giving``, ``yields``, ``becomes``,
``simplifies to``, ``we get``), with maths delimiters, ``\quad`` and punctuation around
them.  A number of the later equation is a site when its value occurs nowhere earlier in
the solution (a value written before is the carried tier's own business, and a multiplier
named in prose first, ``multiplying both sides by 1000``, is the solver's choice) and the
earlier equation has a number that is no exponent.  ``Let $x = 0.\overline{3}$, then
$10x = ..$`` is no step: ``then`` introduces a choice.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import pairwise

from pairgen.strategies.math.precision import side_after, side_before
from pairgen.strategies.math.values import NUMBER_TOKEN_RE, number_value

_EQUALS_RE = re.compile(r"(?<![<>!:=\\])=(?!=)")
_EXPONENT_RE = re.compile(r"\^\s*(?:\{[^{}]*\}|[0-9])")
# what may join two equations of a step, once the markup around the words is dropped
_MARKUP_RE = re.compile(r"\$|\\\[|\\\]|\\\(|\\\)|\\q?quad(?![A-Za-z])|\\[,;: ]|[.,;:&]|\\\\")
_JOIN_RE = re.compile(
    r"(?:(?:and )?so|or|giving|becomes|simplifies to|we get"
    r"|(?:(?:which|this|that) |[A-Za-z]+ing(?: [a-z]+){0,3} )?(?:gives|yields)(?: us)?"
    r"|\\(?:Rightarrow|implies|Longrightarrow))?"
)


def _equations(text: str, cut: int) -> list[tuple[int, int, int]]:
    """(start, relation, end) of every ``lhs = rhs`` before ``cut``, in text order."""
    out = []
    for m in _EQUALS_RE.finditer(text, 0, cut):
        left, right = side_before(text, m.start()), side_after(text, m.end())
        if not left or not right:
            continue
        start = text.rfind(left, 0, m.start())
        end = text.find(right, m.end()) + len(right)
        out.append((start, m.start(), end))
    return out


def step_slots(text: str, cut: int) -> list[tuple[int, int]]:
    """Spans of the numbers an equation step before ``cut`` brings (module doc)."""
    text = text.replace("\\$", "  ")  # a currency sign is no maths delimiter; same length
    out: list[tuple[int, int]] = []
    first: dict[Fraction, int] = {}
    for m in NUMBER_TOKEN_RE.finditer(text, 0, cut):
        first.setdefault(number_value(m.group()), m.start())
    equations = _equations(text, cut)
    for (s1, _, e1), (s2, _, e2) in pairwise(equations):
        if s2 < e1:
            continue  # a chain ``a = b = c``: a rewrite (rewrites.py), not a step
        join = " ".join(_MARKUP_RE.sub(" ", text[e1:s2]).split())
        if _JOIN_RE.fullmatch(join) is None:
            continue
        earlier = text[s1:e1]
        if not re.search(r"[0-9]", _EXPONENT_RE.sub(" ", earlier)):
            continue
        for m in NUMBER_TOKEN_RE.finditer(text, s2, min(e2, cut)):
            if first.get(number_value(m.group())) == m.start():
                out.append(m.span())
    return out


__all__ = ["step_slots"]
