r"""Values a reader of a competition-maths solution knows without computing them.

The solution states them where a result would stand (``\pi`` is approximately
``3.14``, ``the range of \cos\theta is [-1, 1]``), but nobody worked them out in the
solution: an edit on one teaches a wrong fact, not a wrong computation (issue 20's hand
reading of 100 strict pairs).  :class:`~pairgen.strategies.math.precision.Refusals`
asks these checks, each a reason of its own:

``constant_approximation``
    A decimal approximation of a famous constant, in any wording (``\pi \approx 3.14``,
    ``\pi is approximately 3.14``, ``e \approx 2.718``, ``\sqrt{3} \approx 1.732``): a
    decimal with at least three significant digits whose digits are the constant
    rounded or cut at its last place (:data:`CONSTANTS`), in a solution that names the
    constant (``\pi``, ``e^``, ``\sqrt{2}``, ``\ln 2``, ...: a computed ``2.30`` in a
    solution about neither ``\ln 10`` nor logarithms is a result), and ``22/7`` or
    ``355/113`` where the solution names ``\pi``.
``known_range``
    An endpoint of the range of sine or cosine: an interval ``[-1, 1]`` in a solution
    that names ``\sin``/``\cos``, the bound of ``-1 \le \cos x \le 1`` or ``|\sin x| \le
    1``, and the 1 of ``\sin^2 x + \cos^2 x = 1``.  A bound on an expression that is
    not a bare sine or cosine (``2\sin x + 1 \le 3``) is derived.
``formula_constant``
    A formula's fraction that a result only passes on: the ``\frac{1}{2}`` of
    ``\frac{1}{2}(x)(x) = \frac{1}{2}x^2``, the ``\frac{4}{3}`` of ``\frac{4}{3}\pi
    (1^3) = \frac{4}{3}\pi`` (a one-term result whose fraction coefficient leads the
    product before it: nothing was worked out on it).  ``2 \cdot 3x = 6x``, an integer
    carried through (``2\sqrt{2} \cdot \sqrt{3} = 2\sqrt{6}``) and an equation being
    solved (``\frac{4}{3}\pi r^3 = \frac{4}{3}\pi``) stay results.
``base_case``
    A fact a pattern or an identity starts from: ``0! = 1``, ``x^0 = 1``,
    ``\binom{n}{0} = 1``, and the value stated for the index 0 or 1 of a pattern (``the
    $0$th row, which has $1$ number``) in the sentence that names that index.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from pairgen.strategies.math.values import VALUE_RE

# famous constants, to 15 places: their roundings and cuts are what solutions quote, each
# with how a solution names it -- a quote is refused only where its constant is named, so
# a computed 2.30 or 1.41 in a solution about neither ln 10 nor the square root of 2 stays
_PI = r"\\pi(?![A-Za-z])|\bpi\b"
_SQRT = r"\\sqrt\s*\{?\s*{n}(?![0-9])|\u221a\s*{n}(?![0-9])|\bsquare root of {n}\b"
_LOG = r"\\(?:ln|log)(?:_\{?\s*10\s*\}?)?\s*\(?\s*{n}(?![0-9])|\blog(?:arithm)?s? (?:of )?{n}\b"
_PLACES = 15
CONSTANTS: dict[str, tuple[Decimal, re.Pattern[str]]] = {
    name: (Decimal(digits), re.compile(named))
    for name, digits, named in (
        ("pi", "3.141592653589793", _PI),
        (
            "e",
            "2.718281828459045",
            r"(?<![A-Za-z\\])e\s*\^|\$\s*e\s*\$|\\exp\b|\bEuler|\\mathrm\{e\}"
            r"|(?<![A-Za-z\\])e\s*(?:\\approx|\\sim)",
        ),
        ("sqrt2", "1.414213562373095", _SQRT.replace("{n}", "2")),
        ("sqrt3", "1.732050807568877", _SQRT.replace("{n}", "3")),
        ("sqrt5", "2.236067977499790", _SQRT.replace("{n}", "5")),
        ("golden ratio", "1.618033988749895", r"\\(?:var)?phi(?![A-Za-z])|\bgolden\b"),
        ("ln 2", "0.693147180559945", _LOG.replace("{n}", "2")),
        ("ln 10", "2.302585092994046", _LOG.replace("{n}", "10")),
        ("log10 2", "0.301029995663981", _LOG.replace("{n}", "2")),
        ("log10 3", "0.477121254719662", _LOG.replace("{n}", "3")),
        ("sqrt2 / 2", "0.707106781186548", _SQRT.replace("{n}", "2")),
        ("sqrt3 / 2", "0.866025403784439", _SQRT.replace("{n}", "3")),
    )
}
_PI_FRACTIONS = frozenset([Fraction(22, 7), Fraction(355, 113)])
_PI_RE = CONSTANTS["pi"][1]


def _places(token: str) -> int | None:
    """Decimal places of a decimal token with at least three significant digits."""
    if "." not in token:
        return None
    digits = token.replace(".", "").replace(",", "").lstrip("0")
    return len(token.split(".", 1)[1]) if len(digits) >= 3 else None


def constant_approximation(text: str, token: str, value: Fraction) -> bool:
    """Whether ``token`` (value ``value``) approximates a famous constant (module doc)."""
    if value in _PI_FRACTIONS:
        return _PI_RE.search(text) is not None
    places = _places(token)
    if places is None or places > _PLACES:
        return False  # a longer quote cannot be checked against the table's places
    quoted = Decimal(value.numerator) / Decimal(value.denominator)
    step = Decimal(1).scaleb(-places)
    return any(
        quoted in (c.quantize(step, ROUND_DOWN), c.quantize(step, ROUND_HALF_UP))
        and named.search(text) is not None
        for c, named in CONSTANTS.values()
    )


_TRIG_NAMED_RE = re.compile(r"\\(?:sin|cos)(?![A-Za-z])|\barc(?:sin|cos)\b")
# the interval [-1, 1] (or its open/half-open forms) around a value
_UNIT_INTERVAL_RE = re.compile(r"[\[(]\s*-\s*1\s*,\s*1\s*[\])]")
# a bare sine or cosine (sign, absolute bars, a power allowed), to the end of the side
_TRIG_SIDE_RE = re.compile(
    r"(?:-\s*)?(?:\\left)?\|?\s*\\(?:sin|cos)(?:\s*\^\s*\{?\s*2\s*\}?)?(?![A-Za-z])[^-+=<>|]*"
    r"(?:\\right)?\|?"
)
_SQUARE = r"\s*\^\s*\{?\s*2\s*\}?"
# sin^2 t + cos^2 t (either order, the same argument t)
_PYTHAGOREAN_RE = re.compile(
    r"\\(?P<f>sin|cos)"
    + _SQUARE
    + r"(?P<a>[^-+=<>]*)\+\s*\\(?!(?P=f))(?:sin|cos)"
    + _SQUARE
    + r"(?P<b>[^-+=<>]*)"
)


def unit_interval(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is an endpoint of an interval ``[-1, 1]`` of a
    solution that names sine or cosine."""
    lo = max(0, start - 12)
    for m in _UNIT_INTERVAL_RE.finditer(text, lo, min(len(text), end + 12)):
        if m.start() <= start and end <= m.end():
            return _TRIG_NAMED_RE.search(text) is not None
    return False


