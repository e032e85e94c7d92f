"""What an intermediate result of a maths solution is, and what an arithmetic pair promises.

The definitions the arithmetic strategy (:mod:`pairgen.strategies.arithmetic.strategy`)
makes pairs by and ``pairgen validate`` checks them by, in one place, so the two cannot
drift apart.

What counts as an intermediate result (:func:`find_results`)
-----------------------------------------------------------
1. *Plain equation result*: an unsigned number token right after an ``=``, optionally
   after spaces, a currency sign (``$``, ``\\$``, ``€``, ``£``, ``¥``, ``₹``) and a minus
   sign.  The token must not be glued to a longer word or number: not followed by a
   letter, a digit, ``.digit``, ``,digit`` or a power ``^`` other than ``^\\circ``
   (``= 20ml``, ``= 3x`` and ``= 2^3`` are not results, ``= 144^\\circ`` is).  And the
   left-hand side must contain a digit.  The left-hand side runs back to the nearest
   ``=``, line break or clause break (``, `` ``. `` ``; `` ``: ``), at most 80
   characters; a line that starts with ``=`` or ``&=`` (LaTeX ``align``) continues the
   equation on the line above.  So ``48 / 2 = 24``, ``$3 \\times 4 = 12$``,
   ``2x = 10`` and ``= \\$12.50`` give results; ``x = 5`` (an assignment, no digit on the
   left), ``= \\frac{3}{4}`` (not a plain number) and ``a <= 3`` do not.  A number
   followed by an operator and another number is an operand, not a result: in
   ``200 + 20 = 220 + 23 = 243`` only ``243`` is one (operators ``+ - * / × ÷``,
   ``\\times``, ``\\cdot``, ``\\div`` and a spaced ``x``).
2. *GSM8K calculator annotation*: ``<<48/2=24>>24``.  The result is the pair (annotation
   result ``24``, visible number ``24`` right after ``>>``); both change together so the
   annotation and the text stay consistent.  When no number follows ``>>``, or it has a
   different value, the annotation result alone is the result.  ``=`` signs inside
   annotations are never plain results.
3. A number token longer than ``MAX_NUMBER_CHARS`` (100) characters is never a result
   (:mod:`pairgen.strategies.numbers`), nor is an annotation whose result or visible
   number is one.
4. Nothing inside the *final answer* is ever a result: the text from the last ``####`` or
   ``The answer is`` marker (whichever comes first) to the end, and every ``\\boxed{...}``.
5. A result whose value *is* the final answer (a final answer of one number,
   :func:`final_value`) is not intermediate: it is the final answer being computed, and
   editing it leaves a solution whose last step contradicts its own ``#### X`` line
   rather than one with a wrong intermediate step (on GSM8K test, 463 of 1,319 pairs
   edited such a step before this rule).  The same rule as the math strategy's.

What "exactly one intermediate result differs" means (:func:`check_arithmetic_pair`)
------------------------------------------------------------------------------------
Split chosen and rejected into number tokens and the text between them.  The text
between numbers must be identical (so signs, ``$``, ``%``, units and the final answer are
untouched), and the number tokens that differ must be exactly the tokens of *one* result
of the chosen text as defined above: one token for a plain or bare-annotation result, or
two for an annotated GSM8K result (annotation result then visible number, the two new
values equal).  ``chosen_value``/``rejected_value`` are the visible tokens (the annotation
result when there is none), they differ in value, and the rejected one is written in the
chosen one's format (:func:`pairgen.strategies.numbers.same_format`).  ``edit_start`` is
the first character at which chosen and rejected differ, i.e. the length of their common
prefix; it lies inside (or right after) the first changed token.  When the edited result
is a GSM8K annotation's, the chosen annotation holds and the rejected one does not
(:mod:`pairgen.strategies.arithmetic.calculator`): the chosen step is right, the
rejected one wrong, so a pair turned around cannot pass.

With ``ArithmeticOptions.strip_annotations`` every ``<<...>>`` annotation is removed before
results are found, so chosen and rejected carry no annotations and an annotation whose
visible number has no ``=`` before it (``he bought <<3*4=12>>12 apples``) is no longer a
result.
"""

from __future__ import annotations

import re

from pairgen.sources.final_answer import final_answer_start, final_answer_text
from pairgen.strategies.arithmetic.calculator import check_annotation_claim
from pairgen.strategies.numbers import (
    MAX_NUMBER_CHARS,
    NUMBER_PATTERN,
    is_number,
    same_format,
    same_value,
)

# A result candidate: (start, end) of the token that carries the value, and (start, end)
# of the linked annotation result that changes with it, or (-1, -1).
Result = tuple[int, int, int, int]

