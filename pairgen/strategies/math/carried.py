r"""The opt-in *carried* tier of the MATH rule: a computed value at a later use.

A careful human corrupting a solution also edits a value where it is *used*, not only
where it is stated: ``1529 = 254\cdot 6 + 5`` after ``254`` was computed, ``=648+72+30+4``,
the exponent of ``10! = 2^8\cdot 3^4\cdot 5^2\cdot 7``, the ``27`` of ``\frac{27}{9}``.
The edit then breaks the chain from the earlier line to the later one -- a carried-over
slip.  Such a site is an *operand*, which the strict rule never edits, so this tier is
opt-in (``--math-tier carried``) and used only for a row without any strict site.

A carried site is a number token (the digits of an integer or decimal; inside a fraction
the numerator or denominator on its own) such that

* the same value occurs earlier in the same solution (it was computed before it is used),
  or the token is a number a numeric rewrite brings (``= 648+72+30+4`` after ``3\cdot6^3
  + ..``: :mod:`pairgen.strategies.math.rewrites`) or an equation step brings (``2x + 3x
  = 90`` so ``5x = 90``: :mod:`pairgen.strategies.math.steps`);
* it is none of the noise a naive "value seen before" rule picks up: never 0 or 1; never
  the exponent 2 or 3 of a symbol (``BC^2``, ``(x+1)^3``); never a factorial or binomial
  argument (``5!``, ``\binom{8}{2}``, ``{8 \choose 2}``); never the base of a power (the
  ``2`` of ``2^8``, ``(2^2)^x``: a prime or a rewriting, not a carried result); never a
  value the solver chose rather than computed -- a coefficient factored out in front of a
  bracket holding a variable (the ``5`` of ``5(2x - y)``), a common factor of two terms
  (``9\cdot 21 - 9\cdot 25``, ``\frac{31\times 9}{11111\times 9}``), a root's index
  (``\sqrt[3]``, ``3\sqrt[3]{..}``), a subscript (``x_{10}``); never a label (``Step
  2``, ``(1)``, a year);
* it is no notation that merely repeats (:mod:`pairgen.strategies.math.notation`): never
  the exponent 2 or 3 of a number that was never computed (``97^2 c`` after ``19^2 c``,
  ``(2^3 - 2 - 1)``, ``\pi(3^2)(10)``) -- a prime power in a product of numbers or one
  worked out on the new side of a relation between numbers (``10\cdot 9 \cdots 1 = 2^8
  \cdot 3^4\cdot 5^2\cdot 7``) is a site; never the exponent 2 or 3 of a subscripted
  symbol (``a_1^2``); never a term of a written-out series (``\frac{11}{2^4} +
  \dotsb``), a table's index column, a place-value power of ten (``100a + 10b + c``), or
  a token misread across ``^2,100``;
* it is no constant recalled from an identity or formula
  (:mod:`pairgen.strategies.math.formulas`): the ``2`` of ``2\sin x\cos x``, a known
  trigonometric value where it is recalled (``\sin 60^\circ = \frac{\sqrt{3}}{2}``), a
  special triangle's ``1:\sqrt{3}:2``, the ``2`` of a midpoint ``\frac{3+9}{2}``, the
  ``3`` of a centroid's ``BM/3``, the ``2`` of ``180(n-2)``, the ``4`` of
  ``\frac{\sqrt{3}}{4}s^2`` or of a discriminant ``1 - 4k``, the ``2`` of a generic odd
  number ``2m + 1``;
* and, as for every tier, it is derived (not in the problem), not the final answer's
  value, before the final answer, outside ``[asy]``, and none of the values
  :mod:`pairgen.strategies.math.precision` refuses (conventions, hypotheses, labels).

The last group of conditions is applied by the rule itself; this module finds the tokens.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from fractions import Fraction

from pairgen.strategies.math.formulas import Formulas
from pairgen.strategies.math.notation import (
    earlier_results,
    is_exponent,
    misread_thousands,
    place_value,
    series_term,
    square_of_number,
    table_index,
    table_spans,
    worked_out_exponents,
    worked_out_power,
)
from pairgen.strategies.math.rewrites import rewrite_slots
from pairgen.strategies.math.standalone import LABEL_WORDS
from pairgen.strategies.math.steps import step_slots
from pairgen.strategies.math.values import (
    NUMBER_TOKEN_RE,
    VALUE_RE,
    Candidate,
    final_answer_start,
    inside,
    number_value,
)

# (a subscripted symbol too: ``a_1^2``, ``z_1^3``)
_SMALL_POWER_RE = re.compile(r"(?:[A-Za-z)}\]|]|\\[A-Za-z]+|_\s*[0-9]+)\s*\^\s*\{?\s*\Z")
_SUBSCRIPT_RE = re.compile(r"_\s*(?:\{[^{}]{0,8})?\Z")
_ROOT_INDEX_RE = re.compile(r"\\sqrt\s*\[\s*\Z")
_BEFORE_ROOT_RE = re.compile(r"\s*\\sqrt\s*\[")
_FACTORIAL_AFTER_RE = re.compile(r"\s*\}?\s*!")
_BASE_OF_POWER_RE = re.compile(r"\s*\^")
# what ends the expression a common factor is looked for in
_EXPRESSION_END_RE = re.compile(r"\$|=|\\\\|\n|\\\[|\\\]|&")
_FACTOR = r"(?:\s*(?:\\cdot|\\times|\*)\s*)"
_BINOMIAL_RE = re.compile(
    r"\\[dt]?binom\s*\{[^{}]*\}\s*\{[^{}]*\}|\{[^{}]*\\choose[^{}]*\}|\\binom\s*[0-9]{2}"
)
_BRACKET_AFTER_RE = re.compile(r"\s*(?:\\left\s*)?\(([^()]{0,240})\)")
_PREV_WORD_RE = re.compile(r"([A-Za-z]+)\W*\Z")
# the names of the carried tier's refusals (``carried_<name>`` in the rule's drops):
# kept from before issue 20's reading (``small_power`` now also of ``a_1^2``,
# ``chosen_factor`` of a bracket up to 240 characters), then notation.py and formulas.py
REFUSALS = (
    "binomial",
    "small_power",
    "subscript",
    "root_index",
    "factorial",
    "power_base",
    "chosen_factor",
    "label",
    "misread_thousands",
    "table_index",
    "series_term",
    "place_value",
    "trig_coefficient",
    "trig_value",
    "special_triangle",
    "formula_constant",
    "generic_form",
    "exponent_not_computed",
    "decimal_digits",
)


def _label(text: str, start: int, end: int, token: str) -> bool:
    """``Step 2``, an equation number ``(1)``, a year (operator words are uses here)."""
    prev = _PREV_WORD_RE.search(text, max(0, start - 20), start)
    if prev is not None and prev.group(1).lower() in LABEL_WORDS:
        return True
    # ``(1)``, not the argument of ``f(4)``
    bracketed = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
    if bracketed and re.match(r"[\w)}\]^_]", text[start - 2 : start - 1]) is None:
        return True
    return len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2099


def _chosen_factor(text: str, start: int, end: int) -> bool:
    r"""A factor the solver chose: written in front of a bracket that holds a variable
    (``5(2x - y)``), or multiplying two terms of one expression (``9\cdot 21 - 9\cdot
    25``, ``\frac{31 \times 9}{11111 \times 9}``)."""
    m = _BRACKET_AFTER_RE.match(text, end)
    inner = re.sub(r"\\[A-Za-z]+", "", m.group(1)) if m else ""
    if re.search(r"[A-Za-z]", inner) is not None:
        return True
    token = re.escape(text[start:end])
    factor = re.compile(
        r"(?<![0-9.])" + token + _FACTOR + r"|" + _FACTOR + token + r"(?![0-9]|\.[0-9])"
    )
    lo = max(0, start - 60)
    lo = max([m.end() for m in _EXPRESSION_END_RE.finditer(text, lo, start)], default=lo)
    hi = _EXPRESSION_END_RE.search(text, end, min(len(text), end + 60))
    found = factor.findall(text, lo, hi.start() if hi else min(len(text), end + 60))
    return len(found) >= 2


def _kept_reason(text: str, start: int, end: int, value: Fraction, token: str) -> str | None:
    """The refusals this tier had before issue 20's reading (module docstring), by name."""
    before = text[max(0, start - 12) : start]
    if value in (2, 3) and _SMALL_POWER_RE.search(before):
        return "small_power"
    if _SUBSCRIPT_RE.search(before):
        return "subscript"
    if _ROOT_INDEX_RE.search(before) or _BEFORE_ROOT_RE.match(text, end):
        return "root_index"
    if _FACTORIAL_AFTER_RE.match(text, end):
        return "factorial"
    if _BASE_OF_POWER_RE.match(text, end):
        return "power_base"
    if _chosen_factor(text, start, end):
        return "chosen_factor"
    if _label(text, start, end, token):
        return "label"
    return None


