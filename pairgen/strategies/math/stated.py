"""The row's stated answer: no value equal to any of its elements is ever edited.

A dataset that states each row's answer apart from its solution (``--source math
--column answer=``; TheoremQA's ``Answer``, NuminaMath's ``answer``) states what the
solution must arrive at.  When that answer is a list or tuple (``[4, 2]``, ``(16, 13)``),
every element is part of the answer: TheoremQA's ``a = 4 and b = 2. Therefore, the
B-coordinate vector of x is [4, 2].`` computes both elements as results, and editing
``a = 4`` to ``a = 2`` edits the answer as surely as editing a scalar answer would.  So
each element is protected as a scalar stated answer is, wherever it stands.

Olympiad answers are often no value at all (``\\frac{9}{32} \\sqrt{2}``, ``(-1,-9),(4+2
\\sqrt{2}, 8)``, ``\\frac{1}{6} \\pi, \\frac{5}{6} \\pi``): nothing inside a place the
solution writes the answer or one of its elements is edited either (:func:`answer_spans`,
compared normalised), nor a digit of a fraction whose value is the answer
(``=\\frac{7}{8}`` before ``The answer is: $\\frac{7}{8}$``; :func:`answer_text_at`).

The rule is written once, here: the build drops such candidates
(:class:`pairgen.strategies.math.strategy.MathStrategy`) and ``pairgen validate``'s
recheck against the source row refuses a pair that edits one
(:func:`pairgen.validate.source_checks.check_maths_pair`).
"""

from __future__ import annotations

import re
from fractions import Fraction

from pairgen.strategies.math.values import VALUE_RE, answer_values, match_value

# a list or tuple answer as Python's str() and JSON write it: ", " between elements (a
# number's thousands separator has no blank after it), or "," inside brackets ("[1,100]")
_ELEMENT_SEPARATOR_RE = re.compile(r",\s+")
_BRACKETED_RE = re.compile(r"\s*[\[(].*,.*[\])]\s*\.?\s*", re.DOTALL)


def stated_values(answer: str | None) -> frozenset[Fraction]:
    """Every value the stated ``answer`` text states, unsigned: one for a scalar (``15``),
    each element of a list or tuple (``[4, 2]``: 4 and 2); none for an answer that is
    no value (an option letter, ``True``, an expression)."""
    if answer is None or not answer.strip():
        return frozenset()
    values = set(answer_values(answer))
    separator = "," if _BRACKETED_RE.fullmatch(answer) else _ELEMENT_SEPARATOR_RE
    elements = re.split(separator, answer)
    if len(elements) > 1:  # "[1, 100]": 1 and 100, not the number 1,100
        for element in elements:
            values.update(answer_values(element))
    return frozenset(values)


def stated_value_at(text: str, at: int, answer: str | None) -> str | None:
    """The value token of ``text`` that covers offset ``at`` (read as the rule reads
    values: ``4``, ``0.0259``, ``\\frac{1}{2}``), when its value is a value of the stated
    ``answer``; else ``None``.  ``pairgen validate`` asks this of the first character a
    pair changes."""
    values = stated_values(answer)
    if not values:
        return None
    for token in VALUE_RE.finditer(text):
        if token.start() > at:
            return None
        if at < token.end():
            return token.group() if match_value(token)[0] in values else None
    return None


# What two writings of one expression may differ in (:func:`_normalised`): blanks, TeX
# spacing, ``$``, ``\left``/``\right``; ``\dfrac``/``\tfrac`` are ``\frac``; braces around
# one digit (``\frac{1}{2}`` is ``\frac12``, ``\sqrt{2}`` is ``\sqrt2``).
_NORMALISE_RE = re.compile(
    r"(?P<drop>\s+|\\[,;:! ]|\\(?:left|right)(?![A-Za-z])|\$)"
    r"|(?P<frac>\\[dt]frac(?![A-Za-z]))"
    r"|(?<!\\)\{(?P<digit>[0-9])\}"
)


_DIGIT_RE = re.compile(r"[0-9]")
# a number runs on before/after an element's digits: ``160`` for ``60``, ``1.5`` for ``1``
_GLUED_BEFORE = "0123456789."
_GLUED_AFTER_RE = re.compile(r"\.?[0-9]")


