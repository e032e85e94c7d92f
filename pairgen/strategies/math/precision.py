r"""Values at a result site that a careful human would still not edit.

The site rule (:mod:`pairgen.strategies.math.rule`) finds where a value is *stated* as a
result; it does not know what the value *is*.  Read by hand, MATH solutions state many
values there that nobody computed (issue 20: 13% of the strict rule's sites on MATH500),
and an edit on one of them teaches nothing about computation errors.
:class:`Refusals` names them, one reason each:

``zero_condition``
    A zero that states a condition: the right side of an equation in standard form (``x^2
    - 7x + 1 = 0``, ``(n - 1)(n + 2) = 0``, ``f(x) - g(x) = 0``: a variable and an operator
    on the other side), a zero stated in prose (``approach 0``, ``must not be $0$``), a
    zero coordinate of a point (the y-intercept ``(0, -7)``) and a unit vector ``(1, 0)``;
    likewise the 1 of a conic in standard form (``\frac{x^2}{4} - \frac{y^2}{4} = 1``).
    ``F_6 \equiv 0``, ``q(2) = 0``, ``4 - 4 = 0`` and a matrix entry stay results.
``convention_constant``
    A value fixed by convention, not by the problem: 90, 180 and 360 in a solution that
    measures angles in degrees; 60 degrees in an equilateral triangle; a ``30-60-90`` /
    ``45-45-90`` triangle's name; a unit fact (``24 hours in a day``, ``60 minutes``, ``7
    days``, ``12 months``, ``365 days``, ``1 hour = 60 minutes``); ``100%``; ``\pi \approx
    3.14``; AM-GM's term count (``\ge 4 \sqrt[4]{abcd}``); a trigonometric table value
    (``\cos 60^\circ = \frac12``); a power of the imaginary unit (``i^2 = -1``); base
    ten (``base 10``); a modulus (``modulo 100``).
``chosen_bound``
    A bound the end of a computation is compared with (``1.3 + 1.6 + 1 = 3.9 < 4``): the
    solver chose it to compare against.  A bound on an expression in a variable (``13x <
    27``) and a sandwich (``4 < \sqrt{20} < 5``) are derived.
``hypothesis_value``
    A value the solver supposes or tries, not derives: the value of ``If $k = 5$``,
    ``Suppose``, ``Let $x = 2$``, ``Setting $x = 1$``, ``Trying $x = 1$, $x = 2$``,
    ``Plugging in $n = 8$``, ``for example``, ``Using $T = 8$``, ``in the special case
    $n = 5$``, a sentence-initial ``When $n = 3$``, and in prose ``suppose one side is 3``,
    ``let the number be 5``; also a supposed bound, ``If $d \le 21$``, ``Assuming $a \ne
    2$``, ``When $b \le 2$`` (on all 12,500 MATH rows it removed 17 strict pairs: 16 case
    bounds, and ``if and only if $x > \frac{2}{3}$``, a derived solution -- so ``if and only
    if`` states no supposition).
``label``
    A label or index: the elements of a list before an ellipsis (the start of a range
    ``0, 1, 2, \dots, 7``), an enumeration (``person 1 ... person 2``: a word followed by
    both 1 and 2 in the solution), a list that counts ``1, 2, 3`` (or ``0, 1, 2``).
``repeating_decimal``
    The integer part of a repeating decimal (``0.\overline{461538}``).

A second hand reading of 100 strict pairs drawn from all 12,500 MATH rows (issue 20) found
more kinds; each is a reason of its own, written in the module that knows the kind:

``constant_approximation``, ``known_range``, ``formula_constant``, ``base_case``
    Values a reader knows without computing (:mod:`pairgen.strategies.math.known`):
    ``\pi`` is approximately ``3.14`` in any wording, ``e \approx 2.718``; the range
    ``[-1, 1]`` of ``\cos\theta``; the ``\frac{1}{2}`` a one-term result passes on from
    the product before it (``\frac{1}{2}(x)(x) = \frac{1}{2}x^2``); ``0! = 1``, ``x^0 =
    1`` and the value of a pattern's index 0 (``the $0$th row, which has $1$ number``).
``known_fact``
    A fact of geometry (:mod:`pairgen.strategies.math.facts`): a special triangle's ratio
    ``1:\sqrt{3}:2``, the product ``-1`` of perpendicular slopes, the origin ``(0,0)``,
    ``x = 0`` as what a y-intercept is.
``named_number``, ``option_value``
    Numbers that name rather than state (:mod:`pairgen.strategies.math.naming`): ``zero or
    one power of $5$``, ``a multiple of 7``; an element of the options a variable ranges
    over (``$b = 0,$ $2,$ $4,$ $6,$ or $8.$``).

A number the problem states in words (``every sixth school day``, ``twice``) or a cut of
one of its decimals (``563`` of ``563.5097``) is given, not refused: the rule reads it with
:func:`pairgen.strategies.math.given.given_values`.  A wrong value never equals another
element of its list, nor a value the same words name in its sentence
(:func:`pairgen.strategies.math.lists.list_siblings`).
"""

