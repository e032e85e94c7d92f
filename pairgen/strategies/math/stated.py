"""The row's stated answer: no value equal to any of its elements is ever edited.

A dataset that states each row's answer apart from its solution (``--source math
--column answer=``; TheoremQA's ``Answer``, NuminaMath's ``answer``) states what the
solution must arrive at.  When that answer is a list or tuple (``[4, 2]``, ``(16, 13)``),
every element is part of the answer: TheoremQA's ``a = 4 and b = 2. Therefore, the
B-coordinate vector of x is [4, 2].`` computes both elements as results, and editing
``a = 4`` to ``a = 2`` edits the answer as surely as editing a scalar answer would.  So
each element is protected as a scalar stated answer is, wherever it stands.

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


__all__ = ["stated_value_at", "stated_values"]
