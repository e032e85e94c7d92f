"""What a stored choice pair promises, checked from the output alone (``pairgen validate``).

Per pair (:func:`check_choice_pair`): chosen and rejected differ, so do their labels;
``edit_start`` is the offset of their first difference; and with a labelled template
each completion carries its own label and a text that the prompt's last question lists
under that label, so the chosen completion is the choice named by ``chosen_value`` and a
prompt moved to another question's pairs no longer lists their texts.

Per question (:func:`check_question`, on :func:`question_summary` of each pair): one
question's pairs share prompt, chosen and chosen_value (so a chosen/rejected swap in one
pair shows), number their wrong choices ``0..n-1``, never reject the same label twice,
and with a labelled template there is one pair per choice the prompt lists, less the
answer (so a deleted pair shows).

What the output cannot tell: whether ``chosen_value`` is the dataset's answer key (the
prompt does not say which choice is right), and for continuations (HellaSwag, whose
prompts do not list the endings) the label/text binding and a missing pair.  Those need
the source rows: ``pairgen validate --rebuild``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pairgen.sources import SOURCES, get_source
from pairgen.sources.choices import SENTENCE_PREFIX, format_choice_label, format_choice_line

NAME = "choice"  # the registered name of the choice strategy
_CHOICE_LINE_RE = re.compile(r"^\([^()\s]+\) ", re.MULTILINE)


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
    question = _last_question(prompt)
    for name, text, value in (
        ("chosen", chosen, chosen_value),
        ("rejected", rejected, rejected_value),
    ):
        texts = _labelled_texts(text, value)
        if texts is None:
            return f"{name} does not start with the label {format_choice_label(value)}"
        if not any(f"\n{format_choice_line(value, t)}\n" in f"\n{question}\n" for t in texts):
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

    The prompt is kept as a digest (agreement is all that is compared) and as the
    number of choices its last question lists (``None`` for unlabelled completions).
    """
    prompt = _as_text(row.get("prompt")) or ""
    chosen = _as_text(row.get("chosen"))
    chosen_value = str(row.get("chosen_value", ""))
    labelled = chosen is not None and _labelled_texts(chosen, chosen_value) is not None
    return {
        "prompt": hashlib.blake2b(prompt.encode("utf-8", "surrogatepass")).digest(),
        "chosen": chosen,
        "chosen_value": chosen_value,
        "rejected_value": row.get("rejected_value"),
        "pair_index": row.get("pair_index"),
        "choices_listed": (
            len(_CHOICE_LINE_RE.findall(_last_question(prompt))) if labelled else None
        ),
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
    listed = first.get("choices_listed")
    if listed is not None and listed != len(summaries) + 1:
        return f"the prompt lists {listed} choices but the question has {len(summaries)} pairs"
    return None


def check_choice_group(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """:func:`check_question` on whole rows (all the pairs of one question)."""
    return check_question([question_summary(row) for row in rows])


def _last_question(prompt: str) -> str:
    """The question being answered: the prompt after its last few-shot exemplar."""
    return prompt.rsplit("\n\n", 1)[-1]


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
