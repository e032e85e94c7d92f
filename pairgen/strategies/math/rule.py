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

Tier 1, a **result**: the value comes right after a relation sign -- ``=``, ``\approx``,
``\equiv`` or an inequality ``< > \le \ge \leq \geq \lt \gt \ne \neq`` (a derived bound,
``13x < 27``) -- (spaces, LaTeX spacing ``\, \; \! \ ~``, a sign ``-``/``\pm`` and a
currency ``\$`` may sit between) or right after a result verb (``is are was were equals
gives giving yields becomes get gets obtain makes``), and it *ends the expression*: after
it (and an optional ``^\circ`` / ``%`` / ``\%`` suffix) comes a terminator -- end of text
or line, ``$``, ``\]``, ``\)``, ``\\``, ``&``, ``\end``, punctuation ``. , ; : ?``,
another relation (``= < > \le \ge \leq \geq \ne \neq \approx \equiv \Rightarrow
\implies \rightarrow \iff``), ``\quad \qquad \text \textrm \textbf \mbox \hbox \pmod
\bmod \mod``, or, after a space, a word of two or more letters.  After a result verb
only punctuation, a line break or the end of text may follow (optionally after a closing
``$``), so in "is 3 times" and "there are 24 hours" nothing is a tier-1 result.
Anything else after the value -- an operator ``+ - * / ^ _ ! \cdot \times \div``, a
brace or parenthesis -- makes it an operand; except where the value is still the one
result (:mod:`pairgen.strategies.math.written`): the coefficient of a one-term result
(``= 25\pi$``, ``= 3\sqrt{2}.``, ``= 4a^2,``; a product ``= 64\pi h`` only when the side
before holds its numbers and letters), the mantissa of scientific notation, a numeral
marked base ten (``= 1024_{10}``); ``= 2\sqrt{3} + 1`` stays an operand.  So in ``323 =
14\cdot 23 + 1`` nothing is a result (``14`` is followed by ``\cdot``; ``23`` and ``1`` do
not follow a relation), in ``= 2^5`` and ``= 121_3`` nothing is, in ``= 144^\circ``,
``= 25\%`` and ``=\$12.50`` the number is.  A value that is a whole side of a relation
at the start of a maths expression (after ``$``, ``\[``, ``&``, ``\\``, ``\quad``,
``\Rightarrow``, a line break: ``\[5 = x - 1\]``) is a result too.  A zero an inequality
compares with (``x - 2 > 0``, ``(a-b)^2 \ge 0``) is a sign condition, not a result
(``only_zero_bounds``).
Every element of a group of plain values right after a relation (``(m,n) = (16,13)``,
``= \begin{pmatrix} 27 \\ 9 \end{pmatrix}``) is a result
(:mod:`pairgen.strategies.math.groups`).

Tier 2, a **standalone value** (:mod:`pairgen.strategies.math.standalone`): an inline
maths span holding nothing but one value (sign, ``\$``, ``^\circ``, ``%``, one
``\text{unit}``, a trailing ``.``/``,`` allowed: ``$8$ sides``, ``$-16$ and``, ``$3,$``)
or a bare number in prose (``the remaining 8 people``), not touching an operator,
hyphen (``30-60-90``) or slash, and not next to an operator word (``times plus minus by
over divide(d) multiply/multiplied add(ing) subtract(ing) squared cubed factorial mod
modulo than from to``); or an element of any other group of plain values: a tuple,
set, interval or vector inside maths that is no operand and no argument list
(``$(-1, -7)$``, ``$\{2,3,5,7\}$``), or a maths span that is a bare list (``$12, 24,
36,$``) (:mod:`pairgen.strategies.math.groups`).

For every tier:

* **Values.**  ``\frac{a}{b}`` / ``\dfrac`` / ``\tfrac`` (also ``\frac12``), ``a/b`` with
  integers, or a number token ``24``, ``2.5``, ``.5``, ``1,200``, ``1,\!200``,
  ``1{,}200``.  A fraction counts only in lowest terms with denominator > 1 (``5/15`` is
  a substitution, ``1/3`` a result); its span is the whole fraction.  Fraction parts,
  exponents and subscripts are never values of their own, nor is a part of a digit run
  that maths mode sets as one number (``\mathbf{6 0}`` is 60:
  :func:`~pairgen.strategies.math.values.spaced_digit_spans`).
* **Derived, not given.**  The value (exact rational, unsigned: ``3`` == ``3.0``,
  ``1,200`` == ``1200``, ``0.5`` == ``\frac12``, ``-8`` == ``8``) does not occur in the
  problem: not as a number token (anywhere, ``[asy]`` code included, since its labels
  carry given data; glued to a currency or unit, ``Rs.6000``, ``5kg``), not as a
  fraction or fraction part, not as a number word (``five``, ``twenty-five``,
  ``dozen``): :mod:`pairgen.strategies.math.given` says what a problem states.  For a
  value that is a whole side of a relation the exponents of the problem's symbols do not
  count (``x^2 = 3`` when the problem has only ``x^4`` and ``x^2``:
  :func:`~pairgen.strategies.math.given.stated_values`).
* **Not the final answer.**  The value differs from the final answer's value (when the
  final answer is a single value; a group element differs from every element of a
  tuple/list answer), so the last line's restatement of the answer (``360/24 = 15``
  before ``The answer is: 15``, ``(m,n) = (16,13)`` before ``\boxed{(16,13)}``) is never
  edited, and a solution gives the same candidates whether its answer is boxed or not.
  ``answer_value_ok=True`` switches this off.
