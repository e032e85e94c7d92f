r"""How a tier-1 result may be written around its value and still be one value.

A value right after a relation is a result when the expression ends after it
(:mod:`pairgen.strategies.math.rule`).  Three ways of writing a result put something
between the value and the end that is part of how the one result is written, not an
operation on it, so the value is still the computed number:

* **the coefficient of a one-term result**: the value, then one factor -- a letter with
  optional powers and subscripts, ``\mathbf{v}``, ``\pi``, ``\sqrt{..}``, a
  ``\mathrm{unit}`` -- then the end: ``= 25\pi$``, ``= 3\sqrt{2}.``, ``= 4a^2,``, ``=
  13.6\,\mathrm{eV}`` (spaces may stand before ``\pi``, ``\sqrt`` and a unit).  ``=
  2\sqrt{3} + 1`` stays an operand.  A product of several factors (``= 64\pi h``, ``=
  3r\sqrt{3}``, ``= 4r^2 h``) or a letter after a space inside maths (``= 3.42 x$``) is
  one only when the side before the relation holds digits and every letter of the
  product (``\pi (8^2)h = 64\pi h``, ``.83x + .96x = 1.79 x``): the coefficient is that
  side's numbers worked out.  Otherwise it is a formula's constant (``C = 2\pi r``, ``240
  = \frac{1}{2}bh``, ``GM = \frac13 BM``), not a result;
* **the mantissa of scientific notation** (``= 9.94 \times 10^{-19}``, a unit may follow):
  the mantissa (1 <= m < 10, with decimals) is the result in that format; an integer
  factor (``= 8 \cdot 10^4``) is a factorization step, an operand;
* **a numeral marked as base ten** (``= 1024_{10}``): every digit of a wrong value is a
  digit of base ten.  A numeral in another base (``= 121_3``) stays no value: a changed
  digit could be no digit of that base.
"""

from __future__ import annotations

import re

from pairgen.strategies.math.precision import side_before
from pairgen.strategies.math.values import GAP, TERMINATOR

_POWERS = r"(?:\s*[\^_]\s*(?:\{[^{}]*\}|[0-9A-Za-z]))*"
# a factor that may follow a space anywhere
_SPACED_FACTOR = (
    r"(?:\\pi(?![A-Za-z])|\\sqrt\s*(?:\[[^\]]*\])?(?:\{[^{}]*\}|[0-9])|\\mathrm\s*\{[^{}]*\})"
    + _POWERS
)
# a symbol: a letter or a bold one, with its powers and subscripts
_SYMBOL = r"(?:[A-Za-z]|\\mathbf\{[A-Za-z]\})" + _POWERS
_FACTOR = r"(?:" + GAP + _SPACED_FACTOR + r"|" + _SYMBOL + r")"
# one factor: a letter right after the value (``= 3x,``), ``\pi``/``\sqrt``/a unit after a gap
_COEFFICIENT_RE = re.compile(_FACTOR + r"(?![A-Za-z({])" + TERMINATOR)
# a product (``= 64\pi h``), or a letter after a space inside maths (``= 3.42 x$``)
_PRODUCT_RE = re.compile(
    r"(?P<factors>(?:" + _FACTOR + r"|" + GAP + _SYMBOL + r")+)(?![A-Za-z({])" + TERMINATOR
)
_NOT_LETTERS_RE = re.compile(r"\\[A-Za-z]+|[^A-Za-z]")
_MANTISSA_RE = re.compile(r"[1-9]\.[0-9]+")
_POWER_OF_TEN_RE = re.compile(
    GAP
    + r"(?:\\times|\\cdot)"
    + GAP
    + r"10\s*\^\s*(?:\{[^{}]*\}|[0-9])(?:"
    + GAP
    + r"\\(?:mathrm|text|mbox|textrm)\s*\{[^{}]*\})?"
    + TERMINATOR
)
_BASE_TEN_RE = re.compile(r"\s*_\s*(?:\{\s*10\s*\}|10(?![0-9]))" + TERMINATOR)


def written_as_one_value(text: str, value: str, end: int, relation: int, in_maths: bool) -> bool:
    """Whether the value ``value`` (a number token ending at ``end`` of ``text``, after the
    relation starting at ``relation``) is written as one of the result forms of the module
    doc; ``in_maths``: it stands inside maths."""
    if _COEFFICIENT_RE.match(text, end) is not None:
        return True
    product = _PRODUCT_RE.match(text, end)
    if product is not None and in_maths:
        side = side_before(text, relation)
        letters = set(_NOT_LETTERS_RE.sub("", product.group("factors")))
        if re.search(r"[0-9]", side) and letters <= set(_NOT_LETTERS_RE.sub("", side)):
            return True
    if _BASE_TEN_RE.match(text, end) is not None and re.fullmatch(r"[0-9]+", value):
        return True
    return (
        _MANTISSA_RE.fullmatch(value) is not None and _POWER_OF_TEN_RE.match(text, end) is not None
    )


__all__ = ["written_as_one_value"]
