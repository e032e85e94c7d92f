r"""Numbers the carried tier never edits because they are notation, not carried values.

The carried tier (:mod:`pairgen.strategies.math.carried`) edits a value computed earlier
at a later use.  "The same value occurs earlier" is only evidence of that when the
earlier occurrence was a *computation*; a number that occurs again because the notation
repeats is no carried result, and editing it makes no carried-over slip (an independent
reader of 100 carried pairs, issue 20, called these wrong in kind):

* ``exponent_not_computed`` -- the exponent ``2`` or ``3`` of a number, never computed:
  the ``2`` of ``97^2 c`` mirroring ``19^2 c`` (the ``x^2`` of a quadratic evaluated at a
  number), the ``3`` of ``(2^3 - 2 - 1)`` (the polynomial's ``x^3`` at 2), the ``2`` of
  ``\pi(3^2)(10)`` (the ``r^2`` of a volume formula), ``13^2 - 5^2``.  It is a site when
  it is a number a rewrite or a step brings, when it is worked out right there -- on the
  new side of a relation between numbers only (``10\cdot 9 \cdots 1 = 2^8\cdot 3^4\cdot
  5^2\cdot 7``) -- when it is a prime's exponent in a product of numbers (``52 = 2^2\cdot
  13``, a factorisation), when the value was a result earlier (``= 2``, ``$2$ factors``)
  or when an earlier exponent of the value on a number was worked out (``2^3`` again after
  ``72 = 2^3\cdot 3^2``).  Other exponents are left to the older refusals: measured on all
  12,500 rows, a rule "an exponent whose value was never a result" removed as many
  computed exponents (``i^{23}``, ``2^{13}``, ``6^6``) as notational ones.
* ``series_term`` -- a number of a term of a written-out series: a side that holds
  ``\dotsb``/``\cdots``/``\ldots``/``\dots``/``...`` and two or more terms of the same
  shape (``\frac{9}{2^4} + \frac{11}{2^5} + \dotsb``, ``\frac{F_1}{10^3} + \dotsb``,
  ``\left(\frac{1/2}{4} - \frac{1/2}{6}\right) + \dotsb``): the number is the term's
  position, an index.  A list of bare numbers (``2, 5, 12, 29, \ldots``) lists computed
  values and is no such series.
* ``table_index`` -- the first column of a table (``tabular``, or an ``array`` ruled with
  ``\hline``): the row's index, read off.  The other columns tabulate values the solution
  works out, and stay sites.
* ``place_value`` -- a power of ten multiplying a digit variable next to a term of another
  place (the ``10`` of ``100a + 10b + c`` or of ``10a + b``; not ``10x - 10y``, not
  ``10i``).
* ``misread_thousands`` -- a token read as a thousands-grouped number right after ``^``
  or ``_`` (``(100+n^2,100+2n)``: ``2,100`` is an exponent, a comma and another number).

:mod:`pairgen.strategies.math.formulas` holds the constants of identities and formulas.
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

from pairgen.strategies.math.precision import has_variable
from pairgen.strategies.math.rewrites import REWRITE_RE, sides_around
from pairgen.strategies.math.standalone import standalone_slots
from pairgen.strategies.math.values import (
    GAP,
    MARKED_VALUE,
    NUMBER_TOKEN_RE,
    RELATION,
    TERMINATOR,
    number_value,
)

_EXPONENT_BEFORE_RE = re.compile(r"\^\s*\{?\s*-?\s*\Z")
# a number raised to the token: ``50^2``, ``(97)^{2}``, ``\sqrt{3^2}``
_NUMBER_BASE_RE = re.compile(r"(?<![0-9.A-Za-z_])([0-9]+)\)?\s*\^\s*\{?\s*\Z")
# a braced exponent the token is only a part of: ``3^{2x}``, ``2^{2k+1}``
_BRACED_EXPONENT_RE = re.compile(r"\^\s*\{\s*-?\s*\Z")
_BRACE_CLOSES_RE = re.compile(r"\s*\}")
# a factor next to a power in a product of numbers: ``\cdot 13``, ``\cdot\sqrt{2^2}``
_PRODUCT_AFTER_RE = re.compile(r"[\s}]*(?:\\cdot|\\times)\s*(?:\\sqrt\s*)?\{?\s*[0-9]")
_PRODUCT_BEFORE_RE = re.compile(r"[0-9}]\s*(?:\\cdot|\\times)\s*(?:\\sqrt\s*)?\{?\s*\Z")
# a result: after a relation, ending the expression; or after a result verb, ending it
_RESULT_RE = re.compile(RELATION + GAP + MARKED_VALUE + r"(?=" + TERMINATOR + r")")
# the coefficient of a one-term result: ``2x + 3x = 5x$``, ``= 25\pi.``, ``= 4\sqrt{3},``
_ONE_TERM_RESULT_RE = re.compile(
    RELATION
    + GAP
    + MARKED_VALUE
    + r"\s*(?:[A-Za-z]|\\pi(?![A-Za-z])|\\sqrt\s*\{?\s*[0-9]+\s*\}?)(?="
    + TERMINATOR
    + r")"
)
_PROSE_RESULT_RE = re.compile(
    r"\b(?:is|are|was|were|equals|gives|get|gets|obtain|makes)\s+(?:\$\s*)?"
    + MARKED_VALUE
    + r"(?=\s*\$?\s*(?:[.,;:]|\n|\Z))"
)
_SEPARATED_RE = re.compile(r"[,{]")
_INDEX_BEFORE_RE = re.compile(r"[\^_]\s*\{?\s*\Z")

# -- written-out series ----------------------------------------------------------------
_DOTS_RE = re.compile(r"\\(?:dotsb|dotsc|cdots|ldots|dots)(?![A-Za-z])|\.\.\.")
# what ends a side of a display: a relation (the rewrites' own), a row break, a maths
# delimiter, a paragraph
_SIDE_END_RE = re.compile(REWRITE_RE.pattern + r"|\\\\|\$|\\\[|\\\]|\n\s*\n")
# what separates the terms of a side
_TERM_SPLIT_RE = re.compile(r"[-+,]|\\(?:left|right|[Bb]igg?[lr]?)(?![A-Za-z])|[()&]")

# -- tables ----------------------------------------------------------------------------
_TABLE_START_RE = re.compile(r"\\begin\{(tabular|array)\}\s*\{[^{}]*\}")

# -- place value -----------------------------------------------------------------------
_POWER_OF_TEN = r"10+"
_DIGIT = r"\s*(?:\\cdot\s*)?[a-hj-z](?![A-Za-z])"  # a digit variable (not i), after its place
_PLACE_AFTER_RE = re.compile(_DIGIT + r"\s*[-+]\s*(?P<power>" + _POWER_OF_TEN + r")?" + _DIGIT)
_PLACE_BEFORE_RE = re.compile(
    r"(?<![0-9])(?P<power>" + _POWER_OF_TEN + r")" + _DIGIT + r"\s*[-+]\s*\Z"
)
_DIGIT_RE = re.compile(_DIGIT)


def earlier_results(text: str, cut: int) -> dict[Fraction, int]:
    """The value -> start of its first occurrence as a result before ``cut``: after a
    relation or a result verb and ending the expression (alone or as the coefficient of a
    one-term result, ``= 5x$``), or a standalone value.  A number
    a rewrite brings is no result for another token of its value: the ``2`` of ``12 =
    2\\cdot 6`` does not make the ``2`` of a later ``2m`` computed (:func:`worked_out_exponents`
    says when an earlier number of the same kind does)."""
    starts: list[tuple[int, Fraction]] = []
    for regex in (_RESULT_RE, _ONE_TERM_RESULT_RE, _PROSE_RESULT_RE):
        for m in regex.finditer(text, 0, cut):
            if m.group("num") is not None:
                starts.append((m.start("v"), number_value(m.group("num"))))
    for start, end in standalone_slots(text, cut, []):
        token = NUMBER_TOKEN_RE.fullmatch(text, start, end)
        if token is not None:
            starts.append((start, number_value(token.group())))
    first: dict[Fraction, int] = {}
    for start, value in sorted(starts):
        first.setdefault(value, start)
    return first


def is_exponent(text: str, start: int) -> bool:
    """``2^8``, ``x^{12}``, ``10^{-3}``: the token is an exponent."""
    return _EXPONENT_BEFORE_RE.search(text, max(0, start - 8), start) is not None


def worked_out_power(text: str, start: int) -> bool:
    r"""Whether the exponent at ``start`` is on the new side of a relation between numbers
    only: ``10\cdot 9 \cdots 1 = 2^8\cdot 3^4``, ``\sqrt{2^{10}} = 2^5`` -- the exponent
    is worked out right there (a factorisation, a rewrite)."""
    sides = sides_around(text, start)
    if sides is None:
        return False
    old, new = sides
    plain = (new + " " + old).replace("\\pi", " ")
    return bool(old) and re.search(r"[0-9]", old) is not None and not has_variable(plain)


def square_of_number(text: str, start: int, end: int) -> bool:
    r"""Whether the token is the exponent ``2`` or ``3`` of a number -- ``50^2``, ``97^2
    c``, ``(2^3 - 2 - 1)``, ``\pi(3^2)(10)`` -- and not of a prime power in a product of
    numbers (``5^2\cdot 2^2``, ``52 = 2^2\cdot 13``: a factorisation, worked out)."""
    if text[start:end] not in ("2", "3"):
        return False
    base = _NUMBER_BASE_RE.search(text, max(0, start - 24), start)
    if base is None:
        return False
    braced = _BRACED_EXPONENT_RE.search(text, base.end(1), start) is not None
    if braced and _BRACE_CLOSES_RE.match(text, end) is None:
        return False  # ``3^{2x}``: the exponent is more than the token
    if not _is_prime(int(base.group(1))):
        return True
    in_product = _PRODUCT_AFTER_RE.match(text, end) or _PRODUCT_BEFORE_RE.search(
        text, max(0, base.start(1) - 24), base.start(1)
    )
    return in_product is None


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))


def worked_out_exponents(
    text: str, cut: int, computed: set[tuple[int, int]]
) -> dict[Fraction, int]:
    r"""The value -> start of its first exponent on a number before ``cut`` that was worked
    out where it stands: a number a rewrite or a step brings (``computed``), or the exponent
    of a worked-out power (``72 = 2^3\cdot 3^2``, so a later ``2^3`` is computed in kind).
    A symbol's exponent a rewrite brings (the ``3`` of ``x^2(x^3 - 1)``) is notation, not a
    computed power.  Read once a solution: asked per exponent, the scan was quadratic."""
    first: dict[Fraction, int] = {}
    for m in NUMBER_TOKEN_RE.finditer(text, 0, cut):
        s, e = m.span()
        value = number_value(m.group())
        if (
            value not in first
            and _NUMBER_BASE_RE.search(text, max(0, s - 24), s) is not None
            and ((s, e) in computed or worked_out_power(text, s))
        ):
            first[value] = s
    return first


def _side(text: str, start: int, end: int) -> tuple[int, int]:
    """The side of a display around ``start:end``: between relations, row breaks and
    maths delimiters (at most 600 characters either way)."""
    lo = max(0, start - 600)
    begin = max([m.end() for m in _SIDE_END_RE.finditer(text, lo, start)], default=lo)
    after = _SIDE_END_RE.search(text, end, min(len(text), end + 600))
    return begin, after.start() if after else min(len(text), end + 600)


def _shape(term: str) -> str:
    return "".join(NUMBER_TOKEN_RE.sub("#", term).split())


def series_term(text: str, start: int, end: int) -> bool:
    """Whether the token is in a term of a written-out series (module docstring)."""
    lo, hi = _side(text, start, end)
    if _DOTS_RE.search(text, lo, hi) is None:
        return False
    cuts = [lo, *(m.start() for m in _TERM_SPLIT_RE.finditer(text, lo, hi)), hi]
    terms = list(itertools.pairwise(cuts))
    mine = next(((a, b) for a, b in terms if a <= start and end <= b), None)
    if mine is None:
        return False
    shape = _shape(text[mine[0] : mine[1]].lstrip("-+,()&"))
    if "#" not in shape or set(shape) == {"#"}:
        return False  # a bare number: a list of computed values (``2, 5, 12, 29, \ldots``)
    same = sum(_shape(text[a:b].lstrip("-+,()&")) == shape for a, b in terms)
    return same >= 2


def table_spans(text: str) -> list[tuple[int, int]]:
    r"""The bodies of the tables: every ``tabular``; an ``array`` ruled with ``\hline``.

    Each kind's next ``\end`` is looked up once and kept while it lies ahead: a regex
    ``begin .*? end`` rescans to the text's end from every unclosed ``\begin``."""
    out = []
    ends: dict[str, int] = {}
    pos = 0
    while (m := _TABLE_START_RE.search(text, pos)) is not None:
        kind = m.group(1)
        tag = "\\end{" + kind + "}"
        end = ends.get(kind, -2)
        if end != -1 and end < m.end():
            end = ends[kind] = text.find(tag, m.end())
        if end < 0:
            pos = m.end()
            continue
        if kind == "tabular" or "\\hline" in text[m.end() : end]:
            out.append((m.end(), end))
        pos = end + len(tag)
    return out