* **Before the final answer.**  The value ends at or before the final answer's start
  (:mod:`pairgen.sources.final_answer`: the first ``\boxed``, ``\fbox``, ``The answer
  is``, ``####``, or answer line such as ``Answer: D``, ``ANSWER:A``, ``Correct answer -
  A``, ``The answer is (B)``).  A solution with none of them has no final answer and no
  candidates (``no_final_answer``).
* **Not the row's stated answer either.**  When the dataset states the answer apart from
  the solution (``--column answer=``; for an option letter with ``--column
  choices=``, the option's text), a value equal to its value is not edited: a solution
  ending ``Answer: D`` restates option D's value before it.
* **Never inside a GSM8K annotation alone.**  Nothing inside ``<<...>>`` is a candidate;
  the visible number an annotation states (``<<48/2=24>>24``) is a tier-1 result, and
  editing it changes the annotation's result with it
  (:func:`pairgen.strategies.arithmetic.results.replace_result`).
* **Never in Asymptote.**  Nothing inside ``[asy] ... [/asy]`` (an unclosed ``[asy]`` runs
  to the end of the text).
* **Never in layout.**  Nothing inside an argument of a LaTeX layout command
  (``\cline{2-3}``, ``\multicolumn{2}{r}``, ``\hspace{2mm}``, ``\\[2pt]``, an array's
  column spec: :mod:`pairgen.strategies.math.layout`).
* **No labels.**  A tier-2 number after ``Step Case Part Line Equation Row Column
  Figure Problem Rule Method Condition Page Chapter Section Lemma Claim Round Stage
  Option Choice Number``, in parentheses ``(1)``, or a 4-digit year 1900-2099, is not a
  value.  (Tier 1 never sees them: they do not follow a relation.)

Refused values (:mod:`pairgen.strategies.math.precision`, every tier): a site's value is
still refused when it is a zero stating a condition (``x^2 - 9 = 0``), a convention
constant (``180^\circ``, ``24 hours in a day``), a hypothesis value (``If $k = 5$``), a
label or range start (``0, 1, 2, \dots``), the integer part of a repeating decimal, or a
bound the solver chose; a tier-1 value the problem states is a site all the same when it
is the whole result of an operation on numbers (``3 \times 4 = 12``, not the ``3`` of
``12^2 = 3x``).  Tier 3, a **carried** value (opt-in,
:mod:`pairgen.strategies.math.carried`): a value computed earlier, at a later use as an
operand, exponent or fraction part, or a number a numeric rewrite or an equation step
brings (:mod:`pairgen.strategies.math.rewrites`, :mod:`pairgen.strategies.math.steps`),
for a row without tier-1/2 sites.

Reject reasons for a row without candidates (:func:`reject_reason`), the furthest stage a
slot reached: ``no_final_answer``, ``results_all_in_problem``,
``results_all_equal_final_answer``, ``only_unreduced_fractions``, ``only_operands``,
``only_zero_bounds``, ``only_in_asy``, ``only_in_layout``, ``only_in_annotations``,
``results_only_in_final_answer``, ``no_result_slot``, and one per refusal (:data:`REFUSED`).
"""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction

from pairgen.strategies.arithmetic.results import annotated_results, annotation_spans
from pairgen.strategies.math.carried import carried_slots
from pairgen.strategies.math.given import given_values, stated_values
from pairgen.strategies.math.groups import group_slots
from pairgen.strategies.math.layout import layout_spans
from pairgen.strategies.math.precision import REFUSED, Refusals, numeric_computation, side_before
from pairgen.strategies.math.standalone import standalone_slots
from pairgen.strategies.math.values import (
    GAP,
    MARKED_VALUE,
    RELATION,
    TERMINATOR,
    VALUE_RE,
    Candidate,
    answer_values,
    asy_spans,
    expression_values,
    final_answer_start,
    final_answer_values,
    inside,
    match_value,
    math_spans,
    percent_forms,
    spaced_digit_spans,
)
from pairgen.strategies.math.written import written_as_one_value

_EQ_SLOT_RE = re.compile(RELATION + GAP + MARKED_VALUE)
_VERBS = r"is|are|was|were|equals|gives|giving|yields|becomes|get|gets|obtain|makes"
_PROSE_SLOT_RE = re.compile(r"\b(?:" + _VERBS + r")\s+(?:\$\s*)?" + MARKED_VALUE)
_TERM_RE = re.compile(TERMINATOR)
# A value that is a whole side of a relation, at the start of a maths expression
# (``\[5 = x - 1\]``, ``&\Rightarrow 10 = x + 1``, an ``align`` line; not after a plain
# line break, which may wrap an expression): it ends at the relation sign.
_LHS_SLOT_RE = re.compile(
    r"(?:\$\$|(?<!\\)\$|\\\[|\\\(|&|\\\\|\\q?quad(?![A-Za-z])|\\Rightarrow|\\implies"
    r"|\\begin\{[A-Za-z*]+\})"
    + GAP
    + MARKED_VALUE
    + GAP
    + r"(?=(?:&"
    + GAP
    + r")?"
    + RELATION
    + r")"
)
_ENDS_AT_RELATION_RE = re.compile(GAP + r"(?:&" + GAP + r")?" + RELATION)
# ``x - 2 > 0``, ``(a - b)^2 \ge 0``: a zero an inequality compares with is a sign condition
_INEQUALITY_RE = re.compile(
    GAP + r"(?:&" + GAP + r")?(?:[<>]|\\(?:leq?|geq?|lt|gt|neq?)(?![A-Za-z]))"
)
_PROSE_TERM_RE = re.compile(r"\s*\$?\s*(?:[.,;:]|\n|\Z)")


def _is_zero(token: str) -> bool:
    return re.fullmatch(r"[0.]+", token) is not None


def analyse(
    problem: str,
    solution: str,
    max_tier: int = 2,
    answer_value_ok: bool = False,
    answer: str | None = None,
) -> tuple[list[Candidate], Counter[str]]:
    """All candidates up to ``max_tier`` (text order), and why dropped slots were dropped.

    ``answer_value_ok=True`` switches rule 7 off (values equal to the final answer count).
    ``answer`` is the row's answer as its dataset states it apart from the solution (an
    answer column, or the text of the option it names): its value is the final answer's
    too, so the restatement of an option letter's value is never edited either."""
    drops: Counter[str] = Counter()
    cut = final_answer_start(solution)
    if cut is None:
        drops["no_final_answer"] += 1
        return [], drops
    asy = asy_spans(solution)
    given = given_values(problem)
    quantities = stated_values(problem)  # for a whole side of a relation (given.py)
    # a single value restates a one-value answer; a group element, any element of the answer
    listed = [] if answer_value_ok else final_answer_values(solution)
    stated = [] if answer_value_ok or not answer else answer_values(answer)
    answers = set(listed) | set(stated)
    answer_set = set(listed) if len(listed) == 1 else set()
    answer_set |= set(stated) if len(stated) == 1 else set()
    if answer and not stated and not answer_value_ok:  # a stated expression: "(M+N)/8"
        answer_set |= expression_values(answer)
    answer_set |= percent_forms(answer_set, solution, answer)  # 0.192 is also 19.2%
    seen: dict[int, Candidate] = {}
    # GSM8K calculator annotations: a value inside ``<<..>>`` is never edited alone; the
    # visible number an annotation states (``<<48/2=24>>24``) is a result, edited together
    # with the annotation's (:mod:`pairgen.strategies.arithmetic.results`)
    hidden = annotation_spans(solution)
    linked = {r[0]: r for r in annotated_results(solution, cut)[0] if r[2] >= 0}
    refusals = Refusals(solution)
    layout = layout_spans(solution)  # \cline{2-3}, \hspace{2mm}: never a value
    maths = math_spans(solution)
    spaced = spaced_digit_spans(solution, maths)  # ``\mathbf{6 0}``: one number, no parts

    def consider(
        start: int,
        end: int,
        tier: int,
        excluded: set[Fraction] = answer_set,
        group: int = 0,
        computed: bool = False,
        whole_side: bool = False,
    ) -> None:
        """``group``: 1/2 for an element of a tier-1/2 group; ``computed``: the value is
        the right side of an operation on numbers, so it counts even if the problem has it;
        ``whole_side``: the value is a whole side of a relation, so an exponent of the
        problem's symbols (``x^2``) is no stated quantity for it."""
        vm = VALUE_RE.match(solution, start)
        assert vm is not None and vm.end() == end, (solution[start:end], vm)
        value, kind, usable = match_value(vm)
        if spaced and inside(start, end, spaced):
            drops["operand"] += 1
        elif hidden and inside(start, end, hidden):
            drops["in_annotation"] += 1
        elif layout and inside(start, end, layout):
            drops["in_layout"] += 1
        elif not usable:
            drops["fraction_not_reduced"] += 1
        elif value in (quantities if whole_side else given) and not computed:
            drops["in_problem"] += 1
        elif value in excluded:
            drops["equals_final_answer"] += 1
        elif (refused := refusals.reason(start, end, value, group)) is not None:
            drops[refused] += 1
        elif start not in seen:
            link = linked.get(start) if linked else None
            ann = (link[2], link[3]) if link and link[1] == end else None
            seen[start] = Candidate(start, end, solution[start:end], value, kind, tier, ann)

    slots = [(m, _TERM_RE) for m in _EQ_SLOT_RE.finditer(solution)]
    slots += [(m, _PROSE_TERM_RE) for m in _PROSE_SLOT_RE.finditer(solution)]
    slots += [
        (m, _ENDS_AT_RELATION_RE)
        for m in _LHS_SLOT_RE.finditer(solution)
        if inside(m.start("v"), m.end("v"), maths)
    ]
    for m, term in slots:
        start, end = m.span("v")
        whole = term.match(solution, m.end()) is not None  # the value ends the expression
        if end > cut:
            drops["in_final_answer"] += 1
        elif inside(start, end, asy):
            drops["in_asy"] += 1
        elif not whole and not (
            term is _TERM_RE
            and written_as_one_value(
                solution, m.group("v"), m.end(), m.start(), inside(start, end, maths)
            )
        ):
            drops["operand"] += 1
        elif _is_zero(m.group("v")) and _INEQUALITY_RE.match(
            solution, m.end() if term is _ENDS_AT_RELATION_RE else m.start()
        ):
            drops["zero_bound"] += 1
        else:
            # the result of an operation on numbers (``3 \times 4 = 12``), a whole side:
            # a coefficient after it (``12^2 = 3x``) restates the problem's ``3x``
            computed = (
                term is _TERM_RE
                and whole
                and _INEQUALITY_RE.match(solution, m.start()) is None
                and numeric_computation(side_before(solution, m.start()))
            )
            whole_side = whole and term is not _PROSE_TERM_RE
            consider(start, end, 1, computed=computed, whole_side=whole_side)
    for start, end, _, _ in linked.values():
        vm = VALUE_RE.match(solution, start)
        if vm is None or vm.end() != end:
            continue  # a visible number the MATH vocabulary reads otherwise (``8/3``)
        if end > cut:
            drops["in_final_answer"] += 1
        else:
            consider(start, end, 1)
    groups = group_slots(solution, cut, asy)
    for start, end, tier in sorted(groups, key=lambda g: g[2]):
        if tier <= max_tier and start not in seen:
            consider(start, end, tier, answers, group=tier)
    if max_tier >= 2:
        for start, end in standalone_slots(solution, cut, asy):
            if start not in seen:
                consider(start, end, 2)
    if max_tier >= 3:
        for start, end in carried_slots(solution, cut, asy, list(seen.values()), drops):
            if start not in seen:
                consider(start, end, 3)
    return [seen[k] for k in sorted(seen)], drops


