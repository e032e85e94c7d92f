"""What a MATH-style pair promises, checked by ``pairgen validate`` with the rule itself.

A pair is valid when the rejected completion is the chosen one with exactly one value
replaced, that value is a site of the chosen solution under the rule of
:mod:`pairgen.strategies.math.rule` of the kind the pair's ``edit_kind`` names (a
``result``, a ``standalone`` value, or -- only in a build with ``math_tier: carried`` -- a
``carried`` value, whose token is a bare number, also inside a fraction), the new value is
written in the same format (same digits-and-markup shape), differs in value and equals no
other element of the list the value stands in, and the stored edit columns say so.  The
specific violation codes name what went wrong: ``edit_in_asy``,
``edit_at_or_after_final_answer``, ``edit_on_problem_number``, ``not_intermediate_result``
(an operand, a label, a convention constant, ...), ``edit_kind_mismatch``,
``carried_edit_without_carried_tier``, ``format_changed``, ``same_value``,
``made_list_elements_equal``, ``value_mismatch``, ``edit_start_mismatch``, ``identical``,
``not_a_value_edit``, and ``annotation_inconsistent`` (a GSM8K ``<<..=c>>`` result edited
alone, or not together with its visible number).

The problem is read from the stored prompt: with no few-shot exemplars the prompt is the
template around the problem, so a value the prompt states counts as given (a template
that itself writes digits makes the check stricter, never looser).  With exemplars the
prompt also holds other problems' numbers, so the problem condition is left to the build
and the check enforces the rest of the rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from pairgen.strategies.arithmetic.results import annotation_spans, replace_result
from pairgen.strategies.math.carried import NUMBER_TOKEN_RE
from pairgen.strategies.math.given import given_values
from pairgen.strategies.math.lists import list_siblings
from pairgen.strategies.math.rule import analyse
from pairgen.strategies.math.tiers import EDIT_KINDS, MAX_TIER
from pairgen.strategies.math.values import (
    VALUE,
    VALUE_RE,
    asy_spans,
    final_answer_start,
    inside,
    match_value,
    number_value,
)

_DIGIT_RE = re.compile(r"[0-9]")
# the rejected value: the value token that ends where the chosen one's tail begins
_VALUE_AT_END_RE = re.compile(r"(?:" + VALUE + r")\Z")


def same_shape(old: str, new: str) -> bool:
    """Whether ``new`` is written like ``old``: same markup, digits only where it has them."""
    return _DIGIT_RE.sub("0", old) == _DIGIT_RE.sub("0", new)


def check_math_pair(row: Mapping[str, Any], carried_tier: bool = False) -> str | None:
    """``None`` when the stored pair keeps the rule (module doc), else a violation code.

    ``carried_tier``: the build allowed carried edits (``math_tier: carried``)."""
    chosen, rejected = str(row["chosen"]), str(row["rejected"])
    if chosen == rejected:
        return "identical"
    kind = row.get("edit_kind")
    if kind == "carried" and not carried_tier:
        return "carried_edit_without_carried_tier"
    carried = kind == "carried"
    tokens = NUMBER_TOKEN_RE if carried else VALUE_RE

    def value(m: re.Match[str]) -> Fraction:
        return number_value(m.group()) if carried else match_value(m)[0]

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
            for m in tokens.finditer(chosen)
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
        new = tokens.fullmatch(rejected[token.start() : end])
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
    max_tier = MAX_TIER["carried"] if carried else MAX_TIER["strict"]
    site = next(
        (
            c
            for c in analyse(problem, chosen, max_tier)[0]
            if c.start == token.start() and c.end == token.end()
        ),
        None,
    )
    if site is None:
        # a given value is a site only as the result of an operation on numbers
        if problem and value(token) in given_values(problem):
            return "edit_on_problem_number"
        return "not_intermediate_result"
    if linked or site.linked:
        link = site.linked or (-1, -1)
        if replace_result(chosen, (*token.span(), *link), new_text) != rejected:
            return "annotation_inconsistent"
    if EDIT_KINDS[site.tier] != kind:
        return "edit_kind_mismatch"
    if not same_shape(token.group(), new_text):
        return "format_changed"
    if value(new) == value(token):
        return "same_value"
    if value(new) in list_siblings(chosen, token.start(), token.end()):
        return "made_list_elements_equal"
    if row.get("chosen_value") != token.group() or row.get("rejected_value") != new_text:
        return "value_mismatch"
    if row.get("edit_start") != prefix:
        return "edit_start_mismatch"
    return None


__all__ = ["check_math_pair", "same_shape"]
