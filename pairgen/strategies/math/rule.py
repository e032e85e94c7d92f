r"""What an intermediate result of a competition-maths (MATH-style) solution is.

Given a problem and its worked solution, :func:`find_candidates` returns the spans of
the solution that are *intermediate results*: the values the MATH strategy may corrupt
(:mod:`pairgen.strategies.math.strategy`) and the only ones ``pairgen validate`` accepts
an edit on (:mod:`pairgen.strategies.math.check`), so the two cannot drift apart.

The rule
--------
A candidate is a *value* -- an unsigned number token, or a fraction in lowest terms -- in
the solution's working, of one of two tiers.  Only the best tier present in a row is
used (tier 1 if any, else tier 2); the validator accepts either.  An operand inside an
expression is never one.

Tier 1, a **result**: the value comes right after a relation sign ``=``, ``\approx`` or
``\equiv`` (spaces, LaTeX spacing ``\, \; \! \ ~``, a sign ``-``/``\pm`` and a currency
``\$`` may sit between) or right after a result verb (``is are was were equals gives
giving yields becomes get gets obtain makes``), and it *ends the expression*: after it
(and an optional ``^\circ`` / ``%`` / ``\%`` suffix) comes a terminator -- end of text or
line, ``$``, ``\]``, ``\)``, ``\\``, ``&``, ``\end``, punctuation ``. , ; : ?``, another
relation (``= < > \le \ge \leq \geq \ne \neq \approx \equiv \Rightarrow \implies
\rightarrow \iff``), ``\quad \qquad \text \textrm \textbf \mbox \hbox \pmod \bmod \mod``,
or, after a space, a word of two or more letters.  After a result verb only punctuation,
a line break or the end of text may follow (optionally after a closing ``$``), so in
"is 3 times" and "there are 24 hours" nothing is a tier-1 result.  Anything else after
the value -- an operator ``+ - * / ^ _ ! \cdot \times \div``, a brace or parenthesis --
makes it an operand; except the coefficient of a one-term result: one factor (a single
letter, ``\pi``, ``\sqrt{..}``) then a terminator (``= 25\pi$``, ``= 3\sqrt{2}.``,
``= 2x$``), while ``= 2\sqrt{3} + 1`` stays an operand.  So in
``323 = 14\cdot 23 + 1`` nothing is a result (``14`` is followed by ``\cdot``; ``23`` and
``1`` do not follow a relation), in ``= 2^5`` and ``= 121_3`` nothing is, in
``= 144^\circ``, ``= 25\%`` and ``=\$12.50`` the number is.

Tier 2, a **standalone value**: an inline maths span holding nothing but one value (sign,
``\$``, ``^\circ``, ``%``, one ``\text{unit}`` allowed: ``$8$ sides``, ``$\frac{1}{5}$ of``)
or a bare number in prose (``the remaining 8 people``), not touching an operator,
hyphen (``30-60-90``) or slash, and not next to an operator word (``times plus minus by
over divide(d) multiply/multiplied add(ing) subtract(ing) squared cubed factorial mod
modulo than from to``).

For every tier:

* **Values.**  ``\frac{a}{b}`` / ``\dfrac`` / ``\tfrac`` (also ``\frac12``), ``a/b`` with
  integers, or a number token ``24``, ``2.5``, ``.5``, ``1,200``, ``1,\!200``,
  ``1{,}200``.  A fraction counts only in lowest terms with denominator > 1 (``5/15`` is
  a substitution, ``1/3`` a result); its span is the whole fraction.  Fraction parts,
  exponents and subscripts are never values of their own.
* **Derived, not given.**  The value (exact rational, unsigned: ``3`` == ``3.0``,
  ``1,200`` == ``1200``, ``0.5`` == ``\frac12``, ``-8`` == ``8``) does not occur in the
  problem: not as a number token (anywhere, ``[asy]`` code included, since its labels
  carry given data), not as a fraction or fraction part, not as a number word
  (zero..twenty, thirty..ninety, hundred, thousand, million).
* **Not the final answer.**  The value differs from the final answer's value (when the
  final answer is a single value), so the last line's restatement of the answer
  (``360/24 = 15`` before ``The answer is: 15``) is never edited, and a solution gives
  the same candidates whether its answer is boxed or not.  ``answer_value_ok=True``
  switches this off.
* **Before the final answer.**  The value ends at or before the first ``\boxed``,
  ``\fbox``, ``The answer is`` or ``####``.  A solution with none of them has no final
  answer and no candidates (``no_final_answer``).
* **Never in Asymptote.**  Nothing inside ``[asy] ... [/asy]`` (an unclosed ``[asy]`` runs
  to the end of the text).
* **No labels.**  A tier-2 number after ``Step Case Part Line Equation Row Column
  Figure Problem Rule Method Condition Page Chapter Section Lemma Claim Round Stage
  Option Choice Number``, in parentheses ``(1)``, or a 4-digit year 1900-2099, is not a
  value.  (Tier 1 never sees them: they do not follow a relation.)

Reject reasons for a row without candidates (:func:`reject_reason`), the furthest stage a
slot reached: ``no_final_answer``, ``results_all_in_problem``,
``results_all_equal_final_answer``, ``only_unreduced_fractions``, ``only_operands``,
``only_in_asy``, ``results_only_in_final_answer``, ``no_result_slot``.
"""