from __future__ import annotations

import re
from fractions import Fraction

from pairgen.strategies.math.facts import known_fact
from pairgen.strategies.math.known import (
    base_index_value,
    constant_approximation,
    definitional_side,
    passed_coefficient,
    trig_bound,
    unit_interval,
)
from pairgen.strategies.math.lists import before_ellipsis, list_values
from pairgen.strategies.math.naming import named_number, option_value
from pairgen.strategies.math.values import NUMBER, RELATION, math_spans, number_value

_DEGREE = r"\s*(?:\^\s*\{?\s*\\circ\s*\}?|\u00b0|\s*degrees?\b)"
_DEGREE_VALUE_RE = re.compile(r"(?<![0-9.])(" + NUMBER + r")" + _DEGREE)
_RIGHT_ANGLES = frozenset(Fraction(v) for v in (90, 180, 360))
_ANGLE_WORDS_RE = re.compile(r"\\circ|\bdegrees?\b|\bangles?\b|\\angle")
# a triangle named by its angles: 30-60-90, $30^\circ$-$60^\circ$-$90^\circ$, 45-45-90
_ANGLE_SEP = r"(?:\^\s*\{?\s*\\circ\s*\}?)?\s*\$?\s*-\s*\$?\s*"
_TRIANGLE_RE = re.compile(
    r"(?:30" + _ANGLE_SEP + r"60|45" + _ANGLE_SEP + r"45)" + _ANGLE_SEP + "90"
)
_UNIT_WORD = r"(?:\s|\\[,;! ]|~)*(?:\\(?:text|mbox|textrm|mathrm)\s*\{\s*)?"
_UNIT_FACTS = {
    24: "hours?",
    60: "(?:minutes?|seconds?)",
    7: "days?",
    12: "(?:months?|inches)",
    365: "days?",
    3600: "seconds?",
    52: "weeks?",
}
_PER = r"\s*\}?\s*(?:in|per)\s+(?:a|an|one|each|every|the)?\s*(?:day|hour|minute|week|year|foot)"
_ONE_UNIT_BEFORE_RE = re.compile(
    r"(?:\b1|\bone|\ban?|\beach|\bevery)\s*(?:\\text\s*\{\s*)?(?:day|hour|minute|week|year|foot)"
    r"s?\s*\}?\s*(?:=|\bis\b|\bhas\b|\bequals\b|\bcontains\b)\s*\$?\s*\Z"
)
_PERCENT_RE = re.compile(r"\s*(?:\\?%|\s*percent\b)")
# a modulus (``modulo 100``, ``\pmod{23}``); base ten (another base is a given)
_MODULUS_BEFORE_RE = re.compile(r"(?:\b(?:modulo|mod)\s*\$?|\\[pb]?mod\s*\{?)\s*\Z")
_BASE_BEFORE_RE = re.compile(r"\bbase\s*\$?\s*\Z")
_TRIG_RE = re.compile(
    r"\\(?:sin|cos|tan|cot|sec|csc)\s*\(?\s*(?:0|30|45|60|90|180|270|360)\s*"
    r"(?:\^\s*\{?\s*\\circ\s*\}?)?\s*\)?\s*\Z"
)
_CONSTANT_SIDE_RE = re.compile(r"\s*(?:\\pi|e|i\s*\^\s*(?:\{\s*-?[0-9]+\s*\}|[0-9]))\s*\Z")
_OVERLINE_AFTER_RE = re.compile(r"\.?\s*\\overline")
_SQUARED_VARIABLE_RE = re.compile(r"[A-Za-z]\)?\s*\^\s*\{?\s*2(?![0-9])")
_INEQUALITY_RE = re.compile(r"[<>]|\\(?:leq?|geq?|lt|gt)(?![A-Za-z])")
# the ``n`` of AM-GM's ``n \sqrt[n]{..}``: the number of terms, not a result
_ROOT_COUNT_RE = re.compile(r"(?:\s|\\[,;! ]|~)*\\sqrt\s*\[\s*([0-9]+)\s*\]")

