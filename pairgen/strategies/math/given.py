r"""The numbers a problem states, read the ways problems write them.

A value the problem gives is never an intermediate result: editing it makes the rejected
solution disagree with the problem, not compute wrongly.  Both the ``math`` strategy
(:mod:`pairgen.strategies.math.rule`) and ``pairgen validate``
(:mod:`pairgen.strategies.math.check`) ask :func:`given_values`, so the two agree.
Values are exact and unsigned (``-5`` gives 5: a sign is never part of a value).

A problem states, besides every value token and fraction of the MATH vocabulary
(:data:`pairgen.strategies.math.values.VALUE_RE`; a fraction's parts too):

* a number glued to anything: a currency, unit or sign (``$5``, ``\$5``, ``5kg``,
  ``5%``, ``-5``, ``x5``), and after an abbreviation's dot (``Rs.6000``, ``No.7``: the
  token is 6000, not ``.6000``);
* thousands groups written any way (``1,200``, ``1,\!200``, ``1{,}200``, and the
  Indian ``1,20,000``);
* a quotient ``a/b`` anywhere, code included (``39/7.0`` in ``[asy]``), and a mixed
  number ``2 1/2`` (5/2);
* a percentage as its fraction too (``5%``, ``5 percent``: 5 and 1/20);
* number words: ``zero``..``twenty``, the tens, ``hundred``, ``thousand``, ``million``,
  compounds (``twenty-five``, ``twenty five``: 25; ``three hundred``: 300; ``five
  thousand``: 5000), ``dozen`` (12), ``half`` (1/2) and ``quarter`` (1/4), any case.

A competition-maths problem gives more, read by :func:`given_values` (the ``math`` rule and
its check; the ``arithmetic`` strategy keeps :func:`problem_values`, so GSM8K pairs stay as
they were):

* ordinals and multiplicatives: ``every sixth school day`` (6), ``a sixth``,
  ``sixths`` (1/6), ``two-thirds`` (2/3), ``twice``/``double``/``doubled`` (2),
  ``thrice``/``tripled`` (3), ``quadrupled`` (4), ``halves``, ``quarters`` (issue 20:
  ``the least common multiple of $3$, $4$, $6$, and $7$`` restates ``every sixth school
  day``).  An ordinal that only orders (``the fourth term``, ``the third side``) states
  no quantity, and ``first``/``second`` are never read;
* in a problem that asks to round (``round``, ``nearest``; not a floor or ceiling
  problem), every shorter cut of a decimal it gives that differs from the rounding at
  that place (``563.5097``: 563): ``yields either $563$ or $564$`` restates the given
  digits; a rounded value (564, and ``25.23 = 25.2``) stays a result.

:func:`given_values` reads every digit of the problem.  :func:`stated_values` leaves
out the exponents of symbols (``x^2``, ``t^{3}``, ``(x + 1)^4`` inside maths): such a digit
says how an expression is written, not a quantity, so a solution's ``x^2 = 2``, ``a = -3``
or ``= 4`` is a computed result even when the problem only has ``x^2``, ``t^3`` or
``(x + 1)^4`` (issue 20).  The rule asks it only for a value that is a whole side of a
relation (:mod:`pairgen.strategies.math.rule`): anywhere else -- a coefficient, a prose
statement (``the degree is 2``), a standalone value, a carried operand -- a value equal to
an exponent of the problem mostly restates it, and :func:`given_values` decides.  An
exponent of a number (``2^{16}``), a coefficient (``3t``) and a subscript (``z_{2002}``,
the index a problem asks about) stay stated.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from pairgen.strategies.math.values import (
    NUMBER,
    SEP,
    VALUE_RE,
    asy_spans,
    match_value,
    math_spans,
    number_value,
    percentages,
)

_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty",
]  # fmt: skip
_TENS = ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS: dict[str, Fraction] = {w: Fraction(i) for i, w in enumerate(_UNITS)}
NUMBER_WORDS.update({w: Fraction(10 * (i + 3)) for i, w in enumerate(_TENS)})
NUMBER_WORDS.update({"hundred": Fraction(100), "thousand": Fraction(1000)})
NUMBER_WORDS.update({"million": Fraction(10**6), "dozen": Fraction(12)})
NUMBER_WORDS.update({"half": Fraction(1, 2), "quarter": Fraction(1, 4)})
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6}
_TENS_WORDS = frozenset(["twenty", *_TENS])
_WORD_TOKEN_RE = re.compile(r"[A-Za-z]+")
_COMPOUND_GAP_RE = re.compile(r"[\s-]+")
_SCALED_NUMBER_RE = re.compile(
    r"(?<![0-9.,])([0-9]+(?:\.[0-9]+)?)[\s-]+(hundred|thousand|million)\b", re.IGNORECASE
)
_ANY_SLASH_RE = re.compile(r"([0-9]+)/([0-9]+)")
_MIXED_RE = re.compile(r"(?<![0-9./])([0-9]+)\s+([0-9]+)/([0-9]+)(?![0-9])")
_ABBREVIATION_RE = re.compile(r"(?<=[A-Za-z]\.)[0-9]+")
_ANY_GROUPS_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{2,3})+(?![0-9])")


def _word_values(problem: str) -> set[Fraction]:
    """Number words, compounds (``twenty-five``, ``three hundred``) and ``5 thousand``."""
    values: set[Fraction] = set()
    before: tuple[str, int] | None = None  # the previous number word and where it ended
    for m in _WORD_TOKEN_RE.finditer(problem):
        word = m.group().lower()
        value = NUMBER_WORDS.get(word)
        if value is None:
            before = None
            continue
        values.add(value)
        joined = before is not None and _COMPOUND_GAP_RE.fullmatch(problem, before[1], m.start())
        if joined and before is not None:
            prev = NUMBER_WORDS[before[0]]
            if before[0] in _TENS_WORDS and 1 <= value <= 9:
                values.add(prev + value)
            elif word in _SCALES and 1 <= prev < 100 and before[0] not in _SCALES:
                values.add(prev * _SCALES[word])
        before = (word, m.end())
    if "hundred" in problem or "thousand" in problem or "million" in problem:
        for m in _SCALED_NUMBER_RE.finditer(problem):
            values.add(Fraction(m.group(1)) * _SCALES[m.group(2).lower()])
    return values


def problem_values(problem: str) -> set[Fraction]:
    """Every value the problem states (module doc), unsigned."""
    values: set[Fraction] = set()
    for m in VALUE_RE.finditer(problem):
        value, kind, _ = match_value(m)
        values.add(value)
        if kind == "fraction":
            for part in ("fn", "fn1", "fd", "fd1", "sn", "sd"):
                if m.group(part) is not None:
                    values.add(Fraction(int(m.group(part))))
    for m in re.finditer(NUMBER, problem):  # every token, also those glued to letters
        values.add(number_value(m.group()))
    for m in _ABBREVIATION_RE.finditer(problem):
        values.add(Fraction(int(m.group())))
    for m in _ANY_GROUPS_RE.finditer(problem):
        values.add(Fraction(int(m.group().replace(",", ""))))
    for m in _ANY_SLASH_RE.finditer(problem):  # a quotient in code too: ``39/7.0`` in [asy]
        if int(m.group(2)):
            values.add(Fraction(int(m.group(1)), int(m.group(2))))
    for m in _MIXED_RE.finditer(problem):
        if int(m.group(3)):
            values.add(int(m.group(1)) + Fraction(int(m.group(2)), int(m.group(3))))
    values.update(share for _, share in percentages(problem))
    values |= _word_values(problem)
    return values


# The exponent of a symbol: a letter that is no command's (``x^2``, ``3t^{3}``), a command
# (``\\omega^7``), or a bracket whose content has a variable (``(x + 1)^4``; not
# ``(2 + 3)^2``, ``\\left(\\frac{1}{2}\\right)^3``).
_SYMBOL_POWER_RE = re.compile(
    r"(?:(?<![\\A-Za-z])[A-Za-z]|\\[A-Za-z]+|(?P<bracket>\)))\s*\^\s*"
    r"(?:\{(?P<braced>[^{}]*)\}|(?P<bare>[0-9]+))"
)
_COMMAND_RE = re.compile(r"\\[A-Za-z]+")
_DIGITS_RE = re.compile(r"[0-9]+")


def _exponent_digits(problem: str) -> list[tuple[int, int]]:
    """Spans of the digit runs that are the exponent of a symbol inside maths."""
    spans: list[tuple[int, int]] = []
    for start, end in math_spans(problem):
        for m in _SYMBOL_POWER_RE.finditer(problem, start, end):
            if m.group("bracket"):
                opened = problem.rfind("(", start, m.start())
                inner = _COMMAND_RE.sub(" ", problem[opened + 1 : m.start()])
                if opened < 0 or re.search(r"[A-Za-z]", inner) is None:
                    continue
            group = "braced" if m.group("braced") is not None else "bare"
            at = m.start(group)
            spans += [(at + d.start(), at + d.end()) for d in _DIGITS_RE.finditer(m.group(group))]
    return spans


# -- what a competition-maths problem gives besides its tokens ----------------------------
_ORDINALS = [
    "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth", "twentieth",
]  # fmt: skip
ORDINAL_WORDS: dict[str, int] = {w: i + 3 for i, w in enumerate(_ORDINALS)}
ORDINAL_WORDS.update({"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60})
ORDINAL_WORDS.update({"hundredth": 100, "thousandth": 1000})
MULTIPLICATIVE_WORDS: dict[str, Fraction] = {
    "twice": Fraction(2),
    "double": Fraction(2),
    "doubled": Fraction(2),
    "doubles": Fraction(2),
    "thrice": Fraction(3),
    "tripled": Fraction(3),
    "quadrupled": Fraction(4),
    "halves": Fraction(1, 2),
    "quarters": Fraction(1, 4),
}  # not "triple", "quadruple": an ordered triple or quadruple is a noun
_ORDINAL_RE = re.compile(
    r"\b(?:(?P<before>[A-Za-z]+)[\s-]+)?(?P<ordinal>" + "|".join(ORDINAL_WORDS) + r")"
    r"(?P<plural>s)?\b(?P<of>\s+of\b)?",
    re.IGNORECASE,
)
_MULTIPLICATIVE_RE = re.compile(r"\b(?:" + "|".join(MULTIPLICATIVE_WORDS) + r")\b", re.IGNORECASE)
_ONE_WORDS = frozenset(["a", "an", "one"])
_DECIMAL_RE = re.compile(r"(?<![0-9.])(" + NUMBER + r")")
_ROUNDING_RE = re.compile(r"\bround|\bnearest\b", re.IGNORECASE)
_FLOOR_RE = re.compile(
    r"\\[lr](?:floor|ceil)|\bgreatest\s+integer|\bfloor|\bceiling", re.IGNORECASE
)


def _ordinal_values(problem: str) -> set[Fraction]:
    """The numbers ordinals and multiplicatives state: ``every sixth day`` (6), ``a sixth
    of`` / ``sixths`` (1/6), ``two-thirds`` (2/3), ``twice`` (2).  An ordinal that orders
    (``the fourth term``, ``the third side``, ``eighth-grade``) states no quantity: read by
    hand on the MATH rows, the solution's 4, 3 or 8 there is mostly computed.  ``first``
    and ``second`` are no ordinals here at all."""
    values: set[Fraction] = set()
    for m in _ORDINAL_RE.finditer(problem):
        n = ORDINAL_WORDS[m.group("ordinal").lower()]
        before = (m.group("before") or "").lower()
        count = Fraction(1) if before in _ONE_WORDS else NUMBER_WORDS.get(before)
        if before == "every":
            values.add(Fraction(n))
        elif count is not None and count.denominator == 1 and count:
            values.add(count / n)
        elif m.group("plural") or m.group("of"):
            values.add(Fraction(1, n))
    for m in _MULTIPLICATIVE_RE.finditer(problem):
        values.add(MULTIPLICATIVE_WORDS[m.group().lower()])
    return values


def _decimal_parts(problem: str) -> set[Fraction]:
    """Every shorter cut of each decimal a rounding problem gives, where the cut and the
    rounding at that place differ (``Round 563.5097 to the nearest integer``: 563, 563.50,
    563.509): the solution's ``between 563 and 564`` restates the given digits, but
    ``25.23 = 25.2`` is the rounding asked for.  Only when the problem asks to round and
    is no floor or ceiling problem: there ``\\lfloor 14.6 \\rfloor = 14`` is the
    computation asked for."""
    if _ROUNDING_RE.search(problem) is None or _FLOOR_RE.search(problem) is not None:
        return set()
    values: set[Fraction] = set()
    for start, end in reversed(asy_spans(problem)):  # a drawing's coordinates are no data
        problem = problem[:start] + " " + problem[end:]
    for m in _DECIMAL_RE.finditer(problem):
        token = re.sub(SEP, "", m.group(1))
        if "." not in token:
            continue
        number = Decimal(token)
        with localcontext() as exact:  # a decimal of any length: quantize must not overflow
            exact.prec = len(token) + 1
            for places in range(len(token.split(".", 1)[1])):
                step = Decimal(1).scaleb(-places)
                cut = number.quantize(step, ROUND_DOWN)
                if cut != number.quantize(step, ROUND_HALF_UP):  # else the cut is the rounding
                    values.add(Fraction(cut))
    return values


def given_values(problem: str) -> set[Fraction]:
    """Every value a competition-maths problem gives (module doc): :func:`problem_values`,
    the numbers its ordinals and multiplicatives state (``every sixth school day``,
    ``twice as many``) and the cuts of its decimals (``563.5097``: 563).  The ``math``
    rule and its check ask this; the ``arithmetic`` strategy keeps :func:`problem_values`."""
    return problem_values(problem) | _ordinal_values(problem) | _decimal_parts(problem)


def stated_values(problem: str) -> set[Fraction]:
    """The values the problem states as quantities (module doc): :func:`given_values` of
    the problem without the exponents of its symbols."""
    masked = list(problem)
    for start, end in _exponent_digits(problem):
        masked[start:end] = "#" * (end - start)
    return given_values("".join(masked))


__all__ = [
    "MULTIPLICATIVE_WORDS",
    "NUMBER_WORDS",
    "ORDINAL_WORDS",
    "given_values",
    "problem_values",
    "stated_values",
]
