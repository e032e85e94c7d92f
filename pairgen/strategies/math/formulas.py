r"""Constants of identities and formulas: numbers the carried tier never edits.

A number a solution copies out of an identity or a textbook formula occurs again and again
(the ``2`` of every ``2\sin x\cos x``), so the carried tier's "the same value occurs
earlier" holds for it -- but it was recalled, not computed, and editing it is no
carried-over slip.  Issue 20's reader called these constants:

* ``trig_coefficient`` -- the ``2`` of an identity's product of two trigonometric
  functions (``2 \sin 2.5^\circ \cos 2.5^\circ``, the double angle; ``2\cos 5x\cos 4x``,
  sum-to-product) or of a bracket of them (``2\Big(\cos\frac{5\pi}{12} + ..\Big)``); the
  ``2`` of one function (``2\sin^4 x``, ``\frac{2\sin x}{\cos x}``) is worked out, a site;
* ``trig_value`` -- a part of a known trigonometric value (``\frac{\sqrt{3}}{2}``,
  ``\frac{\sqrt{2}}{2}``, ``\frac{1}{\sqrt{2}}``, ``\frac{1}{\sqrt{3}}``,
  ``\frac{\sqrt{3}}{3}``, ``\sqrt{3}/2``) where it is recalled: the new side of a relation
  that evaluates a trigonometric function (``\sin 60^\circ = \frac{\sqrt{3}}{2}``,
  ``\operatorname{cis} 60^\circ = \frac12 + \frac{\sqrt3}{2}i``).  A copy of a value the
  solution derived (``DO = DP = \frac{\sqrt{2}}{2}``, then the point ``\left(
  \frac{\sqrt{2}}{2}, ..\right)``) is carried, a site;
* ``special_triangle`` -- the ratios of the special right triangles, ``1:\sqrt{3}:2`` and
  ``1:1:\sqrt{2}``;
* ``formula_constant`` -- the ``2`` of a midpoint or an average of two
  (``\frac{3+9}{2}``, ``(x_1+x_2)/2``), the ``3`` of a centroid's third of a median
  (``BM/3``, ``\frac13 BM``), the ``2`` of the polygon angle sum ``180(n-2)``, the ``4`` of
  an equilateral triangle's area ``\frac{\sqrt{3}}{4}s^2``, the ``4`` and ``3`` of a
  sphere's ``4\pi r^2`` and ``\frac43\pi r^3``, the ``4`` of a discriminant ``b^2 - 4ac``
  written out (``(c+1)^2 - 4c``, ``1 - 4k`` after the word "discriminant");
* ``formula_constant`` also, where the solution names the formula: the ``2`` of a
  midpoint's half (``AE = \frac{AD}{2}``, ``CD = BC/2 = 20\sqrt{3}/2``, in a solution saying
  "midpoint"), of a circumference ``2\pi r`` (saying "circumference"), and of a triangle's
  area ``\frac{bh}{2}``, ``(5\cdot 12)/2`` (saying "triangle");
* ``decimal_digits`` -- the digits of a given decimal written as an integer times a power
  of ten (``0.2 = 2\times 0.1``, then ``2.4\times 2\times 0.1``; ``\frac{24\cdot
  0.1}{6}`` for ``\frac{2.4}{6}``): given, nothing computed;
* ``generic_form`` -- the ``2`` of a generic odd or even number (``(2l+1)+(2m+1)+(2n+1) =
  2l + 2m + 2n + 3`` in a solution about odd or even numbers).

A value a rewrite worked out (``\sqrt{12} = 2\sqrt{3}``) is no constant when it is written
some other way; these refusals look at the form, and the forms above are the recalled ones.
"""

from __future__ import annotations

import re
from fractions import Fraction

from pairgen.strategies.math.facts import ROOT2 as _ROOT2
from pairgen.strategies.math.facts import ROOT3 as _ROOT3
from pairgen.strategies.math.facts import SPECIAL_TRIANGLE_RE as _SPECIAL_TRIANGLE_RE
from pairgen.strategies.math.rewrites import sides_around

_TRIG = r"\\(?:sin|cos|tan|cot|sec|csc)(?![A-Za-z])"
# ``2\Big(\cos a + \cos b\Big)``: a bracket of trigonometric functions
_TRIG_BRACKET_AFTER_RE = re.compile(r"\s*(?:\\left\s*|\\[Bb]igg?l?\s*)?\(\s*" + _TRIG)
_TRIG_AFTER_RE = re.compile(r"\s*" + _TRIG)
# what ends a product of factors (a ``}`` closing ``^{\circ}`` does not)
_PRODUCT_END_RE = re.compile(r"[-+=&]|\\\\|(?<!\\circ)\}")
# an old side that evaluates a trigonometric function (``\operatorname{cis}`` too)
_TRIG_SIDE_RE = re.compile(_TRIG + r"|\\operatorname\s*\{\s*cis\s*\}|\\cis(?![A-Za-z])")
_TRIG_CONTEXT_RE = re.compile(_TRIG + r"|\^\s*\{?\s*\\circ|\bdegrees?\b")