# -- sides of a relation ---------------------------------------------------------------
# What ends an expression side: a maths opener/closer, a line or row break, another
# relation, an arrow, ``\quad``, a ``\text{..}``, punctuation then a space.
_BOUNDARY_RE = re.compile(
    r"\$|\\\[|\\\(|\\\]|\\\)|\\\\|\n|\\q?quad(?![A-Za-z])"
    r"|\\(?:Rightarrow|implies|iff|Longrightarrow)(?![A-Za-z])|\\text\s*\{[^{}]*\}|\\begin\{[^{}]*\}|\\end\{[^{}]*\}|[,;:](?=\s)|\.(?=\s)|"
    + RELATION
)
_RELATION_END_RE = re.compile(
    r"(?:" + RELATION + r")(?:\s|\\[,;! ]|~)*(?:-|\\pm)?(?:\s|\\[,;! ]|~)*\Z"
)
_RELATION_START_RE = re.compile(r"(?:\s|\\[,;! ]|~)*&?(?:\s|\\[,;! ]|~)*(?:" + RELATION + r")")
_NOT_VARIABLES_RE = re.compile(
    r"\\(?:begin|end|text|mbox|textrm|mathrm|operatorname)\s*\{[^{}]*\}"
    r"|\\(?:cdot|times|div|[dt]?frac|left|right|sqrt|pm|mp|circ|[lcv]?dots|q?quad)(?![A-Za-z])"
    r"|\\[,;!: ]"
)
_UNIT_MARKUP_RE = re.compile(r"\\(?:text|mbox|textrm|mathrm)(?![A-Za-z])")
_OPERATOR_RE = re.compile(r"(?<=\S)\s*[-+^/]|\)\s*\(|\\(?:cdot|times|div|[dt]?frac)(?![A-Za-z])")


def side_before(text: str, rel: int) -> str:
    """The expression left of the relation starting at ``rel`` (align ``&`` dropped)."""
    lo = max(0, rel - 240)
    last = lo
    for m in _BOUNDARY_RE.finditer(text, lo, rel):
        if m.end() <= rel:
            last = m.end()
    side = text[last:rel].rstrip()
    side = side[:-1] if side.endswith("&") else side
    return side.rsplit("&", 1)[-1].strip()


def side_after(text: str, rel_end: int) -> str:
    """The expression right of a relation ending at ``rel_end``."""
    m = _BOUNDARY_RE.search(text, rel_end, min(len(text), rel_end + 240))
    return text[rel_end : m.start() if m else min(len(text), rel_end + 240)].strip().rstrip(".,;")


def has_variable(side: str) -> bool:
    return re.search(r"[A-Za-z]", _NOT_VARIABLES_RE.sub(" ", side)) is not None


def has_operator(side: str) -> bool:
    return _OPERATOR_RE.search(side.lstrip(" -")) is not None


def numeric_computation(side: str) -> bool:
    """Whether ``side`` is an operation on numbers only (``3 + 4``, ``2\\cdot 12``, ``4!``);
    a unit (``1 \\mbox{ mile}^2``) makes it a stated fact, not a computation."""
    return (
        re.search(r"[0-9]", side) is not None
        and _UNIT_MARKUP_RE.search(side) is None
        and not has_variable(side)
        and (has_operator(side) or "!" in side or "\\sqrt" in side)
    )