class _Refusals:
    """The named refusals (:data:`REFUSALS`) of one solution's number tokens; those of
    issue 20's reading (:mod:`~pairgen.strategies.math.notation`,
    :mod:`~pairgen.strategies.math.formulas`) are set up on first use."""

    def __init__(self, text: str, cut: int, computed: set[tuple[int, int]]) -> None:
        self.text = text
        self.cut = cut
        self.computed = computed
        self.binomials = [m.span() for m in _BINOMIAL_RE.finditer(text, 0, cut)]
        self._results: dict[Fraction, int] | None = None
        self._exponents: dict[Fraction, int] | None = None
        self._tables: list[tuple[int, int]] = []
        self._formulas: Formulas | None = None

    def _computed_before(self, start: int, end: int, value: Fraction) -> bool:
        """A number a rewrite or a step brings, a value that was a result before, or an
        exponent of the value worked out before."""
        if (start, end) in self.computed:
            return True
        if self._results is None:
            self._results = earlier_results(self.text, self.cut)
        first = self._results.get(value)
        if first is not None and first < start:
            return True
        if self._exponents is None:
            self._exponents = worked_out_exponents(self.text, self.cut, self.computed)
        first = self._exponents.get(value)
        return first is not None and first < start

    def reason(self, start: int, end: int) -> str | None:
        text = self.text
        token = text[start:end]
        value = number_value(token)
        if inside(start, end, self.binomials):
            return "binomial"
        kept = _kept_reason(text, start, end, value, token)
        if kept is not None:
            return kept
        if self._formulas is None:
            self._tables = table_spans(text)
            self._formulas = Formulas(text)
        if misread_thousands(text, start, end):
            return "misread_thousands"
        if table_index(text, start, self._tables):
            return "table_index"
        if series_term(text, start, end):
            return "series_term"
        if place_value(text, start, end):
            return "place_value"
        formula = self._formulas.reason(text, start, end)
        if formula is not None:
            return formula
        if (
            is_exponent(text, start)
            and square_of_number(text, start, end)
            and not worked_out_power(text, start)
            and not self._computed_before(start, end, value)
        ):
            return "exponent_not_computed"
        return None