# "=" comes before the lookbehind so the engine jumps from "=" to "=" (about 3x faster).
_PLAIN_RE = re.compile(
    rf"=(?<![<>!=]=)(?!=)[ \t]*(?:\\?\$|[€£¥₹])?-?({NUMBER_PATTERN})(?!\w|\^(?!\\circ)|[.,]\d)"
    # an operand, not a result: "= 220 + 23", "= 5 * 3", "= 7 \\cdot 6", "= 3 x 4"
    r"(?![ \t]*(?:[-+*/×÷]|\\(?:times|cdot|div)(?![a-zA-Z])|x(?=[ \t]))[ \t]*(?:\\?\$)?\d)"
)
ANNOTATION_RE = re.compile(rf"<<[^<>=]*=[ \t]*-?({NUMBER_PATTERN})[ \t]*>>-?({NUMBER_PATTERN})?")
_STRIP_RE = re.compile(r"<<[^<>]*>>")
_DIGIT_RE = re.compile(r"[0-9]")
_DIGITS = frozenset("0123456789")
# The left-hand side of an "=" ends at the nearest "=", line break or clause break (or 80
# characters back); matched from the window start, the greedy ".*" ends at the last stop.
_LAST_STOP_RE = re.compile(r".*(?:=|\n|[,.;:] )", re.DOTALL)
_LHS_WINDOW = 80
TOKEN_SPLIT_RE = re.compile(f"({NUMBER_PATTERN})")
_NUMBER_RE = re.compile(NUMBER_PATTERN)
_FINAL_MARKERS = ("The answer is", "####")
_BOXED = "\\boxed{"


def strip_annotations(text: str) -> str:
    """``text`` without GSM8K ``<<...>>`` calculator annotations."""
    return _STRIP_RE.sub("", text) if "<<" in text else text


def final_start(text: str) -> int:
    """Offset where the final-answer tail starts (``len(text)`` when there is none).

    GSM8K's ``####`` and MetaMathQA's ``The answer is`` (the last of each, the earlier of
    the two) as before; a solution with neither is cut where the shared final-answer finder
    (:mod:`pairgen.sources.final_answer`: ``Answer: X``, ``ANSWER:A``, ``\\boxed``, ...)
    finds its answer, so the arithmetic rule on a user's solutions never edits after it."""
    cut = len(text)
    for marker in _FINAL_MARKERS:
        at = text.rfind(marker)
        if 0 <= at < cut:
            cut = at
    if cut == len(text):
        shared = final_answer_start(text)
        cut = cut if shared is None else shared
    return cut


def boxed_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ``\\boxed{...}``, braces matched."""
    spans = []
    at = text.find(_BOXED)
    while at >= 0:
        depth, i = 1, at + len(_BOXED)
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        spans.append((at, i))
        at = text.find(_BOXED, i)
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= pos < end for start, end in spans)


def _lhs_has_digit(text: str, eq: int) -> bool:
    """Whether the left-hand side of the ``=`` at ``eq`` contains a digit (see module doc)."""
    if text[eq - 1 : eq] in _DIGITS or (eq > 1 and text[eq - 2] in _DIGITS):
        return True  # "48/2 = 24", "3*2=6": no stop fits between that digit and the "="
    return _DIGIT_RE.search(text, lhs_start(text, eq), eq) is not None


def lhs_start(text: str, eq: int) -> int:
    """Where the left-hand side of the ``=`` at ``eq`` starts (module doc, rule 1)."""
    window = max(0, eq - _LHS_WINDOW)
    stop = _LAST_STOP_RE.match(text, window, eq)
    start = stop.end() if stop else window
    if text[start - 1 : start] == "\n" and not text[start:eq].strip(" \t&\\$"):
        # "&= 12" or "= 12" opening a line continues the equation on the line above
        prev_eq = text.rfind("=", 0, start)
        start = max(0, prev_eq + 1)
    return start


def annotation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ``<<...>>`` calculator annotation."""
    return [m.span() for m in _STRIP_RE.finditer(text)] if "<<" in text else []


def annotated_results(text: str, cut: int) -> tuple[list[Result], bool]:
    """The results GSM8K calculator annotations state before ``cut`` (rule 2 of the module
    doc), and whether any annotation parsed there (then the ``=`` inside annotations are
    no plain results)."""
    results: list[Result] = []
    annotations = False
    for m in ANNOTATION_RE.finditer(text, 0, cut):
        annotations = True
        result, visible = m.group(1, 2)
        if len(result) > MAX_NUMBER_CHARS:
            continue
        if visible is not None and (visible == result or same_value(result, visible)):
            if len(visible) <= MAX_NUMBER_CHARS:
                results.append((m.start(2), m.end(2), m.start(1), m.end(1)))
        else:
            results.append((m.start(1), m.end(1), -1, -1))
    return results, annotations


def replace_result(text: str, result: Result, new: str) -> str:
    """``text`` with ``result``'s value written as ``new``: an annotated result changes in
    the annotation (without thousands commas, as GSM8K writes them) and in the visible
    number together, so the two never disagree."""
    start, end, ann_start, ann_end = result
    if ann_start < 0:
        return text[:start] + new + text[end:]
    return text[:ann_start] + new.replace(",", "") + text[ann_end:start] + new + text[end:]