# -- hypothesis values -----------------------------------------------------------------
_HYPOTHESIS_RE = re.compile(
    r"(?:\b(?:(?<!only\s)[Ii]f|[Ss]uppose|[Ss]upposing|[Aa]ssume|[Aa]ssuming|[Ll]et|[Ll]etting|[Ss]etting"
    r"|[Tt]rying|[Tt]ry|[Pp]lugging\s+in|[Ss]ubstituting|[Tt]aking|[Ff]or\s+example"
    r"|[Ff]or\s+instance|e\.g\.|special\s+case|[Uu]sing)|(?:\A|[.!?]\s+|\n\s*)When)"
    r"(?:\s+[a-z]+){0,2}\s*,?\s*(?:(?:\$[^$]{1,40}\$|\\\([^$]{1,40}?\\\))\s*,?\s*(?:and\s+|or\s+)?)*\Z"
)
# the same outside $...$: a hypothesis word, then within its clause only assignments of
# single letters to values ("if x = -2 and y = ", "consider a = 3, b = ")
_PROSE_HYPOTHESIS_RE = re.compile(
    r"\b(?:[Ii]f|[Ss]uppose|[Aa]ssume|[Cc]onsider|[Ll]et|[Ww]hen|[Ss]ay)\b[^.!?\n=]{0,60}?"
    r"\b[A-Za-z]\s*=\s*-?(?:[0-9.]+\s*(?:,|and|or)\s*[A-Za-z]\s*=\s*-?)*\Z"
    # or a supposition in words: "suppose one side is 3", "let the number be 5"
    r"|\b(?:[Ss]uppose|[Aa]ssume|[Ss]ay|[Ll]et)\b[^.!?\n=$]{0,60}?\b(?:is|are|be)\s*\Z"
)
# a symbol, its subscript or argument, or its absolute value (``If $|z| = 0$``)
_SYMBOL = (
    r"(?:\|\s*)?(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?[A-Za-z0-9]+\}?)?(?:\([A-Za-z0-9]\))?(?:\s*\|)?"
)
# the last relation may be a bound: "If $d \le 21$" supposes a bound as "If $k = 5$" a value
_RELATION = r"(?:=|<|>|\\(?:leq?|geq?|neq?|lt|gt)(?![A-Za-z]))"
_ASSIGNED_RE = re.compile(
    r"(?:\$|\\\()\s*"
    + _SYMBOL
    + r"\s*(?:=\s*"
    + _SYMBOL
    + r"\s*)*"
    + _RELATION
    + r"\s*(?:-|\\pm)?\s*\Z"
)

# reject reasons of a row whose every site :class:`Refusals` refused, by refusal
REFUSED = {
    "zero_condition": "only_zero_conditions",
    "chosen_bound": "only_chosen_bounds",
    "convention_constant": "only_convention_constants",
    "hypothesis_value": "only_hypothesis_values",
    "label": "only_labels",
    "repeating_decimal": "only_repeating_decimals",
    "constant_approximation": "only_constant_approximations",
    "known_range": "only_known_ranges",
    "formula_constant": "only_formula_constants",
    "base_case": "only_base_cases",
    "named_number": "only_named_numbers",
    "option_value": "only_option_values",
    "known_fact": "only_known_facts",
}

# words a number follows without being indexed by them (verbs, function words)
_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "and or the is are was were be being been of to by than from with in on at for as has "
        "have get gets got only all each every exactly about then so total least most first "
        "last just plus minus times over into its their this that these those which where "
        "when while both either number numbers equals equal gives giving yields becomes "
        "obtain makes leaves leaving remainder remainders",
    )
)
_PREV_WORD_RE = re.compile(r"\b([A-Za-z]{3,})\s*\$?\s*\Z")


