r"""Lists of values in a competition-maths solution: the run a value belongs to.

Solutions state several derived values together in prose or maths -- ``the primes are
$2,$ $3,$ and $5$``, ``$(2, 3, 5)$``, ``0, 13 and 26``.  Two uses need the run a value
stands in:

* an edit must not make one element of a list equal another (``(2, 3, and 5)`` ->
  ``(2, 3, and 2)``): a wrong value that duplicates a sibling reads as a typo, not as a
  computation error (:func:`list_siblings`, used by the strategy and by the check); nor
  make it equal a value the same words name elsewhere in its sentence (``zero or one
  power of 2, zero or one power of 3, and zero or one power of 5``: 5 -> 2 repeats the
  first; :func:`parallel_values`);
* the elements before an ellipsis (``1, 3, \dots, 2N - 1``, ``0, 1, 2, \ldots, 7``) show
  the pattern of a range, they are not results (:func:`before_ellipsis`).

A run is a sequence of values joined by commas or ``and``/``or`` (maths markup, ``$``,
``\text{ and }``, a sign after the comma, ``^\circ`` and ``%`` allowed around them).
"""

from __future__ import annotations

import re
from fractions import Fraction

from pairgen.strategies.math.values import VALUE_RE, match_value

# what may stand between two elements of a run: suffix, closing/opening ``$``, a comma
# or ``and``/``or`` (with an optional comma), a sign or ``\$`` of the next element
_AROUND = r"(?:\s|\$|\\[,;!: ]|~)*"
_SUFFIX = r"(?:\^\s*\{?\s*\\circ\s*\}?|\\?%)?"
_JOIN_RE = re.compile(
    _SUFFIX
    + _AROUND
    + r"(?:,"
    + _AROUND
    + r"(?:(?:and|or)\b)?|(?:and|or)\b|\\text\s*\{\s*,?\s*(?:and|or)\s*\})"
    + _AROUND
    + r"(?:-|\\\$)?"
    + _AROUND
    + r"\Z"
)
_WINDOW = 240
# ``v, item, item, \dots``: the items before an ellipsis (numbers or symbols: ``p^2``)
# one way to read each separator: with ``\s*\$?\s*`` a run of spaces could be split between
# the two ``\s*`` in as many ways as it is long, and a list of n items that is *not*
# followed by an ellipsis was retried in ~4^n ways (a 24-prime list hung a build)
_SEP = r"\s*(?:\$\s*)?,\s*(?:\$\s*)?"
_ITEM = r"-?[0-9A-Za-z][\w^{}-]{0,12}"
_ELLIPSIS_AFTER_RE = re.compile(
    r"(?:" + _SEP + _ITEM + r")*" + _SEP + r"(?:\\[lcv]?dots(?![A-Za-z])|\.\.\.|\u2026)"
)


# inside one element written as a power or a product (``2^2``, ``2\cdot 3``, ``3^{2}``)
_PART_RE = re.compile(r"(?:\s|\{|\})*(?:\^|\\cdot(?![A-Za-z])|\\times(?![A-Za-z]))(?:\s|\{)*\Z")


def _joined(gap: str, parts: bool) -> bool:
    if parts:
        return _PART_RE.match(gap) is not None or _JOIN_RE.match(gap.lstrip("}")) is not None
    return _JOIN_RE.match(gap) is not None


def run_spans(text: str, start: int, end: int, parts: bool = False) -> list[tuple[int, int]]:
    r"""Spans of the values in the run holding ``text[start:end]`` (itself included);
    with ``parts``, elements written as powers or products (``2, 3, 2^2, 5, 2\cdot 3``)
    join the run too, with every number they hold."""
    lo = max(0, start - _WINDOW)
    tokens = [m for m in VALUE_RE.finditer(text, lo, min(len(text), end + _WINDOW))]
    at = next((i for i, m in enumerate(tokens) if m.start() == start), None)
    if at is None:
        return [(start, end)]
    first = last = at
    while first > 0 and _joined(text[tokens[first - 1].end() : tokens[first].start()], parts):
        first -= 1
    while last + 1 < len(tokens) and _joined(
        text[tokens[last].end() : tokens[last + 1].start()], parts
    ):
        last += 1
    return [tokens[i].span() for i in range(first, last + 1)]


def list_siblings(text: str, start: int, end: int) -> frozenset[Fraction]:
    """Values of the other elements of the list ``text[start:end]`` stands in (unsigned):
    its run, and the values the same words name in its sentence (:func:`parallel_values`)."""
    values = set(parallel_values(text, start))
    for s, _ in run_spans(text, start, end, parts=True):
        m = VALUE_RE.match(text, s)
        if s != start and m is not None:
            values.add(match_value(m)[0])
    return frozenset(values)


# the two words before a value (``$`` and LaTeX spacing may sit between)
_PHRASE_BEFORE_RE = re.compile(r"\b([A-Za-z]+)\s+([A-Za-z]+)(?:\s|\$|\\[,;! ]|~)*\Z")
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s)|\n\s*\n")


def _phrase(text: str, lo: int, at: int) -> tuple[str, str] | None:
    m = _PHRASE_BEFORE_RE.search(text, max(lo, at - 40), at)
    return None if m is None else (m.group(1).lower(), m.group(2).lower())


def parallel_values(text: str, start: int) -> frozenset[Fraction]:
    """Values of the other places of the sentence holding the value at ``start`` that the
    same two words name: in ``zero or one power of 2, zero or one power of 3, and zero or
    one power of 5`` the 2 and 3, for the 5."""
    lo = max(
        (m.end() for m in _SENTENCE_END_RE.finditer(text, max(0, start - _WINDOW), start)),
        default=max(0, start - _WINDOW),
    )
    phrase = _phrase(text, lo, start)
    if phrase is None:
        return frozenset()
    stop = _SENTENCE_END_RE.search(text, start, min(len(text), start + _WINDOW))
    hi = stop.start() if stop else min(len(text), start + _WINDOW)
    return frozenset(
        match_value(m)[0]
        for m in VALUE_RE.finditer(text, lo, hi)
        if m.start() != start and _phrase(text, lo, m.start()) == phrase
    )


def list_values(text: str, start: int, end: int) -> list[Fraction]:
    """Values of the whole run, in order (the value itself included)."""
    out = []
    for s, _ in run_spans(text, start, end):
        m = VALUE_RE.match(text, s)
        if m is not None:
            out.append(match_value(m)[0])
    return out


def before_ellipsis(text: str, end: int) -> bool:
    """Whether the value ending at ``end`` is followed by list items and an ellipsis."""
    return _ELLIPSIS_AFTER_RE.match(text, end) is not None


__all__ = ["before_ellipsis", "list_siblings", "list_values", "parallel_values", "run_spans"]
