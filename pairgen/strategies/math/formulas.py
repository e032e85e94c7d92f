r"""Constants of identities and formulas: numbers the carried tier never edits.

A number a solution copies out of an identity or a textbook formula occurs again and again
(the ``2`` of every ``2\sin x\cos x``), so the carried tier's "the same value occurs
earlier" holds for it -- but it was recalled, not computed, and editing it is no
carried-over slip.  Issue 20's reader called these constants:

* ``trig_coefficient`` -- the ``2`` in front of a trigonometric function
  (``2 \sin 2.5^\circ \cos 2.5^\circ``, the double angle; ``2\Big(\cos\frac{5\pi}{12} +
  ..\Big)``, sum-to-product);
* ``trig_value`` -- a part of a known trigonometric value in a solution about angles:
  ``\frac{\sqrt{3}}{2}``, ``\frac{\sqrt{2}}{2}``, ``\frac{1}{\sqrt{2}}``,
  ``\frac{1}{\sqrt{3}}``, ``\frac{\sqrt{3}}{3}``, ``\sqrt{3}/2`` (``\sin 60^\circ``,
  ``\cos\frac{\pi}{4}``, ...);
* ``special_triangle`` -- the ratios of the special right triangles, ``1:\sqrt{3}:2`` and
  ``1:1:\sqrt{2}``;
* ``formula_constant`` -- the ``2`` of a midpoint or an average of two
  (``\frac{3+9}{2}``, ``(x_1+x_2)/2``), the ``3`` of a centroid's third of a median
  (``BM/3``, ``\frac13 BM``), the ``2`` of the polygon angle sum ``180(n-2)``, the ``4`` of
  an equilateral triangle's area ``\frac{\sqrt{3}}{4}s^2``, the ``4`` and ``3`` of a
  sphere's ``4\pi r^2`` and ``\frac43\pi r^3``.

A value a rewrite worked out (``\sqrt{12} = 2\sqrt{3}``) is no constant when it is written
some other way; these refusals look at the form, and the forms above are the recalled ones.
"""

from __future__ import annotations

import re

_TRIG = r"\\(?:sin|cos|tan|cot|sec|csc)(?![A-Za-z])"
_TRIG_COEFFICIENT_AFTER_RE = re.compile(
    r"\s*(?:\\left\s*)?(?:\\[Bb]igg?l?\s*)?\(?\s*(?:\\[Bb]igg?l?\s*\(\s*)?" + _TRIG
)
_TRIG_CONTEXT_RE = re.compile(_TRIG + r"|\^\s*\{?\s*\\circ|\bdegrees?\b")

_ROOT2, _ROOT3 = r"\\sqrt\s*\{?\s*2\s*\}?", r"\\sqrt\s*\{?\s*3\s*\}?"
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
_SPECIAL_TRIANGLE_RE = re.compile(
    r"(?<![0-9])1\s*:\s*" + _ROOT3 + r"\s*:\s*2(?![0-9])"
    r"|(?<![0-9])1\s*:\s*1\s*:\s*" + _ROOT2
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


def trig_coefficient(text: str, start: int, end: int) -> bool:
    """The ``2`` of ``2\\sin x \\cos x`` or ``2\\Big(\\cos a + \\cos b\\Big)``."""
    return text[start:end] == "2" and _TRIG_COEFFICIENT_AFTER_RE.match(text, end) is not None


class Formulas:
    """The spans of one solution's recalled constants, by refusal (module docstring)."""

    def __init__(self, text: str) -> None:
        angles = _TRIG_CONTEXT_RE.search(text) is not None
        self.trig_values = (
            [m.span() for m in _TRIG_VALUE_RE.finditer(text)] if angles else []
        )
        self.triangles = [m.span() for m in _SPECIAL_TRIANGLE_RE.finditer(text)]
        self.constants: set[tuple[int, int]] = set()
        for regex in _FORMULAS:
            for m in regex.finditer(text):
                for group in range(1, (regex.groups or 0) + 1):
                    if m.group(group) is not None:
                        self.constants.add(m.span(group))

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
        return None


__all__ = ["Formulas", "trig_coefficient"]