def carried_slots(
    text: str,
    cut: int,
    asy: list[tuple[int, int]],
    strict: Iterable[Candidate],
    drops: Counter[str] | None = None,
) -> list[tuple[int, int]]:
    """Spans of the carried sites before ``cut`` (module docstring), outside [asy];
    ``drops`` counts the tokens each named refusal turned down (``carried_<name>``)."""
    computed: dict[Fraction, int] = {}
    taken = [(c.start, c.end) for c in strict]
    for m in NUMBER_TOKEN_RE.finditer(text, 0, cut):
        value = number_value(m.group())
        computed.setdefault(value, m.end())
    rewritten = set(rewrite_slots(text, cut)) | set(step_slots(text, cut))
    refusals = _Refusals(text, cut, rewritten)
    out = []
    for m in NUMBER_TOKEN_RE.finditer(text, 0, cut):
        start, end = m.span()
        value = number_value(m.group())
        since = computed.get(value)
        earlier = since is not None and since <= start
        if not (earlier or (start, end) in rewritten) or value in (0, 1):
            continue
        whole = VALUE_RE.match(text, start)
        if whole is None or whole.end() != end or whole.group("num") is None:
            continue  # the numerator of a slash fraction ``2/3``: the fraction is the value
        if inside(start, end, taken) or inside(start, end, asy):
            continue
        reason = refusals.reason(start, end)
        if reason is not None:
            if drops is not None:
                drops["carried_" + reason] += 1
            continue
        out.append((start, end))
    return out


def refusal(text: str, start: int, end: int) -> str | None:
    """The named refusal (:data:`REFUSALS`) that turns the number token ``text[start:end]``
    down as a carried site, None when none does -- for a test or a report.  A token no
    refusal names may still be no site: not seen earlier, 0 or 1, a strict site, in [asy]."""
    cut = final_answer_start(text)
    cut = len(text) if cut is None else cut
    rewritten = set(rewrite_slots(text, cut)) | set(step_slots(text, cut))
    return _Refusals(text, cut, rewritten).reason(start, end)


__all__ = ["NUMBER_TOKEN_RE", "REFUSALS", "carried_slots", "refusal"]