def table_index(text: str, start: int, tables: list[tuple[int, int]]) -> bool:
    """Whether the token is in the first column of a table (:func:`table_spans`): the
    row's index or label (``n``, ``k``, a case), read off, not carried.  The other columns
    hold the values the solution tabulates, often computed."""
    for body_start, body_end in tables:
        if body_start <= start < body_end:
            row = max(text.rfind("\\\\", body_start, start) + 2, body_start)
            row = max(row, text.rfind("\\hline", body_start, start) + len("\\hline"))
            return "&" not in text[row:start]
    return False


def place_value(text: str, start: int, end: int) -> bool:
    """The ``10`` of ``100a + 10b + c``, the ``10`` of ``10a + b``: a power of ten times a
    digit variable, next to a term of another place (another power of ten, or a lone digit
    variable).  ``10x - 10y`` (one place) and ``10 + 10i`` (the imaginary unit) are none."""
    token = text[start:end]
    if re.fullmatch(_POWER_OF_TEN, token) is None or _DIGIT_RE.match(text, end) is None:
        return False
    after = _PLACE_AFTER_RE.match(text, end)
    before = _PLACE_BEFORE_RE.search(text, max(0, start - 24), start)
    return any(m is not None and m.group("power") != token for m in (after, before))


def misread_thousands(text: str, start: int, end: int) -> bool:
    """``n^2,100``: a thousands-grouped token right after ``^`` or ``_`` is an exponent
    (or a subscript), a comma and another number."""
    return (
        _SEPARATED_RE.search(text, start, end) is not None
        and _INDEX_BEFORE_RE.search(text, max(0, start - 4), start) is not None
    )


__all__ = [
    "earlier_results",
    "is_exponent",
    "misread_thousands",
    "place_value",
    "series_term",
    "square_of_number",
    "table_index",
    "table_spans",
    "worked_out_exponents",
    "worked_out_power",
]
