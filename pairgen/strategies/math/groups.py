r"""Sites of the MATH rule in a *group*: a tuple, set, interval, list or vector of values.

Competition solutions state many derived values together rather than after ``=``: a
vertex ``$(-1, -7)$``, the common multiples ``$12, 24, 36,$ and $48$``, a set
``$\{2,3,5,7\}$``, a result vector ``= \begin{pmatrix} 27 \\ 9 \end{pmatrix}``.  Every
element of a group is a value in its own right, not an operand, provided the group holds
nothing but plain values (each optionally signed, ``\$``, ``^\circ``, ``%``; an ellipsis
``\dots`` may stand among them) and the group itself is no operand:

* a bracketed group ``( )``, ``[ ]``, ``\{ \}``, ``\left( \right)``, ``pmatrix`` or
  ``bmatrix`` (never ``vmatrix``: a determinant's entries are operands) lies inside
  maths, has at least two elements, is not a function's argument list (no letter, digit
  or closing bracket right before ``(``/``[``: ``f(1,2)``, ``\gcd(12,18)``,
  ``\text{lcm}[4,6]``), and touches no operator, power or subscript on either side
  (``(1,2) + (3,4)``, ``(2,3)^T``);
* a bare list is a whole maths span ``$12, 24, 36$`` / ``$$..$$`` / ``\[..\]`` of values
  separated by commas (a trailing ``.``/``,`` inside allowed), with no operator word or
  label around it (``Step $1, 2$``).

A group right after a relation (``(m,n) = (16,13)``) is a tier-1 result; any other group
is tier 2.  Whether a value is derived, before the final answer and outside [asy] is
decided by :mod:`pairgen.strategies.math.rule` as for every other site.
"""

from __future__ import annotations

import re

from pairgen.strategies.math.standalone import standalone_ok
from pairgen.strategies.math.values import (
    GAP,
    MARKED_VALUE,
    RELATION,
    TERMINATOR,
    inside,
    math_spans,
)

_ITEM_RE = re.compile(GAP + r"(?:" + MARKED_VALUE + r"|\\[lcv]?dots(?![A-Za-z])|\.\.\.)" + GAP)
_OPEN_RE = re.compile(r"\\left\s*(?:\(|\[|\\\{)|\\\{|[(\[]|\\begin\{(?P<matrix>[pb]matrix)\}")
_CLOSE_RE = re.compile(r"\\right\s*(?:\)|\]|\\\})|\\\}|[)\]]")
_ROW_SEP_RE = re.compile(r",|&|\\\\")
_SPAN_OPEN_RE = re.compile(r"\$\$|\$|\\\[")
_SPAN_CLOSE = {"$$": r"\$\$", "$": r"\$", "\\[": r"\\\]"}
_RELATION_BEFORE_RE = re.compile(RELATION + GAP + r"\Z")
# A group is no operand: it opens an expression or an element (after a relation, a maths
# opener, ``&``, ``\\``, a comma, a bracket, ``\in``, ``\quad``, an arrow, ``\text{ and }``)
# and ends one (a terminator or a closing bracket): ``(1,2) + (3,4)``, ``A\begin{pmatrix}``,
# ``(2,3)^T`` and ``f(1,2)`` are not groups.
_BEFORE_OK_RE = re.compile(
    r"(?:"
    + RELATION
    + r"|\$|\\\[|\\\(|&|\\\\|[,;:(\[]|\\\{|\\left\s*[(\[]|\\(?:in|q?quad|Rightarrow|implies)"
    r"(?![A-Za-z])|\\text\s*\{(?:\s[^{}]*|[^{}]*\s)\}|\\begin\{[A-Za-z*]+\}|\n|^)" + GAP + r"\Z"
)
_AFTER_OK_RE = re.compile(r"(?:" + TERMINATOR + r"|" + GAP + r"(?:[)\]]|\\\}|\\right(?![A-Za-z])))")


def _items(
    text: str, pos: int, sep: re.Pattern[str], close: re.Pattern[str]
) -> tuple[list[tuple[int, int]], int, int] | None:
    """Parse ``item (sep item)* close`` from ``pos``: (value spans, item count, end)."""
    spans: list[tuple[int, int]] = []
    count = 0
    while True:
        item = _ITEM_RE.match(text, pos)
        if item is None or item.end() == pos:
            return None
        count += 1
        if item.group("v") is not None:
            spans.append(item.span("v"))
        pos = item.end()
        end = close.match(text, pos)
        if end is not None:
            return spans, count, end.end()
        more = sep.match(text, pos)
        if more is None:
            return None
        pos = more.end()


def _bracket_groups(text: str, cut: int) -> list[tuple[int, int, int]]:
    """(start, end, tier) of every element value of a bracketed group inside maths."""
    maths = math_spans(text)
    out = []
    for m in _OPEN_RE.finditer(text, 0, cut):
        if not inside(m.start(), m.end(), maths):
            continue
        if not _BEFORE_OK_RE.search(text, max(0, m.start() - 60), m.start()):
            continue
        if m.group("matrix"):
            close = re.compile(GAP + r"\\end\{" + m.group("matrix") + r"\}")
            parsed = _items(text, m.end(), _ROW_SEP_RE, close)
        else:
            parsed = _items(text, m.end(), re.compile(","), _CLOSE_RE)
        if parsed is None or parsed[1] < 2:
            continue
        spans, _, end = parsed
        if not _AFTER_OK_RE.match(text, end):
            continue
        after_relation = _RELATION_BEFORE_RE.search(text, max(0, m.start() - 60), m.start())
        tier = 1 if after_relation else 2
        out += [(s, e, tier) for s, e in spans]
    return out


def _span_lists(text: str, cut: int) -> list[tuple[int, int, int]]:
    """(start, end, 2) of every value of a maths span that is a bare list of values."""
    out = []
    for start, stop in math_spans(text):
        opener = _SPAN_OPEN_RE.match(text, start)
        if opener is None or start >= cut:
            continue
        close = re.compile(r"[.,]?" + GAP + _SPAN_CLOSE[opener.group()])
        parsed = _items(text, opener.end(), re.compile(","), close)
        if parsed is None or parsed[1] < 2 or parsed[2] != stop:
            continue
        if standalone_ok(text, start, stop, ""):
            out += [(s, e, 2) for s, e in parsed[0]]
    return out


def group_slots(text: str, cut: int, asy: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(start, end, tier) of the group elements before ``cut``, outside [asy]."""
    slots = _bracket_groups(text, cut) + _span_lists(text, cut)
    return [(s, e, t) for s, e, t in slots if e <= cut and not inside(s, e, asy)]


__all__ = ["group_slots"]
