"""Values in competition-maths text: number tokens, fractions, the final answer, [asy].

The vocabulary of the MATH intermediate-result rule (:mod:`pairgen.strategies.math.rule`):
what a *value* is (an unsigned number token, with thousands written ``1,200``,
``1,\\!200`` or ``1{,}200``, or a fraction ``\\frac{a}{b}``/``a/b``), the final
answer's values (where it starts and what it says is
:mod:`pairgen.sources.final_answer`, shared with the sources) and where Asymptote
drawings and maths regions are; the values a problem states are
:mod:`pairgen.strategies.math.given`.  Digits are the ASCII ``0``-``9`` only, as in
:mod:`pairgen.strategies.numbers`.
"""

from __future__ import annotations

import re
from fractions import Fraction
from math import gcd
from typing import NamedTuple

from pairgen.sources.final_answer import final_answer_start, final_answer_text

# Unsigned number: thousands-grouped with ",", ",\!" or "{,}" (groups of exactly three
# digits), plain, or leading dot; optional decimals.
SEP = r"(?:,\\!|\{,\}|,)"
NUMBER = rf"(?:[0-9]{{1,3}}(?:{SEP}[0-9]{{3}})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+"
_FRAC = (
    r"\\[dt]?frac\s*(?:\{\s*(?P<fn>[0-9]+)\s*\}|(?P<fn1>[0-9]))"
    r"\s*(?:\{\s*(?P<fd>[0-9]+)\s*\}|(?P<fd1>[0-9]))"
)
_SLASH = r"(?P<sn>[0-9]+)/(?P<sd>[0-9]+)"
# A value: fraction first (so "1/3" is not read as "1"), then a number.  The number must
# not run on into more digits / a decimal point (the greedy token already ate them).
_NOT_RUN_ON = r"(?![0-9]|\.[0-9])"  # a full stop after the value ends a sentence
VALUE = rf"(?P<frac>{_FRAC})|(?P<slash>{_SLASH}){_NOT_RUN_ON}|(?P<num>{NUMBER}){_NOT_RUN_ON}"
VALUE_RE = re.compile(VALUE)

# A bare number token: the digits of an integer or decimal, also inside a fraction, not
# glued to a letter (``x2``, ``a_2``) unless the letter ends an operator command
# (``19\cdot200``); the carried tier's unit of editing.
NUMBER_TOKEN_RE = re.compile(
    r"(?:(?<![0-9.A-Za-z_])|(?<=\\cdot)|(?<=\\times)|(?<=\\div))(?:"
    + NUMBER
    + r")(?![0-9]|\.[0-9])"
)

GAP = r"(?:\s|\\[,;:! ]|~)*"
SIGN = r"(?:(?:-|\\pm|\\mp)" + GAP + r")?"
CURRENCY = r"(?:\\\$" + GAP + r")?"
SUFFIX = r"(?:" + GAP + r"(?:\^\s*\{?\s*\\circ\s*\}?|\\?%))?"
# A value at a site, as every site writes it: sign, ``\$``, the value (group ``v``), suffix.
MARKED_VALUE = SIGN + CURRENCY + r"(?P<v>" + VALUE + r")" + SUFFIX
# A relation a result follows: ``=`` (not ``==``, ``<=``, ``:=``, ``!=``; but ``n!=`` is a
# factorial then ``=``), ``\approx``, ``\equiv``,
# and the inequalities ``< > \le \ge \leq \geq \lt \gt \ne \neq`` (a derived bound).
RELATION = (
    r"(?:(?:(?<![<>!:=])|(?<=[0-9)}]!))=(?!=)|(?<![<>\\-])[<>](?![<>=])"
    r"|\\(?:approx|equiv|leq?|geq?|lt|gt|neq?)(?![A-Za-z]))"
)
# What ends an expression after a value: end of text, a line break / ``\\`` / ``&`` (unless
# the expression goes on after it: ``\\ &+ 6``, ``&- 2``), ``$ \] \)``,
# punctuation, another relation, an arrow, ``\quad \text \pmod ..``, or a word.
_TERM_WORDS = (
    "end|quad|qquad|text|textrm|textbf|mbox|hbox|pmod|bmod|mod|Rightarrow|implies|"
    "Longrightarrow|rightarrow|Longleftrightarrow|iff|le|ge|leq|geq|ne|neq|approx|equiv|lt|gt"
)
_GOES_ON = r"(?:[-+*/^_!]|\\cdot|\\times|\\div)"  # an operator: the expression goes on
TERMINATOR = (
    r"(?:"
    + GAP
    + r"(?:\Z|\n(?!"
    + GAP
    + _GOES_ON
    + r")|\\\\(?!"
    + GAP
    + r"&"
    + GAP
    + r"(?:\\q?quad"
    + GAP
    + r")?"
    + _GOES_ON
    + r")|&(?!"
    + GAP
    + _GOES_ON
    + r")|\$|\\\]|\\\)|[.,;:?]|[=<>]|\\(?:"
    + _TERM_WORDS
    + r")(?![A-Za-z]))|(?:\s|\\[,;: ]|~)+[A-Za-z]{2})"
)
_ASY_RE = re.compile(r"\[asy\].*?(?:\[/asy\]|\Z)", re.DOTALL)