def find_candidates(
    problem: str,
    solution: str,
    max_tier: int = 2,
    answer_value_ok: bool = False,
    answer: str | None = None,
) -> list[Candidate]:
    """The intermediate results of ``solution`` (rule: module docstring), in text order.

    Only the best tier present is returned: tier-1 results when there are any, else
    tier-2 standalone values."""
    cands = analyse(problem, solution, max_tier, answer_value_ok, answer)[0]
    if not cands:
        return []
    best = min(c.tier for c in cands)
    return [c for c in cands if c.tier == best]


def reject_reason(
    problem: str,
    solution: str,
    max_tier: int = 2,
    answer_value_ok: bool = False,
    answer: str | None = None,
) -> str | None:
    """None if the row has a candidate, else why not (most advanced stage reached)."""
    cands, drops = analyse(problem, solution, max_tier, answer_value_ok, answer)
    if cands:
        return None
    for reason in (
        "no_final_answer",
        "in_problem",
        "equals_final_answer",
        *REFUSED,
        "fraction_not_reduced",
        "operand",
        "zero_bound",
        "in_asy",
        "in_layout",
        "in_annotation",
    ):
        if drops[reason]:
            return {
                "in_problem": "results_all_in_problem",
                "operand": "only_operands",
                "equals_final_answer": "results_all_equal_final_answer",
                "in_asy": "only_in_asy",
                "in_layout": "only_in_layout",
                "fraction_not_reduced": "only_unreduced_fractions",
                "zero_bound": "only_zero_bounds",
                "in_annotation": "only_in_annotations",
                **REFUSED,
            }.get(reason, reason)
    if drops["in_final_answer"]:
        return "results_only_in_final_answer"
    return "no_result_slot"


__all__ = ["analyse", "find_candidates", "reject_reason"]