def _normalised(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` normalised (``_NORMALISE_RE``), and for each of its characters the start
    and the end of the piece of ``text`` it stands for (stretches copied in slices: this
    runs once per pair in ``pairgen validate``)."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for m in _NORMALISE_RE.finditer(text):
        pieces.append(text[at : m.start()])
        starts.extend(range(at, m.start()))
        ends.extend(range(at + 1, m.start() + 1))
        kept = "\\frac" if m.group("frac") is not None else m.group("digit") or ""
        pieces.append(kept)
        starts.extend([m.start()] * len(kept))
        ends.extend([m.end()] * len(kept))
        at = m.end()
    pieces.append(text[at:])
    starts.extend(range(at, len(text)))
    ends.extend(range(at + 1, len(text) + 1))
    return "".join(pieces), starts, ends


def _elements(answer: str) -> list[str]:
    """The normalised answer, and each top-level element of a list answer (commas
    outside brackets and braces: ``\\frac16\\pi,\\frac56\\pi``; a tuple ``(-1,-9)`` is
    one element), each holding a digit.  A scalar answer that is one value (``60``,
    ``\\frac{7}{8}``) is left to the value protection (:func:`answer_text_at`), so a row
    with such an answer keeps the sites it had; a list's elements are all kept, as its
    writing may hide them from the value reader (``54,108,135`` reads as one number)."""
    text = _normalised(answer)[0].rstrip(".")
    elements, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            elements.append(text[start:i])
            start = i + 1
    if start:
        elements.append(text[start:])
    if len(answer_values(text)) != 1:
        elements.append(text)
    return [element for element in elements if _DIGIT_RE.search(element)]


def answer_spans(text: str, answer: str | None) -> list[tuple[int, int]]:
    """(start, end) of every place ``text`` writes the stated ``answer`` or an element of
    a list answer, normalised as :func:`_normalised` says (``M=\\frac{9}{32}\\sqrt2`` writes
    the answer ``\\frac{9}{32}\\sqrt{2}``), not glued to more digits: nothing inside one is
    edited, since it is the answer as the dataset states it (an expression, a tuple or a
    list element, which :func:`stated_values` reads no value of)."""
    if answer is None or not answer.strip():
        return []
    elements = _elements(answer)
    if not elements:  # a one-value answer: nothing to look for
        return []
    norm, starts, ends = _normalised(text)
    spans = []
    for element in dict.fromkeys(elements):  # a repeated element is one search
        at = norm.find(element)
        while at >= 0:
            end = at + len(element)
            # the character before, not a search from 0 (quadratic in the text's length)
            glued = (element[0].isdigit() and at > 0 and norm[at - 1] in _GLUED_BEFORE) or (
                element[-1].isdigit() and _GLUED_AFTER_RE.match(norm, end)
            )
            if not glued:
                spans.append((starts[at], ends[end - 1]))
            at = norm.find(element, at + 1)
    return sorted(set(spans))


def answer_text_at(
    text: str,
    start: int,
    end: int,
    answer: str | None,
    spans: list[tuple[int, int]] | None = None,
) -> str | None:
    """What of the stated ``answer`` ``text[start:end]`` overlaps: a value token whose
    value is one of the answer's (a fraction ``\\frac{7}{8}`` whose denominator is the
    span, or ``\\frac{28}{7}`` of the answer ``4``), or a place the answer is written
    (:func:`answer_spans`); else ``None``.  The build drops such a site and ``pairgen
    validate`` refuses a pair whose edit starts in one.  ``spans``: ``answer_spans(text,
    answer)`` when the caller has it already."""
    values = stated_values(answer)
    if values:
        for token in VALUE_RE.finditer(text):
            if token.start() >= end:
                break
            if start < token.end() and match_value(token)[0] in values:
                return token.group()
    for s, e in answer_spans(text, answer) if spans is None else spans:
        if s < end and start < e:
            return text[s:e]
    return None


__all__ = ["answer_spans", "answer_text_at", "stated_value_at", "stated_values"]