_FRAC = r"\\[dt]?frac\s*"


def _braced(inner: str) -> str:
    return r"(?:\{\s*" + inner + r"\s*\}|" + inner + r")"


_TRIG_VALUE_RE = re.compile(
    "|".join(
        [
            _FRAC + _braced(_ROOT3) + _braced("[23]"),  # sqrt3/2, sqrt3/3
            _FRAC + _braced(_ROOT2) + _braced("2"),  # sqrt2/2
            _FRAC + _braced("1") + _braced("(?:" + _ROOT2 + "|" + _ROOT3 + ")"),  # 1/sqrt2
            r"(?:" + _ROOT3 + r"|" + _ROOT2 + r")\s*/\s*2(?![0-9])",
            r"(?<![0-9])1\s*/\s*(?:" + _ROOT2 + "|" + _ROOT3 + ")",
        ]
    )
)

# (regex, group holding the constant)
_FORMULAS = [
    # a midpoint, an average of two: \frac{3+9}{2}, (x_1 + x_2)/2
    re.compile(r"\\[dt]?frac\s*\{[^{}+]+\+[^{}+]+\}\s*\{\s*(2)\s*\}"),
    re.compile(r"\([^()+]+\+[^()+]+\)\s*/\s*(2)(?![0-9])"),
    # a centroid divides a median in the ratio 2:1: BM/3, \frac{BM}{3}, \frac13 BM
    re.compile(r"(?<![A-Za-z])[A-Z]{2}\s*/\s*(3)(?![0-9])"),
    re.compile(r"\\[dt]?frac\s*\{\s*[A-Z]{2}\s*\}\s*\{\s*(3)\s*\}"),
    re.compile(r"\\[dt]?frac\s*(?:1|\{\s*1\s*\})\s*(?:(3)|\{\s*(3)\s*\})\s*[A-Z]{2}(?![A-Za-z])"),
    # the polygon angle sum 180(n - 2)
    re.compile(r"180\s*(?:\^\s*\{?\s*\\circ\s*\}?\s*)?(?:\\cdot\s*)?\(\s*[a-z]\s*-\s*(2)\s*\)"),
    # an equilateral triangle's area: \frac{\sqrt{3}}{4}, \sqrt{3}/4
    re.compile(_FRAC + _braced(_ROOT3) + r"(?:\{\s*(4)\s*\}|(4))"),
    re.compile(_ROOT3 + r"\s*/\s*(4)(?![0-9])"),
    # a sphere: 4\pi r^2, \frac{4}{3}\pi r^3
    re.compile(r"(?<![0-9.])(4)\s*\\pi\s*[a-z]\s*\^\s*\{?\s*2"),
    re.compile(_FRAC + r"(?:\{\s*(4)\s*\}|(4))\s*(?:\{\s*(3)\s*\}|(3))\s*\\pi\s*[a-z]\s*\^"),
]

# (word the solution must say, regex, group holding the constant)
_NAMED_FORMULAS = [
    # half a segment at a midpoint: AD/2, \frac{AD}{2}, and the next side's /2 of a chain
    ("midpoint", re.compile(r"(?<![A-Za-z])[A-Z]{2}\s*/\s*(2)(?![0-9])")),
    ("midpoint", re.compile(r"\\[dt]?frac\s*\{\s*[A-Z]{2}\s*\}\s*\{\s*(2)\s*\}")),
    ("midpoint", re.compile(r"[A-Z]{2}\s*/\s*2\s*=\s*[^=$/]{1,30}/\s*(2)(?![0-9])")),
    # a circumference: 2\pi r, 2\pi(r + 5)
    ("circumference", re.compile(r"(?<![0-9.])(2)\s*\\pi\s*(?:[a-z](?![a-z])|\()")),
    # a triangle's area: \frac{bh}{2}, (5\cdot 12)/2, \frac{5\cdot 12}{2}
    ("triangle", re.compile(r"\\[dt]?frac\s*\{\s*[a-z]\s*[a-z]\s*\}\s*\{\s*(2)\s*\}")),
    ("triangle", re.compile(r"\(\s*[0-9]+\s*(?:\\cdot|\\times)\s*[0-9]+\s*\)\s*/\s*(2)(?![0-9])")),
    (
        "triangle",
        re.compile(r"\\[dt]?frac\s*\{\s*[0-9]+\s*(?:\\cdot|\\times)\s*[0-9]+\s*\}\s*\{\s*(2)\s*\}"),
    ),
]
# an integer times a power of ten below one: 2\times 0.1, 24\cdot 0.1, 5\times 10^{-2}
_SCALED_RE = re.compile(
    r"(?<![0-9.])([0-9]+)\s*(?:\\times|\\cdot)\s*(?:(0\.0*1)|10\s*\^\s*\{\s*-\s*([0-9])\s*\})(?![0-9])"
)


