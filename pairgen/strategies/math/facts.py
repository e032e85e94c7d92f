r"""Facts of geometry a solution states where a result stands: ``known_fact``.

Issue 20's third hand reading (100 strict pairs drawn from all 12,500 MATH rows) found
solutions stating textbook facts right after ``=`` or ``is``, in both tiers; nobody
computed them, so an edit teaches a wrong fact, not a wrong step:

* the ratios of the special right triangles, ``1:\sqrt{3}:2`` and ``1:1:\sqrt{2}`` (the
  carried tier's ``special_triangle`` of :mod:`pairgen.strategies.math.formulas`, here for
  every tier), and the short leg ``\frac12`` of a 30-60-90 triangle in the sentence that
  names it (``Triangle $POD$ is a 30-60-90 triangle, so $DO = \frac{1}{2}$``);
* the product ``-1`` of the slopes of perpendicular lines (``the product of their slopes
  is $-1$``);
* a zero coordinate of the origin: a point of zeros named ``O`` or called the origin
  (``Let $O = (0,0)$``, ``the origin $(0,0)$``); ``the lines meet at $(0,0)$`` is found;
* ``x = 0`` / ``y = 0`` stated as what an intercept is (``The $y$-intercept of the graph
  is the point at which $x=0$``).
"""

from __future__ import annotations

import re
from fractions import Fraction

from pairgen.strategies.math.lists import list_values

ROOT2, ROOT3 = r"\\sqrt\s*\{?\s*2\s*\}?", r"\\sqrt\s*\{?\s*3\s*\}?"
# the ratios of the special right triangles (the carried tier's ``special_triangle`` too)
SPECIAL_TRIANGLE_RE = re.compile(
    r"(?<![0-9])1\s*:\s*" + ROOT3 + r"\s*:\s*2(?![0-9])"
    r"|(?<![0-9])1\s*:\s*1\s*:\s*" + ROOT2
)

_HALF = Fraction(1, 2)
_THIRTY_SIXTY = re.compile(r"30\S{0,14}?\s*-\s*\$?\s*60\S{0,14}?\s*-\s*\$?\s*90")
_SEGMENT_IS_RE = re.compile(r"\$?\s*[A-Z]{2}\s*=\s*\Z")
_SLOPES_RE = re.compile(
    r"(?:product\s+of\s+(?:[a-z]+\s+){0,3}slopes|slopes\s+(?:[a-z]+\s+){0,3}multiply\s+to)"
    r"\s+(?:is|are|must\s+be|equals?|to|=)?\s*\$?\s*(?:-|\\pm)\s*\Z",
    re.IGNORECASE,
)
_ORIGIN_BEFORE_RE = re.compile(
    r"(?:\bO\s*=|\borigin\b[^.$]{0,12}\$?)\s*(?:\\left)?\(\s*(?:0\s*,\s*)*\Z"
)
_ORIGIN_AFTER_RE = re.compile(r"[^.]{0,30}\borigin\b")
_AXIS_ZERO_RE = re.compile(r"\$?\s*[xy]\s*=\s*\Z")


def _sentence(text: str, start: int) -> str:
    """The sentence up to ``start`` (from the last full stop or line break)."""
    cut = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    return text[cut + 1 : start]


def special_ratio(text: str, start: int, end: int) -> bool:
    r"""Whether ``text[start:end]`` is a number of a special triangle's ratio."""
    window = SPECIAL_TRIANGLE_RE.finditer(text, max(0, start - 40), min(len(text), end + 40))
    return any(m.start() <= start and end <= m.end() for m in window)


def known_fact(text: str, start: int, end: int, value: Fraction) -> bool:
    """Whether the value ``text[start:end]`` states one of the module docstring's facts."""
    if special_ratio(text, start, end):
        return True
    if value == _HALF and _SEGMENT_IS_RE.search(text, max(0, start - 20), start):
        return _THIRTY_SIXTY.search(_sentence(text, start)) is not None
    if value == 1:
        return _SLOPES_RE.search(text, max(0, start - 80), start) is not None
    if value != 0:
        return False
    if _AXIS_ZERO_RE.search(text, max(0, start - 12), start):
        return re.search(r"intercept(?!s)", _sentence(text, start)) is not None
    values = list_values(text, start, end)
    if not 2 <= len(values) <= 3 or any(values):
        return False
    opening = text.rfind("(", max(0, start - 30), start)
    if opening < 0:
        return False
    if _ORIGIN_BEFORE_RE.search(text, max(0, start - 40), start):
        return True
    close = text.find(")", end)
    return close >= 0 and _ORIGIN_AFTER_RE.match(text, close + 1) is not None


__all__ = ["ROOT2", "ROOT3", "SPECIAL_TRIANGLE_RE", "known_fact", "special_ratio"]