from __future__ import annotations

import re
from collections import Counter

from pairgen.strategies.math.values import (
    CURRENCY,
    GAP,
    NUMBER,
    SIGN,
    SUFFIX,
    VALUE,
    VALUE_RE,
    Candidate,
    asy_spans,
    final_answer_start,
    final_answer_value,
    inside,
    match_value,
    math_spans,
    problem_values,
)

_TERM_WORDS = (
    "end|quad|qquad|text|textrm|textbf|mbox|hbox|pmod|bmod|mod|Rightarrow|implies|"
    "Longrightarrow|rightarrow|Longleftrightarrow|iff|le|ge|leq|geq|ne|neq|approx|equiv|lt|gt"
)
_TERM = (
    r"(?:"
    + GAP
    + r"(?:\Z|\n|\$|\\\]|\\\)|\\\\|&|[.,;:?]|[=<>]|\\(?:"
    + _TERM_WORDS
    + r")(?![A-Za-z]))|(?:\s|\\[,;: ]|~)+[A-Za-z]{2})"
)
_REL = r"(?:(?<![<>!:=])=(?!=)|\\approx(?![A-Za-z])|\\equiv(?![A-Za-z]))"
_EQ_SLOT_RE = re.compile(_REL + GAP + SIGN + CURRENCY + r"(?P<v>" + VALUE + r")" + SUFFIX)
_VERBS = r"is|are|was|were|equals|gives|giving|yields|becomes|get|gets|obtain|makes"
_PROSE_SLOT_RE = re.compile(
    r"\b(?:" + _VERBS + r")\s+(?:\$\s*)?" + SIGN + CURRENCY + r"(?P<v>" + VALUE + r")" + SUFFIX
)
_TERM_RE = re.compile(_TERM)
# The coefficient of a one-term result (``= 5\pi``, ``= 2\sqrt{3}``, ``= 3x``): the value
# followed by one factor and then the end of the expression.
_COEFFICIENT_RE = re.compile(
    r"(?:\\pi(?![A-Za-z])|\\sqrt\s*(?:\{[^{}]*\}|[0-9])|[A-Za-z](?![A-Za-z({]))" + _TERM
)
_PROSE_TERM_RE = re.compile(r"\s*\$?\s*(?:[.,;:]|\n|\Z)")


# (sign, \$, ^\circ, %, a \text{unit} allowed), or a bare number in prose.
_UNIT = r"(?:" + GAP + r"\\(?:text|mbox|textrm)\{[^{}$]*\})?"
_STANDALONE_MATH_RE = re.compile(
    r"(?<![\\$])\$"
    + GAP
    + SIGN
    + CURRENCY
    + r"(?P<v>"
    + VALUE
    + r")"
    + SUFFIX
    + _UNIT
    + GAP
    + r"\$(?!\$)"
)
_PROSE_NUMBER_RE = re.compile(
    r"(?<![\w.,!\\^_{}$/+*=<>-])(?P<v>" + NUMBER + r")(?![\w$^_/+*=<>-]|\.[0-9]|,[0-9]|,\\!|\{,\})"
)
_LABEL_WORDS = {
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
}
_OPERATOR_WORDS = {
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
}
_PREV_WORD_RE = re.compile(r"([A-Za-z]+)\W*\Z")
_NEXT_WORD_RE = re.compile(r"\W{0,3}([A-Za-z]+)")


def _standalone_ok(text: str, start: int, end: int) -> bool:
    """Not a label (``Step 1``), equation number ``(1)``, year, or operand word context."""
    prev = _PREV_WORD_RE.search(text, max(0, start - 20), start)
    nxt = _NEXT_WORD_RE.match(text, end, end + 20)
    pw = prev.group(1).lower() if prev else ""
    nw = nxt.group(1).lower() if nxt else ""
    if pw in _LABEL_WORDS or pw in _OPERATOR_WORDS or nw in _OPERATOR_WORDS:
        return False
    if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
        return False
    token = text[start:end]
    return not (len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2099)


