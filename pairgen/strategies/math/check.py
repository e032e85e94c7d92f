"""What a MATH-style pair promises, checked by ``pairgen validate`` with the rule itself.

A pair is valid when the rejected completion is the chosen one with exactly one value
replaced, that value is an intermediate result of the chosen solution under the rule of
:mod:`pairgen.strategies.math.rule` (any tier), the new value is written in the same
format (same digits-and-markup shape) and differs in value, and the stored edit columns
say so.  The specific violation codes name what went wrong: ``edit_in_asy``,
``edit_at_or_after_final_answer``, ``edit_on_problem_number``, ``not_intermediate_result``
(an operand, a label, ...), ``format_changed``, ``same_value``, ``value_mismatch``,
``edit_start_mismatch``, ``identical``, ``not_a_value_edit``, and
``annotation_inconsistent`` (a GSM8K ``<<..=c>>`` result edited alone, or not together
with its visible number).

The problem is read from the stored prompt: with no few-shot exemplars the prompt is the
template around the problem, so a value the prompt states counts as given (a template
that itself writes digits makes the check stricter, never looser).  With exemplars the
prompt also holds other problems' numbers, so the problem condition is left to the build
and the check enforces the rest of the rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pairgen.strategies.arithmetic.results import annotation_spans, replace_result
from pairgen.strategies.math.given import problem_values
from pairgen.strategies.math.rule import analyse
from pairgen.strategies.math.values import (
    VALUE,
    VALUE_RE,
    asy_spans,
    final_answer_start,
    inside,
    match_value,
)

_DIGIT_RE = re.compile(r"[0-9]")
# the rejected value: the value token that ends where the chosen one's tail begins
_VALUE_AT_END_RE = re.compile(r"(?:" + VALUE + r")\Z")


def same_shape(old: str, new: str) -> bool:
    """Whether ``new`` is written like ``old``: same markup, digits only where it has them."""
    return _DIGIT_RE.sub("0", old) == _DIGIT_RE.sub("0", new)


def check_math_pair(row: Mapping[str, Any]) -> str | None:
    """``None`` when the stored pair keeps the rule (module doc), else a violation code."""
    chosen, rejected = str(row["chosen"]), str(row["rejected"])
    if chosen == rejected:
        return "identical"
    prefix = 0
    limit = min(len(chosen), len(rejected))
    while prefix < limit and chosen[prefix] == rejected[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and chosen[-1 - suffix] == rejected[-1 - suffix]:
        suffix += 1
    token = next(
        (
            m
            for m in VALUE_RE.finditer(chosen)
            if m.start() <= prefix and len(chosen) - suffix <= m.end()
        ),
        None,
    )
    linked = token is None and "<<" in chosen
    if linked:  # an annotated result: the annotation's and the visible value changed
        last = len(chosen) - suffix - 1
        token = next((m for m in VALUE_RE.finditer(chosen) if m.start() <= last < m.end()), None)
    if token is None:
        return "not_a_value_edit"
    end = len(rejected) - (len(chosen) - token.end())
    if linked:  # the rejected value ends where the chosen one's common tail begins
        new = _VALUE_AT_END_RE.search(rejected, 0, end)
    else:
        new = VALUE_RE.fullmatch(rejected[token.start() : end])
    if new is None:
        return "not_a_value_edit"
    new_text = new.group()
    cut = final_answer_start(chosen)
    if cut is None or token.end() > cut:
        return "edit_at_or_after_final_answer"
    if inside(token.start(), token.end(), asy_spans(chosen)):
        return "edit_in_asy"
    if inside(token.start(), token.end(), annotation_spans(chosen)):
        return "annotation_inconsistent"
    problem = str(row.get("prompt", "")) if not row.get("shots") else ""
    if problem and match_value(token)[0] in problem_values(problem):
        return "edit_on_problem_number"
    candidate = next(
        (c for c in analyse(problem, chosen)[0] if (c.start, c.end) == token.span()), None
    )
    if candidate is None:
        return "not_intermediate_result"
    if linked or candidate.linked:
        link = candidate.linked or (-1, -1)
        if replace_result(chosen, (*token.span(), *link), new_text) != rejected:
            return "annotation_inconsistent"
    if not same_shape(token.group(), new_text):
        return "format_changed"
    if match_value(new)[0] == match_value(token)[0]:
        return "same_value"
    if row.get("chosen_value") != token.group() or row.get("rejected_value") != new_text:
        return "value_mismatch"
    if row.get("edit_start") != prefix:
        return "edit_start_mismatch"
    return None


__all__ = ["check_math_pair", "same_shape"]