def trig_bound(side: str, inequality: bool) -> bool:
    """Whether 1 on the other side of a relation from ``side`` is a known bound or
    identity: ``\\cos x \\le 1``, ``|\\sin x| \\le 1``, ``\\sin^2 x + \\cos^2 x = 1``."""
    if inequality:
        return _TRIG_SIDE_RE.fullmatch(side.strip()) is not None
    identity = _PYTHAGOREAN_RE.fullmatch(side.strip())
    return identity is not None and identity.group("a").strip() == identity.group("b").strip()


# a side that is 1 by definition: 0!, x^0, \binom{n}{0}, \binom{n}{n}, \log_b 1 (0)
_ONE_SIDE_RE = re.compile(
    r"0\s*!|(?:[A-Za-z0-9]+|\([^()]*\)|\{[^{}]*\}|\\[A-Za-z]+)\s*\^\s*\{?\s*0\s*\}?"
    r"|\\[dt]?binom\s*\{\s*([A-Za-z0-9]+)\s*\}\s*"
    r"\{\s*(?:0|\1)\s*\}"
)
_ZERO_SIDE_RE = re.compile(r"\\(?:log|ln)(?:_\{?[A-Za-z0-9]+\}?)?\s*\(?\s*1\s*\)?")
# the index 0 or 1 of a pattern: "the $0$th row", "row 0", "the 1st term", "the zeroth"
_BASE_INDEX_RE = re.compile(
    r"(?:\$\s*[01]\s*\$\s*(?:th|st)|\b[01](?:th|st)|\bzeroth)\s+[a-z]+"
    r"|\b(?:row|term|level|stage)\s+\$?\s*[01]\b(?!\s*[-+.,]\s*[0-9])"
)