class Candidate(NamedTuple):
    """An intermediate result: ``solution[start:end] == text``; ``value`` is unsigned."""

    start: int
    end: int
    text: str
    value: Fraction
    kind: str  # "number" or "fraction"
    tier: int = 1  # 1: result after a relation / result verb; 2: standalone value
    # (start, end) of the GSM8K annotation result ``<<a*b=c>>`` that changes with it
    linked: tuple[int, int] | None = None


def number_value(token: str) -> Fraction:
    """Exact value of an unsigned number token (separators dropped)."""
    return Fraction(re.sub(SEP, "", token))


def match_value(m: re.Match[str]) -> tuple[Fraction, str, bool]:
    """(value, kind, usable) of a VALUE match; fractions are usable only in lowest terms."""
    if m.group("num") is not None:
        return number_value(m.group("num")), "number", True
    if m.group("frac") is not None:
        n = int(m.group("fn") or m.group("fn1"))
        d = int(m.group("fd") or m.group("fd1"))
    else:
        n, d = int(m.group("sn")), int(m.group("sd"))
    if d == 0:
        return Fraction(0), "fraction", False
    return Fraction(n, d), "fraction", d > 1 and gcd(n, d) == 1


_ANSWER_NOISE_RE = re.compile(
    r"\\\$|\\?%|\^\s*\{?\s*\\circ\s*\}?|\\(?:text|mbox|textrm)\{[^{}]*\}|\\[,;:! ]|\s|\$|\.\Z"
)


# An option letter before an answer's value: ``D) 42``, ``(C) 42``, ``Option B: 7``, ``D 300``.
_OPTION_LABEL_RE = re.compile(
    r"\s*(?:(?i:option|choice)\s*[:\-]?\s*)?(?:\(?[A-J]\)[.:]?|[A-J](?=\s+[-+$0-9])|[A-J][.:]\s*(?=[-+$0-9]))\s*"
)
# One value with a currency before it and unit words after it, bare or in brackets:
# ``Rs.6000``, ``$5``, ``42 rolls``, ``5 cm``, ``1 step/minute``, ``3% Profit``, ``10
# o'clock``, ASDiv's ``48 (days)``, ``9 (apples)``, ``7 (t-shirts)``.
_UNIT = r"[A-Za-z][A-Za-z ./'\-]*"
_VALUE_WITH_UNIT_RE = re.compile(
    r"\s*(?:Rs\.?|INR|USD|\\?\$)?\s*[-+]?(?P<value>"
    + NUMBER
    + r"|[0-9]+/[0-9]+)(?![0-9])\s*(?:\\?%)?\s*(?:\(\s*"
    + _UNIT
    + r"\)|"
    + _UNIT
    + r")?\s*\.?\s*"
)
# A percentage: ``5%``, ``19.2 \%``, ``5 percent`` (the number, group 1)
PERCENT_RE = re.compile(r"(" + NUMBER + r")\s*(?:\\?%|percent\b)", re.IGNORECASE)


def answer_values(text: str) -> list[Fraction]:
    """The values an answer text states, unsigned: one for a single value (``15``,
    ``-8``, ``\\frac{1}{2}``), each element of a tuple, list or set of values
    (``(46,2004)``, ``1, 3``); after an option label or with a currency/unit around it
    (``D) 42 rolls``, ``Rs.6000``) the one value; else none (``D``, ``2\\sqrt{3}``)."""
    label = _OPTION_LABEL_RE.match(text)
    if label is not None and label.end() > 0:
        text = text[label.end() :]
    plain = _ANSWER_NOISE_RE.sub("", text)
    plain = re.sub(r"\\left|\\right|\\[{}]|[()\[\]]", "", plain)
    items = plain.split(",") if "," in plain and VALUE_RE.fullmatch(plain) is None else [plain]
    values = []
    for item in items:
        m = VALUE_RE.fullmatch(item.lstrip("-+"))
        if m is None:
            unit = _VALUE_WITH_UNIT_RE.fullmatch(text)
            if unit is None:
                return []
            m = VALUE_RE.fullmatch(unit.group("value"))
            return [] if m is None else [match_value(m)[0]]
        values.append(match_value(m)[0])
    return values