def find_results(text: str, final_ok: bool = False) -> list[Result]:
    """Every intermediate result of a solution, in text order (definition: module doc).

    ``final_ok=True`` drops rule 5 (results equal to the final answer count), to tell a
    row whose only results compute the final answer from one with no result at all."""
    cut = final_start(text)
    boxed = boxed_spans(text) if _BOXED in text else []
    results: list[Result] = []
    annotations = False
    if "<<" in text:
        results, annotations = annotated_results(text, cut)
    for m in _PLAIN_RE.finditer(text, 0, cut):
        eq = m.start()
        if annotations and text.rfind("<<", 0, eq) > text.rfind(">>", 0, eq):
            continue  # the "=" of a calculator annotation
        if boxed and _inside(m.start(1), boxed):
            continue
        if m.end(1) - m.start(1) <= MAX_NUMBER_CHARS and _lhs_has_digit(text, eq):
            results.append((m.start(1), m.end(1), -1, -1))
    if annotations:
        results.sort(key=lambda r: r[2] if r[2] >= 0 else r[0])
    final = None if final_ok else final_value(text)
    if final is not None:
        results = [r for r in results if not is_final_value(text, r, final)]
    return results


def final_value(text: str) -> str | None:
    """The final answer's number token when the final answer is one number (``#### 72``,
    ``The answer is: $1,200``), else ``None`` (no final answer, or not a single number)."""
    answer = final_answer(text)
    if answer is None:
        return None
    tokens = _NUMBER_RE.findall(answer)
    return tokens[0] if len(tokens) == 1 else None


def is_final_value(text: str, result: Result, final: str) -> bool:
    """Whether ``result`` (its visible token, else its annotation's) equals ``final``."""
    start, end, ann_start, ann_end = result
    token = text[start:end] if start >= 0 else text[ann_start:ann_end]
    return is_number(token) and same_value(token, final)


def first_diff(a: str, b: str, start: int) -> int:
    """First offset >= ``start`` where ``a`` and ``b`` differ (they agree before ``start``)."""
    end = min(len(a), len(b))
    while start < end and a[start] == b[start]:
        start += 1
    return start


def final_answer(text: str) -> str | None:
    """The final answer of a solution: after ``The answer is``, else ``####``, else the last
    ``\\boxed{}``, else what the shared finder reads (``Answer: 10``); ``None`` when the
    solution states none."""
    at = text.rfind("The answer is")
    if at >= 0:
        return text[at + len("The answer is") :].lstrip(":").strip()
    at = text.rfind("####")
    if at >= 0:
        return text[at + 4 :].strip()
    spans = boxed_spans(text) if _BOXED in text else []
    if spans:
        start, end = spans[-1]
        return text[start + len(_BOXED) : end - 1].strip()
    return final_answer_text(text)  # ``Answer: 10``, ``ANSWER:A``, ... (the shared finder)


def check_arithmetic_pair(
    chosen: str, rejected: str, edit_start: int, chosen_value: str, rejected_value: str
) -> str | None:
    """``None`` if the pair differs in exactly one intermediate result (module doc), else a
    stable violation code: ``identical``, ``structure_changed``,
    ``multiple_numbers_changed``, ``annotation_inconsistent``, ``not_intermediate_result``,
    ``value_mismatch``, ``same_value``, ``format_changed``, ``final_answer_changed``,
    ``edit_start_mismatch``, and ``chosen_annotation_wrong`` when the edited GSM8K
    annotation of the chosen text does not hold."""
    if chosen == rejected:
        return "identical"
    a, b = TOKEN_SPLIT_RE.split(chosen), TOKEN_SPLIT_RE.split(rejected)
    if len(a) != len(b):
        return "structure_changed"
    diffs: list[int] = []
    offsets: list[int] = []
    pos = 0
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            if i % 2 == 0:
                return "structure_changed"
            diffs.append(i)
            offsets.append(pos)
        pos += len(x)
    if len(diffs) > 2:
        return "multiple_numbers_changed"
    results = find_results(chosen)
    if len(diffs) == 1:
        if not any(r[0] == offsets[0] and r[2] < 0 for r in results):
            linked = any(offsets[0] in (r[0], r[2]) for r in results)
            return "annotation_inconsistent" if linked else "not_intermediate_result"
    else:
        if not any(r[2] == offsets[0] and r[0] == offsets[1] for r in results):
            return "multiple_numbers_changed"
        if not same_value(b[diffs[0]], b[diffs[1]]):
            return "annotation_inconsistent"
    value = diffs[-1]
    if a[value] != chosen_value or b[value] != rejected_value:
        return "value_mismatch"
    if same_value(chosen_value, rejected_value):
        return "same_value"
    if not same_format(chosen_value, rejected_value):
        return "format_changed"
    if final_answer(chosen) != final_answer(rejected):
        return "final_answer_changed"
    if edit_start != first_diff(chosen, rejected, offsets[0]):
        return "edit_start_mismatch"
    return check_annotation_claim(chosen, rejected, offsets[0])


__all__ = [
    "ANNOTATION_RE",
    "TOKEN_SPLIT_RE",
    "Result",
    "annotated_results",
    "annotation_spans",
    "boxed_spans",
    "check_arithmetic_pair",
    "final_answer",
    "final_start",
    "final_value",
    "find_results",
    "first_diff",
    "is_final_value",
    "lhs_start",
    "replace_result",
    "strip_annotations",
]
