"""The choice strategy: one minimal pair per wrong answer of a multiple-choice question.

This is how the Smaug ``ARC``/``HellaSwag`` ``_DPO_FewShot`` sets were made: the chosen
completion is the labelled answer, and every other choice gives one rejected completion
(3 pairs for a 4-choice question).  The prompt is the same for all pairs of a question.

Completion templates (``StrategyOptions.choice_template``), for sources that list the
choices in the prompt (ARC):

- ``"letter"`` (default): the label in the prompt's form, then the answer text:
  ``(B) photosynthesis``.  Chosen and rejected differ from the label on.
- ``"sentence"``: a whole answer sentence, ``The answer is (B) photosynthesis.`` (no full
  stop added when the text already ends with ``.``, ``!`` or ``?``).  The shared
  ``The answer is (`` prefix puts the edit inside the completion rather than at its start.

Sources whose prompt is a context to continue (HellaSwag marks its examples with
``meta["continuation"]``) use the ending itself in both templates, after one space unless
the ending starts with punctuation or an apostrophe (``, then he ...``, ``'s hands ...``):
the ending already completes a sentence.

``chosen_value``/``rejected_value`` are the choice labels (``"B"``/``"D"``; HellaSwag's
``"0"``..``"3"``) and ``pair_index`` numbers the wrong choices in their dataset order.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pairgen.errors import PairgenError, RowRejected
from pairgen.record import Example, PairDraft
from pairgen.sources.choices import (
    SENTENCE_PREFIX,
    TEMPLATE_META_KEY,
    choice_completion,
    format_choice_label,
    format_choice_line,
)
from pairgen.sources.markup import with_raw_text
from pairgen.strategies import StrategyOptions
from pairgen.strategies.base import Strategy

CHOICE_TEMPLATES: tuple[str, ...] = ("letter", "sentence")
_CHOICE_LINE_RE = re.compile(r"^\([^()\s]+\) ", re.MULTILINE)


def common_prefix_length(a: str, b: str) -> int:
    """Characters ``a`` and ``b`` share from the start (the offset of the first edit)."""
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


class ChoiceStrategy(Strategy):
    """Pairs the labelled answer with each wrong choice in turn."""

    name = "choice"

    def __init__(self, options: StrategyOptions) -> None:
        if options.choice_template not in CHOICE_TEMPLATES:
            known = ", ".join(CHOICE_TEMPLATES)
            raise PairgenError(
                f"unknown choice template {options.choice_template!r}; known: {known}"
            )
        self.options = options

    def prepare(self, example: Example) -> Example:
        """The example as this strategy's options want it rendered, prompt included.

        Puts the raw (uncleaned) text back when ``clean_markup`` is off and records the
        completion template in ``meta`` so the source's ``render_answer`` (few-shot
        exemplars) writes answers the way the pairs do.  Idempotent.
        """
        if not self.options.clean_markup:
            example = with_raw_text(example)
        if example.meta.get(TEMPLATE_META_KEY, "letter") != self.options.choice_template:
            meta = {**example.meta, TEMPLATE_META_KEY: self.options.choice_template}
            example = dataclasses.replace(example, meta=meta)
        return example

    def make_pairs(self, example: Example, rng: random.Random) -> list[PairDraft]:
        """One pair per wrong choice; deterministic, so ``rng`` is not drawn from."""
        example = self.prepare(example)
        answer = _checked_answer_index(example)
        labels = example.choice_labels
        template = self.options.choice_template
        chosen = choice_completion(example, answer, template)
        wrong = [index for index in range(len(example.choices)) if index != answer]
        drafts = []
        for pair_index, index in enumerate(wrong):
            rejected = choice_completion(example, index, template)
            if rejected == chosen:
                raise RowRejected(
                    "duplicate_choice",
                    f"choice {labels[index]!r} reads the same as the answer {labels[answer]!r}",
                )
            drafts.append(
                PairDraft(
                    chosen=chosen,
                    rejected=rejected,
                    strategy=self.name,
                    edit_start=common_prefix_length(chosen, rejected),
                    chosen_value=labels[answer],
                    rejected_value=labels[index],
                    pair_index=pair_index,
                )
            )
        return drafts


def _checked_answer_index(example: Example) -> int:
    """The answer index of an example a pair can be made from, or the reject why not."""
    if example.answer_index is None:
        raise RowRejected("unlabeled", "the row has no answer label")
    if len(example.choices) != len(example.choice_labels):
        raise RowRejected(
            "malformed_choices",
            f"{len(example.choices)} choices but {len(example.choice_labels)} labels",
        )
    if len(example.choices) < 2:
        raise RowRejected("too_few_choices", f"{len(example.choices)} choice(s)")
    if len(set(example.choice_labels)) != len(example.choice_labels):
        raise RowRejected("duplicate_label", f"labels {list(example.choice_labels)}")
    if not 0 <= example.answer_index < len(example.choices):
        raise RowRejected("unknown_answer_key", f"answer index {example.answer_index}")
    return example.answer_index


# -- checks on stored pair rows (used by ``pairgen validate``) ---------------------------
def check_choice_pair(row: Mapping[str, Any]) -> str | None:
    """What is wrong with one stored choice-strategy pair row, or ``None`` if nothing.

    Checked from the stored columns alone: chosen and rejected differ, so do their
    labels; ``edit_start`` is the offset of their first difference; and for labelled
    templates each completion carries its own label and a text that the prompt's last
    question lists under that label, so the chosen completion is the choice named by
    ``chosen_value``.  Whether ``chosen_value`` is the dataset's answer key needs the
    source row (HellaSwag prompts do not list the endings at all).
    """
    if row.get("strategy") != ChoiceStrategy.name:
        return f"strategy is {row.get('strategy')!r}, not {ChoiceStrategy.name!r}"
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
    if _completes_context(row.get("source")):
        return None  # a continuation (HellaSwag): no label in the completion to check
    chosen_texts = _labelled_texts(chosen, chosen_value)
    question = prompt.rsplit("\n\n", 1)[-1]
    for name, texts, value in (
        ("chosen", chosen_texts, chosen_value),
        ("rejected", _labelled_texts(rejected, rejected_value), rejected_value),
    ):
        if texts is None:
            return f"{name} does not start with the label {format_choice_label(value)}"
        if not any(f"\n{format_choice_line(value, text)}\n" in f"\n{question}\n" for text in texts):
            return f"{name} is not the text the prompt lists as choice {format_choice_label(value)}"
    return None


def _completes_context(source_name: object) -> bool:
    """Whether a source's completions continue the prompt rather than name a choice.

    Decided by the source, never by the row's own text, so a pair whose label was
    tampered with cannot pass as a continuation.
    """
    from pairgen.sources import SOURCE_CLASSES, get_source

    if not isinstance(source_name, str) or source_name not in SOURCE_CLASSES:
        return False
    return get_source(source_name).completes_context


def check_choice_group(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """What is wrong with all the pairs of one question together, or ``None``.

    One question's pairs share prompt, chosen and chosen_value, number their wrong
    choices ``0..n-1`` and never reject the same label twice; with a labelled template
    there is one pair per choice the prompt lists, less the answer.  (HellaSwag prompts
    do not list endings, so a missing HellaSwag pair is only visible against the source.)
    """
    if not rows:
        return None
    first = rows[0]
    for key in ("prompt", "chosen", "chosen_value"):
        if any(row.get(key) != first.get(key) for row in rows):
            return f"pairs of one question disagree on {key}"
    indices = sorted(int(row.get("pair_index", -1)) for row in rows)
    if indices != list(range(len(rows))):
        return f"pair_index values {indices} are not 0..{len(rows) - 1}"
    rejected_values = [row.get("rejected_value") for row in rows]
    if len(set(rejected_values)) != len(rejected_values):
        return f"a wrong choice is rejected twice: {rejected_values}"
    prompt, chosen = _as_text(first.get("prompt")), _as_text(first.get("chosen"))
    chosen_value = str(first.get("chosen_value", ""))
    if prompt and chosen and _labelled_texts(chosen, chosen_value) is not None:
        listed = len(_CHOICE_LINE_RE.findall(prompt.rsplit("\n\n", 1)[-1]))
        if listed != len(rows) + 1:
            return f"the prompt lists {listed} choices but the question has {len(rows)} pairs"
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