class Refusals:
    """Why a value of one solution is no result to edit (module docstring), if it is not."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.degrees = {number_value(m.group(1)) for m in _DEGREE_VALUE_RE.finditer(text)}
        self.angles = bool(self.degrees) or _ANGLE_WORDS_RE.search(text) is not None
        self.equilateral = "equilateral" in text
        self.triangles = [m.span() for m in _TRIANGLE_RE.finditer(text)]
        self.maths = math_spans(text)
        self._indexed: dict[str, bool] = {}

    def reason(self, start: int, end: int, value: Fraction, group: int = 0) -> str | None:
        """The refusal reason of ``text[start:end]`` (value ``value``), None if editable.

        ``group``: 1 when the value is an element of a group right after a relation
        (``(m, n) = (0, 5)``), 2 of any other group or list (a point ``(0, -7)``), else 0."""
        text = self.text
        if _OVERLINE_AFTER_RE.match(text, end):
            return "repeating_decimal"
        if self._is_convention(start, end, value):
            return "convention_constant"
        if group == 2 and value in (0, 1) and self._unit_point(start, end, value):
            return "convention_constant" if value else "zero_condition"
        if value == 0 and not group and self._zero_condition(start, end):
            return "zero_condition"
        if value == 1 and not group and self._conic_one(start):
            return "zero_condition"
        if not group and self._chosen_bound(start):
            return "chosen_bound"
        if self._is_hypothesis(start):
            return "hypothesis_value"
        if self._is_label(start, end):
            return "label"
        return self._known_or_named(start, end, value)

    # -- the reasons -------------------------------------------------------------------
    def _known_or_named(self, start: int, end: int, value: Fraction) -> str | None:
        """The reasons of :mod:`~pairgen.strategies.math.known` and
        :mod:`~pairgen.strategies.math.naming` (issue 20's second hand reading)."""
        text = self.text
        if constant_approximation(text, text[start:end], value):
            return "constant_approximation"
        if known_fact(text, start, end, value):
            return "known_fact"
        before = _RELATION_END_RE.search(text, max(0, start - 40), start)
        side = side_before(text, before.start()) if before is not None else None
        inequality = before is not None and _INEQUALITY_RE.match(text, before.start()) is not None
        if value == 1 and self._known_range(start, end, side, inequality):
            return "known_range"
        equals = before is not None and text.startswith("=", before.start())
        if (
            equals
            and side is not None
            and passed_coefficient(text, start, end, value, side, side_after(text, end))
        ):
            return "formula_constant"
        if (equals and side is not None and definitional_side(side, value)) or (
            base_index_value(text, start, value)
        ):
            return "base_case"
        if named_number(text, start, end):
            return "named_number"
        if option_value(text, start, end):
            return "option_value"
        return None

    def _known_range(self, start: int, end: int, side: str | None, inequality: bool) -> bool:
        """An endpoint of sine's and cosine's range: ``[-1, 1]``, ``\\cos x \\le 1``."""
        if unit_interval(self.text, start, end):
            return True
        if side is not None:
            return trig_bound(side, inequality)
        after = _RELATION_START_RE.match(self.text, end)
        if after is None or _INEQUALITY_RE.search(after.group()) is None:
            return False
        return trig_bound(side_after(self.text, after.end()), True)

    def _is_convention(self, start: int, end: int, value: Fraction) -> bool:
        text = self.text
        if value in _RIGHT_ANGLES and self.angles:
            return True
        if value == 60 and self.equilateral and value in self.degrees:
            return True
        if any(s <= start and end <= e for s, e in self.triangles):
            return True
        unit = _UNIT_FACTS.get(int(value)) if value.denominator == 1 else None
        if unit is not None:
            m = re.compile(_UNIT_WORD + unit + r"\b").match(text, end)
            if m and (re.match(_PER, text[m.end() :]) or _ONE_UNIT_BEFORE_RE.search(text[:start])):
                return True
        if value == 100 and _PERCENT_RE.match(text, end):
            return True
        root = _ROOT_COUNT_RE.match(text, end)
        if root is not None and Fraction(int(root.group(1))) == value:
            return True
        before = text[max(0, start - 40) : start]
        if _MODULUS_BEFORE_RE.search(before) or (value == 10 and _BASE_BEFORE_RE.search(before)):
            return True
        rel = _RELATION_END_RE.search(before)
        if rel is not None:
            side = side_before(text, start - len(before) + rel.start())
            if _CONSTANT_SIDE_RE.fullmatch(side) or _TRIG_RE.search(side + " "):
                return True
        after = _RELATION_START_RE.match(text, end)
        if after is None:
            return False
        return _TRIG_RE.search(side_after(text, after.end()) + " ") is not None

    def _zero_condition(self, start: int, end: int) -> bool:
        text = self.text
        before = text[max(0, start - 40) : start]
        rel = _RELATION_END_RE.search(before)
        if rel is not None:
            rel_at = start - len(before) + rel.start()
            if not text.startswith("=", rel_at):
                return False
            side = side_before(text, rel_at)
            return has_variable(side) and has_operator(side)
        after = _RELATION_START_RE.match(text, end)
        if after is not None:
            if "=" not in after.group():
                return False
            side = side_after(text, after.end())
            return has_variable(side) and has_operator(side)
        # a zero in prose (``approach 0``, ``must not be $0$``), unless one of a list
        return len(list_values(text, start, end)) < 2

    def _conic_one(self, start: int) -> bool:
        r"""The 1 of a conic in standard form: ``\frac{x^2}{4} - \frac{y^2}{9} = 1``."""
        rel = _RELATION_END_RE.search(self.text, max(0, start - 40), start)
        if rel is None or not self.text.startswith("=", rel.start()):
            return False
        side = side_before(self.text, rel.start())
        return len(_SQUARED_VARIABLE_RE.findall(side)) >= 2

    def _chosen_bound(self, start: int) -> bool:
        r"""A bound a number is compared with (``= 3.9 < 4``, ``\frac{4}{12 + 2\sqrt{35}}
        < 1``): the solver picked it; a bound on a variable (``13x < 27``) is derived."""
        rel = _RELATION_END_RE.search(self.text, max(0, start - 40), start)
        if rel is None or _INEQUALITY_RE.match(self.text, rel.start()) is None:
            return False
        side = side_before(self.text, rel.start())
        if re.search(r"[0-9]", side) is None or has_variable(side):
            return False
        # the compared number ends a chain (``= 3.9 < 4``); a sandwich ``4 < \sqrt{20} <
        # 5`` bounds a value by derived integers
        lead = self.text[: self.text.rfind(side, 0, rel.start())].rstrip()
        return lead.endswith("=") and not lead.endswith(("<=", ">="))

    def _unit_point(self, start: int, end: int, value: Fraction) -> bool:
        """Whether the group is a point in ``( )`` with this 0 coordinate, or all of 0 and 1:
        an axis intercept ``(0, -7)``, the origin, a rotation's start ``(1, 0)``."""
        values = list_values(self.text, start, end)
        if self.text.rfind("(", max(0, start - 30), start) < 0 or not 2 <= len(values) <= 3:
            return False
        return value == 0 or (0 in values and set(values) <= {0, 1})

    def _is_hypothesis(self, start: int) -> bool:
        text = self.text
        span = next((s for s, e in self.maths if s <= start < e), None)
        if span is None:  # prose maths (AQuA's rationales): "consider ... if x = -2 and y = 1"
            return _PROSE_HYPOTHESIS_RE.search(text[max(0, start - 120) : start]) is not None
        if not _ASSIGNED_RE.search(text, span, start):
            return False
        return _HYPOTHESIS_RE.search(text[max(0, span - 160) : span]) is not None

    def _is_label(self, start: int, end: int) -> bool:
        text = self.text
        if before_ellipsis(text, end):
            return True
        values = list_values(text, start, end)
        if (
            len(values) >= 3
            and values[0] in (0, 1)
            and values == [values[0] + i for i in range(len(values))]
        ):
            return True
        if _RELATION_END_RE.search(text, max(0, start - 40), start):
            return False  # a result after a relation is never an index
        prev = _PREV_WORD_RE.search(text, max(0, start - 30), start)
        if prev is None or prev.group(1).lower() in _STOPWORDS:
            return False
        return self._indexes(prev.group(1))

    def _indexes(self, word: str) -> bool:
        """Whether ``word`` is followed by both 1 and 2 somewhere: an enumeration."""
        if word not in self._indexed:
            after = re.compile(
                r"\b" + re.escape(word) + r"s?\s*\$?\s*([0-9]+)(?![0-9.])", re.IGNORECASE
            )
            seen = {m.group(1) for m in after.finditer(self.text)}
            self._indexed[word] = {"1", "2"} <= seen
        return self._indexed[word]


__all__ = [
    "REFUSED",
    "Refusals",
    "has_operator",
    "has_variable",
    "numeric_computation",
    "side_after",
    "side_before",
]
