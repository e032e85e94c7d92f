r"""Tier-2 sites of the MATH rule: a value standing alone in an inline maths span or in prose.

Rows whose working has no ``= value`` result still state derived values on their own:
``$8$ sides``, ``$-16$ and $-8$``, ``the primes are $2,$ $3,$ $5$``, ``the remaining 8
people``.  Such a value is a site only when nothing makes it an operand or a label: no
operator or operator word next to it (``4 + 5``, ``3 times``, ``from 5``), no bracket
right after it (``$\frac{1}{2}$(base)(height)``: a factor of a product written half in
words), no label word before it (``Step 2``), not an equation number ``(1)``, not a year.
The rule that uses these sites is :mod:`pairgen.strategies.math.rule`.
"""

from __future__ import annotations

import re

from pairgen.strategies.math.values import (
    GAP,
    MARKED_VALUE,
    NUMBER,
    inside,
    math_spans,
)

# (sign, \$, ^\circ, %, a \text{unit}, a trailing punctuation mark allowed: ``$3,$``)
_UNIT = r"(?:" + GAP + r"\\(?:text|mbox|textrm)\{[^{}$]*\})?"
_STANDALONE_MATH_RE = re.compile(
    r"(?<![\\$])\$" + GAP + MARKED_VALUE + _UNIT + GAP + r"[.,;:]?" + GAP + r"\$(?!\$)"
)
_PROSE_NUMBER_RE = re.compile(
    r"(?<![\w.,!\\^_{}$/+*=<>-])(?P<v>" + NUMBER + r")(?![\w$^_/+*=<>!-]|\.[0-9]|,[0-9]|,\\!|\{,\})"
)
LABEL_WORDS = frozenset(
    [
        "step",
        "case",
        "part",
        "line",
        "equation",
        "row",
        "column",
        "figure",
        "problem",
        "rule",
        "method",
        "condition",
        "page",
        "chapter",
        "section",
        "lemma",
        "claim",
        "round",
        "stage",
        "option",
        "choice",
        "number",
    ]
)
OPERATOR_WORDS = frozenset(
    [
        "times",
        "plus",
        "minus",
        "by",
        "over",
        "divide",
        "divided",
        "multiply",
        "multiplied",
        "add",
        "adding",
        "subtract",
        "subtracting",
        "squared",
        "cubed",
        "factorial",
        "mod",
        "modulo",
        "than",
        "from",
        "to",
    ]
)
_PREV_WORD_RE = re.compile(r"([A-Za-z]+)\W*\Z")
_NEXT_WORD_RE = re.compile(r"\W{0,3}([A-Za-z]+)")


def standalone_ok(text: str, start: int, end: int, token: str) -> bool:
    """Not a label (``Step 1``), equation number ``(1)``, year, or operand word context.

    ``start:end`` is the value, or for a maths span the whole ``$..$``; ``token`` the value."""
    prev = _PREV_WORD_RE.search(text, max(0, start - 20), start)
    nxt = _NEXT_WORD_RE.match(text, end, end + 20)
    pw = prev.group(1).lower() if prev else ""
    nw = nxt.group(1).lower() if nxt else ""
    if pw in LABEL_WORDS or pw in OPERATOR_WORDS or nw in OPERATOR_WORDS:
        return False
    if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
        return False
    return not (len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2099)


_OPERATOR_BEFORE_RE = re.compile(r"[-+*/=<>^_\u00d7\u00f7]\s*\Z")
_OPERATOR_AFTER_RE = re.compile(r"\s*[-+*/=<>^_!\u00d7\u00f7]")


def touches_operator(text: str, start: int, end: int) -> bool:
    """Whether an operator sits next to ``start:end``, spaces allowed (``4 + 5``, ``7 =``),
    or a bracket right after it multiplies it (``$\\frac{1}{2}$(base)(height)``: a
    formula's coefficient, written half in words)."""
    return bool(
        _OPERATOR_BEFORE_RE.search(text, max(0, start - 4), start)
        or _OPERATOR_AFTER_RE.match(text, end, end + 4)
        or text.startswith("(", end)
    )


def standalone_slots(text: str, cut: int, asy: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of tier-2 standalone values before ``cut``, outside [asy].

    A maths span is judged from outside its ``$``s (its own sign is no operator); a prose
    number from its own edges."""
    found = []  # (value start, value end, context start, context end)
    for m in _STANDALONE_MATH_RE.finditer(text, 0, cut):
        found.append((*m.span("v"), *m.span()))
    maths = math_spans(text)  # the whole text: a span may close after the cut
    for m in _PROSE_NUMBER_RE.finditer(text, 0, cut):
        if not inside(m.start(), m.end(), maths):
            found.append((*m.span("v"), *m.span("v")))
    return [
        (s, e)
        for s, e, cs, ce in found
        if e <= cut
        and not inside(s, e, asy)
        and standalone_ok(text, cs, ce, text[s:e])
        and not touches_operator(text, cs, ce)
    ]


__all__ = ["LABEL_WORDS", "OPERATOR_WORDS", "standalone_ok", "standalone_slots", "touches_operator"]