def definitional_side(side: str, value: Fraction) -> bool:
    """Whether ``side = value`` holds by definition: ``0! = 1``, ``x^0 = 1``,
    ``\\binom{n}{0} = 1``, ``\\log 1 = 0``."""
    if value == 1:
        return _ONE_SIDE_RE.fullmatch(side.strip()) is not None
    return value == 0 and _ZERO_SIDE_RE.fullmatch(side.strip()) is not None


# after a coefficient: a factor follows (``\frac{1}{2}x^2``, ``\frac{4}{3}\pi``)
_FACTOR_AFTER_RE = re.compile(r"\s*(?:[A-Za-z]|\\(?:pi|sqrt|mathbf)(?![A-Za-z]))")
_BRACKETED_RE = re.compile(r"\([^()]*\)|\{[^{}]*\}|\[[^\[\]]*\]")
_SIGN_BEFORE_RE = re.compile(r"(?:-|\\pm|\\mp)(?:\s|\\[,;! ])*\Z")
_COMMAND_RE = re.compile(r"\\(?:[dt]?frac|left|right|cdot|times|sqrt|text|mathrm)(?![A-Za-z])")


def _letters(side: str) -> set[str]:
    """The symbols of an expression: single letters and commands such as ``\\pi``."""
    side = _COMMAND_RE.sub(" ", side)
    return set(re.findall(r"\\[A-Za-z]+|[A-Za-z]", side))


def passed_coefficient(
    text: str, start: int, end: int, value: Fraction, side: str, after: str
) -> bool:
    r"""Whether the fraction coefficient ``text[start:end]`` (value ``value``) only passes
    on the leading factor of the product ``side`` before its ``=`` (``after``: the rest of
    the result): ``\frac{1}{2}(x)(x) = \frac{1}{2}x^2``, ``\frac{4}{3}\pi (1^3) =
    \frac{4}{3}\pi``.  Only a fraction, a
    formula's constant: an integer carried through a step (``2\sqrt{2}\cdot\sqrt{3} =
    2\sqrt{6}``) is part of the computed result.  Not when the sides are an equation
    being solved (a symbol of the product is gone from the result: ``\frac{4}{3}\pi r^3 =
    \frac{4}{3}\pi``), nor with a sign the product lacks."""
    if value.denominator == 1 or _FACTOR_AFTER_RE.match(text, end) is None:
        return False
    if _SIGN_BEFORE_RE.search(text, max(0, start - 8), start) is not None:
        return False
    product = side.strip()
    lead = VALUE_RE.match(product)
    if lead is None or re.sub(r"\s", "", lead.group()) != re.sub(r"\s", "", text[start:end]):
        return False  # the same fraction written the same: ``\frac{52}{24}n = \frac{13}{6}n``
    rest = product[lead.end() :]
    while True:  # drop bracketed groups: a sum inside one is still a factor
        flat = _BRACKETED_RE.sub(" ", rest)
        if flat == rest:
            break
        rest = flat
    if re.search(r"[-+]|\\pm(?![A-Za-z])", rest) is not None:
        return False
    return _letters(product[lead.end() :]) <= _letters(after)


def base_index_value(text: str, start: int, value: Fraction) -> bool:
    """Whether ``value`` (0 or 1) is stated in the sentence that names index 0 or 1 of a
    pattern (``We start with the $0$th row, which has $1$ number.``)."""
    if value not in (0, 1):
        return False
    sentence = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), 0)
    return _BASE_INDEX_RE.search(text, sentence, start) is not None


__all__ = [
    "CONSTANTS",
    "base_index_value",
    "constant_approximation",
    "definitional_side",
    "passed_coefficient",
    "trig_bound",
    "unit_interval",
]