def expression_values(text: str) -> set[Fraction]:
    """Every number an answer written as an expression holds (``(M+N)/8``: 8; ``6:\\pi``:
    6), for an answer :func:`answer_values` cannot read as values: none is edited, since
    the solution's step that computes it is the final answer's."""
    label = _OPTION_LABEL_RE.match(text)
    if label is not None and label.end() > 0:
        text = text[label.end() :]
    return {number_value(token) for token in re.findall(NUMBER, text)}


def final_answer_values(solution: str) -> list[Fraction]:
    """The final answer's values (:func:`answer_values` of what the final answer says)."""
    text = final_answer_text(solution)
    return [] if text is None else answer_values(text)


def percentages(text: str) -> list[tuple[Fraction, Fraction]]:
    """``(p, p/100)`` for every percentage ``text`` writes (``5%``: 5 and 1/20)."""
    if "%" not in text and "ercent" not in text.lower():
        return []
    found = []
    for m in PERCENT_RE.finditer(text):
        number = number_value(m.group(1))
        found.append((number, number / 100))
    return found


def percent_forms(values: set[Fraction], solution: str, answer: str | None) -> set[Fraction]:
    """The percent equivalents of a final answer's ``values``: Minerva's ``=19.2 \\%``
    before ``\\boxed{0.192}`` states the answer, as ``0.192`` does before ``\\boxed{19.2\\%}``.
    So ``p`` for a percentage ``p%`` of ``solution`` whose ``p/100`` is a value, and
    ``p/100`` for a percentage the final answer (or the stated ``answer``) writes."""
    if not values:
        return set()
    forms = {number for number, share in percentages(solution) if share in values}
    said = f"{final_answer_text(solution) or ''} {answer or ''}"
    forms |= {share for number, share in percentages(said) if number in values}
    return forms


def asy_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _ASY_RE.finditer(text)]


def inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


_MATH_ENV = r"(?:align|equation|eqnarray|gather|multline|array|aligned|split|cases)\*?"
_MATH_SPAN_RE = re.compile(
    r"\$\$.*?\$\$|(?<!\\)\$(?:\\.|[^$\\])*\$|\\\[.*?\\\]|\\\(.*?\\\)"
    r"|\\begin\{(" + _MATH_ENV + r")\}.*?\\end\{\1\}",
    re.DOTALL,
)


def math_spans(text: str) -> list[tuple[int, int]]:
    r"""(start, end) of every maths region: $..$, $$..$$, \[..\], \(..\), align/equation/... ."""
    return [(m.start(), m.end()) for m in _MATH_SPAN_RE.finditer(text)]


# Digits separated by blanks only, in maths: TeX sets ``\mathbf{6 0}`` as the one number 60
_SPACED_DIGITS_RE = re.compile(r"(?<![0-9.])[0-9]+(?:[ \t]+[0-9]+)+(?![0-9])")
# ...unless its first digit is a script or a command's argument, which takes one digit:
# ``\log_2 64`` is log base 2 of 64, ``\sin^4 20``, ``\frac 1 2`` is one half
_SCRIPT_OR_ARGUMENT_RE = re.compile(r"(?:[_^]|\\[A-Za-z]+)\s*\Z")


def spaced_digit_spans(text: str, maths: list[tuple[int, int]]) -> list[tuple[int, int]]:
    r"""(start, end) of every run of digits separated by blanks only inside a maths region
    (``19+20+21=\mathbf{6 0}``, ARML's bold answers).  Maths mode ignores the blanks, so
    the run is ONE number and none of its parts is a value of its own: editing the ``6``
    edits a digit of 60.  The rule skips the parts rather than reading the run as 60:
    a reading would make the blank a number separator everywhere the vocabulary is used
    (given values, the final answer's value, the checks), while skipping only removes
    sites, so it can never make an edit where none was."""
    if not maths:
        return []
    return [
        m.span()
        for m in _SPACED_DIGITS_RE.finditer(text)
        if any(s <= m.start() and m.end() <= e for s, e in maths)
        and _SCRIPT_OR_ARGUMENT_RE.search(text, max(0, m.start() - 40), m.start()) is None
    ]


# Tier 2, a *standalone value*: an inline maths span that holds nothing but one value


__all__ = [
    "CURRENCY",
    "GAP",
    "MARKED_VALUE",
    "NUMBER",
    "NUMBER_TOKEN_RE",
    "PERCENT_RE",
    "RELATION",
    "SEP",
    "SIGN",
    "SUFFIX",
    "TERMINATOR",
    "VALUE",
    "VALUE_RE",
    "Candidate",
    "answer_values",
    "asy_spans",
    "final_answer_start",
    "final_answer_text",
    "final_answer_values",
    "inside",
    "match_value",
    "math_spans",
    "number_value",
    "percent_forms",
    "percentages",
    "spaced_digit_spans",
]
