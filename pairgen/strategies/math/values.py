"""Values in competition-maths text: number tokens, fractions, the final answer, [asy].

The vocabulary of the MATH intermediate-result rule (:mod:`pairgen.strategies.math.rule`):
what a *value* is (an unsigned number token, with thousands written ``1,200``,
``1,\\!200`` or ``1{,}200``, or a fraction ``\\frac{a}{b}``/``a/b``), which values a
problem states (:func:`problem_values`), where the final answer starts (the first
``\\boxed``, ``\\fbox``, ``The answer is`` or ``####``) and where Asymptote drawings and
maths regions are.  Digits are the ASCII ``0``-``9`` only, as in
:mod:`pairgen.strategies.numbers`.
"""

from __future__ import annotations

import re
from fractions import Fraction
from math import gcd
from typing import NamedTuple

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
VALUE = rf"(?P<frac>{_FRAC})|(?P<slash>{_SLASH})(?![0-9.])|(?P<num>{NUMBER})(?![0-9]|\.[0-9])"
VALUE_RE = re.compile(VALUE)

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
_FINAL_RE = re.compile(r"\\boxed|\\fbox|The answer is|####")
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_NUMBER_WORDS.update(
    {
        w: 10 * (i + 3)
        for i, w in enumerate(["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
    }
)
_NUMBER_WORDS.update({"hundred": 100, "thousand": 1000, "million": 10**6})
_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


class Candidate(NamedTuple):
    """An intermediate result: ``solution[start:end] == text``; ``value`` is unsigned."""

    start: int
    end: int
    text: str
    value: Fraction
    kind: str  # "number" or "fraction"
    tier: int = 1  # 1: result after a relation / result verb; 2: standalone value


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


_ANY_SLASH_RE = re.compile(r"([0-9]+)/([0-9]+)")


def problem_values(problem: str) -> set[Fraction]:
    """Every value that occurs in the problem (number tokens, their fractions, number words)."""
    values: set[Fraction] = set()
    for m in VALUE_RE.finditer(problem):
        value, kind, _ = match_value(m)
        if kind == "fraction":
            values.add(value)
            for part in ("fn", "fn1", "fd", "fd1", "sn", "sd"):
                if m.group(part) is not None:
                    values.add(Fraction(int(m.group(part))))
        else:
            values.add(value)
    for m in re.finditer(NUMBER, problem):  # every token, also those glued to letters
        values.add(number_value(m.group()))
    for m in _ANY_SLASH_RE.finditer(problem):  # a quotient in code too: ``39/7.0`` in [asy]
        if int(m.group(2)):
            values.add(Fraction(int(m.group(1)), int(m.group(2))))
    for m in _WORD_RE.finditer(problem):
        values.add(Fraction(_NUMBER_WORDS[m.group(1).lower()]))
    return values


def final_answer_start(solution: str) -> int | None:
    """Offset of the first ``\\boxed``/``\\fbox``/``The answer is``/``####``; None if none."""
    m = _FINAL_RE.search(solution)
    return m.start() if m else None


_ANSWER_NOISE_RE = re.compile(
    r"\\\$|\\?%|\^\s*\{?\s*\\circ\s*\}?|\\(?:text|mbox|textrm)\{[^{}]*\}|\\[,;:! ]|\s|\$|\.\Z"
)


def final_answer_text(solution: str) -> str | None:
    """The stated final answer: the first ``\\boxed{..}``/``\\fbox{..}`` content (braces
    matched; ``\\boxed 5`` form too), else the rest of the line after ``The answer is``
    (a leading ``:`` dropped) or ``####``."""
    m = _FINAL_RE.search(solution)
    if m is None:
        return None
    i = m.end()
    if m.group().startswith("\\"):
        if solution[i : i + 1] == "{":
            depth, j = 1, i + 1
            while j < len(solution) and depth:
                depth += {"{": 1, "}": -1}.get(solution[j], 0)
                j += 1
            return solution[i + 1 : j - 1]
        return solution[i:].lstrip(" ").split(" ", 1)[0].split("$", 1)[0].strip()
    rest = solution[i:].split("\n", 1)[0]
    if "\\boxed" in rest:  # "The answer is $k = \\boxed{22}$": the boxed content
        return final_answer_text(rest[rest.index("\\boxed") :])
    return rest.lstrip(":").strip()


def final_answer_values(solution: str) -> list[Fraction]:
    """The final answer's values, unsigned: one for a single value (``\\boxed{15}``), each
    element for a tuple, list or set of values (``(46,2004)``, ``1, 3``); else none."""
    text = final_answer_text(solution)
    if text is None:
        return []
    plain = _ANSWER_NOISE_RE.sub("", text)
    plain = re.sub(r"\\left|\\right|\\[{}]|[()\[\]]", "", plain)
    items = plain.split(",") if "," in plain and VALUE_RE.fullmatch(plain) is None else [plain]
    values = []
    for item in items:
        m = VALUE_RE.fullmatch(item.lstrip("-+"))
        if m is None:
            return []
        values.append(match_value(m)[0])
    return values


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


# Tier 2, a *standalone value*: an inline maths span that holds nothing but one value


__all__ = [
    "CURRENCY",
    "GAP",
    "MARKED_VALUE",
    "NUMBER",
    "RELATION",
    "SEP",
    "SIGN",
    "SUFFIX",
    "TERMINATOR",
    "VALUE",
    "VALUE_RE",
    "Candidate",
    "asy_spans",
    "final_answer_start",
    "final_answer_text",
    "final_answer_values",
    "inside",
    "match_value",
    "math_spans",
    "number_value",
    "problem_values",
]