_OPERATOR_BEFORE_RE = re.compile(r"[-+*/=<>^\u00d7\u00f7]\s*\Z")
_OPERATOR_AFTER_RE = re.compile(r"\s*[-+*/=<>^\u00d7\u00f7]")


def _touches_operator(text: str, start: int, end: int) -> bool:
    """Whether an operator sits next to the value, spaces allowed (``4 + 5``, ``7 =``)."""
    return bool(
        _OPERATOR_BEFORE_RE.search(text, max(0, start - 4), start)
        or _OPERATOR_AFTER_RE.match(text, end, end + 4)
    )


def _standalone_slots(text: str, cut: int, asy: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of tier-2 values before ``cut``, outside [asy]."""
    out = []
    for m in _STANDALONE_MATH_RE.finditer(text, 0, cut):
        out.append(m.span("v"))
    maths = math_spans(text)  # the whole text: a span may close after the cut
    for m in _PROSE_NUMBER_RE.finditer(text, 0, cut):
        if not inside(m.start(), m.end(), maths):
            out.append(m.span("v"))
    return [
        (s, e)
        for s, e in out
        if e <= cut
        and not inside(s, e, asy)
        and _standalone_ok(text, s, e)
        and not _touches_operator(text, s, e)
    ]


def analyse(
    problem: str, solution: str, max_tier: int = 2, answer_value_ok: bool = False
) -> tuple[list[Candidate], Counter[str]]:
    """All candidates up to ``max_tier`` (text order), and why dropped slots were dropped.

    ``answer_value_ok=True`` switches rule 7 off (values equal to the final answer count)."""
    drops: Counter[str] = Counter()
    cut = final_answer_start(solution)
    if cut is None:
        drops["no_final_answer"] += 1
        return [], drops
    asy = asy_spans(solution)
    given = problem_values(problem)
    answer = None if answer_value_ok else final_answer_value(solution)
    seen: dict[int, Candidate] = {}

    def consider(start: int, end: int, tier: int) -> None:
        vm = VALUE_RE.match(solution, start)
        assert vm is not None and vm.end() == end, (solution[start:end], vm)
        value, kind, usable = match_value(vm)
        if not usable:
            drops["fraction_not_reduced"] += 1
        elif value in given:
            drops["in_problem"] += 1
        elif value == answer:
            drops["equals_final_answer"] += 1
        elif start not in seen:
            seen[start] = Candidate(start, end, solution[start:end], value, kind, tier)

    slots = [(m, _TERM_RE) for m in _EQ_SLOT_RE.finditer(solution)]
    slots += [(m, _PROSE_TERM_RE) for m in _PROSE_SLOT_RE.finditer(solution)]
    for m, term in slots:
        start, end = m.span("v")
        if end > cut:
            drops["in_final_answer"] += 1
        elif inside(start, end, asy):
            drops["in_asy"] += 1
        elif term.match(solution, m.end()) is None and (
            term is not _TERM_RE or _COEFFICIENT_RE.match(solution, m.end()) is None
        ):
            drops["operand"] += 1
        else:
            consider(start, end, 1)
    if max_tier >= 2:
        for start, end in _standalone_slots(solution, cut, asy):
            if start not in seen:
                consider(start, end, 2)
    return [seen[k] for k in sorted(seen)], drops


def find_candidates(
    problem: str, solution: str, max_tier: int = 2, answer_value_ok: bool = False
) -> list[Candidate]:
    """The intermediate results of ``solution`` (rule: module docstring), in text order.

    Only the best tier present is returned: tier-1 results when there are any, else
    tier-2 standalone values."""
    cands = analyse(problem, solution, max_tier, answer_value_ok)[0]
    if not cands:
        return []
    best = min(c.tier for c in cands)
    return [c for c in cands if c.tier == best]


def reject_reason(
    problem: str, solution: str, max_tier: int = 2, answer_value_ok: bool = False
) -> str | None:
    """None if the row has a candidate, else why not (most advanced stage reached)."""
    cands, drops = analyse(problem, solution, max_tier, answer_value_ok)
    if cands:
        return None
    for reason in (
        "no_final_answer",
        "in_problem",
        "equals_final_answer",
        "fraction_not_reduced",
        "operand",
        "in_asy",
    ):
        if drops[reason]:
            return {
                "in_problem": "results_all_in_problem",
                "operand": "only_operands",
                "equals_final_answer": "results_all_equal_final_answer",
                "in_asy": "only_in_asy",
                "fraction_not_reduced": "only_unreduced_fractions",
            }.get(reason, reason)
    if drops["in_final_answer"]:
        return "results_only_in_final_answer"
    return "no_result_slot"


__all__ = ["analyse", "find_candidates", "reject_reason"]