def _decimal_digits(text: str) -> set[tuple[int, int]]:
    """Spans of the integers of ``_SCALED_RE`` whose value is a decimal written before."""
    spans = set()
    for m in _SCALED_RE.finditer(text):
        scale = Fraction(m.group(2)) if m.group(2) else Fraction(1, 10 ** int(m.group(3)))
        # a decimal written before is given; ``29 + 11\cdot 10^{-1}`` before ``1.1`` is worked out
        before = re.findall(r"(?<![0-9])[0-9]*\.[0-9]+", text[: m.start()])
        if int(m.group(1)) * scale in {Fraction(t) for t in before}:
            spans.add(m.span(1))
    return spans


# the ``4`` of a discriminant ``b^2 - 4ac`` written out (``(c+1)^2 - 4c``, ``1 - 4k``)
_DISCRIMINANT_RE = re.compile(r"discriminant", re.IGNORECASE)
_DISCRIMINANT_FOUR_RE = re.compile(r"(?<!\()-\s*(4)\s*(?=\(|[a-z](?![a-z])|\\cdot)")
# a generic odd or even number: the ``2`` of ``2m`` when ``2m + 1`` stands for an odd number
_ODD_EVEN_RE = re.compile(r"\b(?:odd|even)\b", re.IGNORECASE)
_COEFFICIENT_TWO_RE = re.compile(r"(?<![0-9.])(2)\s*([a-z])(?![A-Za-z])")


def _generic(text: str, m: re.Match[str]) -> bool:
    """Whether the solution writes ``2m + 1`` (or ``2m - 1``) for the letter of ``m``."""
    form = r"(?<![0-9.])2\s*" + m.group(2) + r"\s*[-+]\s*1(?![0-9])"
    return re.search(form, text) is not None


def trig_coefficient(text: str, start: int, end: int) -> bool:
    r"""The ``2`` of an identity's product of two trigonometric functions (``2\sin x\cos
    x``, ``2 \cos 30^\circ \cos 10^\circ``) or of a bracket of them (``2\Big(\cos a +
    \cos b\Big)``); not of one function (``2\sin^4 x``, ``\frac{2\sin x}{\cos x}``: a
    coefficient worked out)."""
    if text[start:end] != "2":
        return False
    if _TRIG_BRACKET_AFTER_RE.match(text, end) is not None:
        return True
    if _TRIG_AFTER_RE.match(text, end) is None:
        return False
    stop = _PRODUCT_END_RE.search(text, end, min(len(text), end + 80))
    product = text[end : stop.start() if stop else min(len(text), end + 80)]
    return len(re.findall(_TRIG, product)) >= 2


def _recalled(text: str, at: int) -> bool:
    r"""Whether the value at ``at`` is the new side of a relation that evaluates a
    trigonometric function: ``\sin 60^\circ = \frac{\sqrt{3}}{2}``, ``-\cos 45^\circ =
    -\frac{1}{\sqrt{2}}``; not a copy of it later (``P = \left(\frac{\sqrt{2}}{2}, ..``)."""
    sides = sides_around(text, at)
    return sides is not None and _TRIG_SIDE_RE.search(sides[0]) is not None


class Formulas:
    """The spans of one solution's recalled constants, by refusal (module docstring)."""

    def __init__(self, text: str) -> None:
        angles = _TRIG_CONTEXT_RE.search(text) is not None
        self.trig_values = [
            m.span() for m in _TRIG_VALUE_RE.finditer(text) if angles and _recalled(text, m.start())
        ]
        self.triangles = [m.span() for m in _SPECIAL_TRIANGLE_RE.finditer(text)]
        self.constants: set[tuple[int, int]] = set()
        for regex in _FORMULAS:
            for m in regex.finditer(text):
                for group in range(1, (regex.groups or 0) + 1):
                    if m.group(group) is not None:
                        self.constants.add(m.span(group))
        lowered = text.lower()
        for word, regex in _NAMED_FORMULAS:
            if word in lowered:
                self.constants.update(m.span(1) for m in regex.finditer(text))
        self.scaled = _decimal_digits(text) if "0." in text or "10^" in text else set()
        for m in _DISCRIMINANT_RE.finditer(text):
            for four in _DISCRIMINANT_FOUR_RE.finditer(text, m.end(), m.end() + 300):
                self.constants.add(four.span(1))
        odd_even = _ODD_EVEN_RE.search(text) is not None
        self.generic = [
            m.span(1) for m in _COEFFICIENT_TWO_RE.finditer(text) if odd_even and _generic(text, m)
        ]

    def reason(self, text: str, start: int, end: int) -> str | None:
        """The refusal of the token ``start:end``, None when it is no recalled constant."""
        if trig_coefficient(text, start, end):
            return "trig_coefficient"
        if any(s <= start and end <= e for s, e in self.trig_values):
            return "trig_value"
        if any(s <= start and end <= e for s, e in self.triangles):
            return "special_triangle"
        if (start, end) in self.constants:
            return "formula_constant"
        if (start, end) in self.generic:
            return "generic_form"
        if (start, end) in self.scaled:
            return "decimal_digits"
        return None


__all__ = ["Formulas", "trig_coefficient"]
