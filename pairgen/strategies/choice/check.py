"""What a stored choice pair promises, checked from the output alone (``pairgen validate``).

Per pair (:func:`check_choice_pair`): chosen and rejected differ, so do their labels;
``edit_start`` is the offset of their first difference; and with a labelled template
each completion carries its own label and a text that the prompt lists under that label
(the exact ``(label) text`` line(s), :func:`~pairgen.sources.choices.listed_span`), so
the chosen completion is the choice named by ``chosen_value`` and a prompt moved to
another question's pairs no longer lists their texts.

Per question (:func:`check_question`, on :func:`question_summary` of each pair): one
question's pairs share prompt, chosen and chosen_value (so a chosen/rejected swap in one
pair shows), number their wrong choices ``0..n-1``, never reject the same label twice,
and with a labelled template the choices the pairs name are one block of the prompt with
no choice of their label sequence before, between or after them, so every choice the
prompt lists has its pair, less the answer (a deleted pair shows).  The block is found
from the pairs' own labels and texts, the one reading the build writes
(:mod:`pairgen.sources.choices`): a question's own enumeration (``(I) ... (IV)``) is not a
choice, and a choice may span lines (code).

What the output cannot tell: whether ``chosen_value`` is the dataset's answer key (the
prompt does not say which choice is right), and for continuations (HellaSwag, whose
prompts do not list the endings) the label/text binding and a missing pair.  Those need
the source rows: ``pairgen validate --rebuild``.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from pairgen.sources import SOURCES, get_source
from pairgen.sources.choices import (
    SENTENCE_PREFIX,
    format_choice_label,
    label_after,
    label_before,
    listed_span,
    next_label,
    previous_label,
)

NAME = "choice"  # the registered name of the choice strategy
# where the prompt lists one choice: start, end, and the labels of the choice-like lines
# just above and just below it
Listed = tuple[int, int, str | None, str | None]


def common_prefix_length(a: str, b: str) -> int:
    """Characters ``a`` and ``b`` share from the start (the offset of the first edit)."""
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def check_choice_pair(row: Mapping[str, Any]) -> str | None:
    """What is wrong with one stored choice-strategy pair row, or ``None`` if nothing."""
    if "strategy" in row and row["strategy"] != NAME:
        return f"strategy is {row.get('strategy')!r}, not {NAME!r}"
    prompt, chosen, rejected = (_as_text(row.get(key)) for key in ("prompt", "chosen", "rejected"))
    if prompt is None or chosen is None or rejected is None:
        return "prompt, chosen and rejected must be strings or message lists"
    chosen_value, rejected_value = (
        str(row.get("chosen_value", "")),
        str(row.get("rejected_value", "")),
    )
    if not chosen_value or not rejected_value:
        return "chosen_value and rejected_value must name choice labels"
    if chosen == rejected:
        return "chosen and rejected are the same text"
    if chosen_value == rejected_value:
        return f"chosen_value and rejected_value are both {chosen_value!r}"
    if int(row.get("pair_index", -1)) < 0:
        return f"pair_index {row.get('pair_index')!r} is negative"
    first_difference = common_prefix_length(chosen, rejected)
    if row.get("edit_start") != first_difference:
        edit_start = row.get("edit_start")
        return f"edit_start is {edit_start!r}, but chosen and rejected differ at {first_difference}"
    if completes_context(row.get("source")):
        return None  # a continuation (HellaSwag): no label in the completion to check
    for name, text, value in (
        ("chosen", chosen, chosen_value),
        ("rejected", rejected, rejected_value),
    ):
        if _labelled_texts(text, value) is None:
            return f"{name} does not start with the label {format_choice_label(value)}"
        if _listed(prompt, text, value) is None:
            return f"{name} is not the text the prompt lists as choice {format_choice_label(value)}"
    return None


def completes_context(source_name: object) -> bool:
    """Whether a source's completions continue the prompt rather than name a choice.

    Decided by the source, never by the row's own text, so a pair whose label was
    tampered with cannot pass as a continuation.
    """
    if not isinstance(source_name, str) or source_name not in SOURCES:
        return False
    return get_source(source_name).completes_context


def question_summary(row: Mapping[str, Any]) -> dict[str, Any]:
    """What the per-question check needs of one pair: small, whatever the prompt's size.

    The prompt is kept as a digest (agreement is all that is compared) and as where it
    lists the two choices the pair names, with their neighbours' labels (``None`` for
    unlabelled completions).
    """
    prompt = _as_text(row.get("prompt")) or ""
    chosen = _as_text(row.get("chosen"))
    chosen_value = str(row.get("chosen_value", ""))
    labelled = chosen is not None and _labelled_texts(chosen, chosen_value) is not None
    listed: dict[str, Listed] | None = None
    if labelled:
        listed = {}
        for completion, value in (
            (chosen, chosen_value),
            (row.get("rejected"), row.get("rejected_value")),
        ):
            text = _as_text(completion)
            span = None if text is None else _listed(prompt, text, str(value))
            if span is not None:
                listed[str(value)] = span
    return {
        "prompt": hashlib.blake2b(prompt.encode("utf-8", "surrogatepass")).digest(),
        "chosen": chosen,
        "chosen_value": chosen_value,
        "rejected_value": row.get("rejected_value"),
        "pair_index": row.get("pair_index"),
        "listed": listed,
    }


def check_question(summaries: Sequence[Mapping[str, Any]]) -> str | None:
    """What is wrong with all the pairs of one question together (module doc), or ``None``."""
    if not summaries:
        return None
    first = summaries[0]
    for key in ("prompt", "chosen", "chosen_value"):
        if any(summary.get(key) != first.get(key) for summary in summaries):
            return f"pairs of one question disagree on {key}"
    indices = sorted(int(summary.get("pair_index", -1)) for summary in summaries)
    if indices != list(range(len(summaries))):
        return f"pair_index values {indices} are not 0..{len(summaries) - 1}"
    rejected_values = [summary.get("rejected_value") for summary in summaries]
    if len(set(rejected_values)) != len(rejected_values):
        return f"a wrong choice is rejected twice: {rejected_values}"
    if first.get("listed") is not None:
        return _check_block(summaries)
    return None


def _check_block(summaries: Sequence[Mapping[str, Any]]) -> str | None:
    """The choices the pairs name are adjacent in the prompt, with no choice of their label
    sequence right above or below them (a choice without its pair)."""
    listed: dict[str, Listed] = {}
    for summary in summaries:
        listed.update(summary.get("listed") or {})
    block = sorted(listed.items(), key=lambda item: item[1][0])
    missing = f"the question has {len(summaries)} pairs, but the prompt lists choice"
    for (label, span), (following, next_span) in itertools.pairwise(block):
        if span[1] + 1 != next_span[0]:
            between = f"{format_choice_label(label)} and {format_choice_label(following)}"
            return f"{missing} text between {between} that no pair names"
    first_label, first = block[0]
    last_label, last = block[-1]
    before, after = previous_label(first_label), next_label(last_label)
    if before is not None and first[2] == before:
        return f"{missing} {format_choice_label(before)}, which no pair names"
    if after is not None and last[3] == after:
        return f"{missing} {format_choice_label(after)}, which no pair names"
    return None


def check_choice_group(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """:func:`check_question` on whole rows (all the pairs of one question)."""
    return check_question([question_summary(row) for row in rows])


def _listed(prompt: str, completion: str, label: str) -> Listed | None:
    """Where the prompt lists the choice a labelled completion names, or ``None``."""
    for text in _labelled_texts(completion, label) or ():
        span = listed_span(prompt, label, text)
        if span is not None:
            start, end = span
            return start, end, label_before(prompt, start), label_after(prompt, end)
    return None


def _as_text(value: object) -> str | None:
    """A standard-format string, or the content of a conversational message list's last turn."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[-1], Mapping):
        content = value[-1].get("content")
        return content if isinstance(content, str) else None
    return None


def _labelled_texts(completion: str, label: str) -> list[str] | None:
    """The answer text(s) a labelled completion may stand for, or ``None`` if unlabelled."""
    prefix = format_choice_label(label) + " "
    if completion.startswith(prefix):
        return [completion[len(prefix) :]]
    if completion.startswith(SENTENCE_PREFIX + prefix):
        body = completion[len(SENTENCE_PREFIX + prefix) :]
        return [body, body[:-1]] if body.endswith(".") else [body]
    return None


__all__ = [
    "NAME",
    "check_choice_group",
    "check_choice_pair",
    "check_question",
    "common_prefix_length",
    "completes_context",
    "question_summary",
]
