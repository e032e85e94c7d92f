"""The choice strategy: one minimal pair per wrong answer of a multiple-choice question.

This is how the Smaug ``ARC``/``HellaSwag`` ``_DPO_FewShot`` sets were made: the chosen
completion is the labelled answer, and every other choice gives one rejected completion
(3 pairs for a 4-choice question).  The prompt is the same for all pairs of a question.

Completion templates (``ChoiceOptions.choice_template``), for sources that list the
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
from collections.abc import Mapping, Sequence
from typing import Any

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources.choices import TEMPLATE_META_KEY, choice_completion
from pairgen.sources.markup import with_raw_text
from pairgen.strategies.base import Strategy
from pairgen.strategies.choice.check import (
    NAME,
    check_choice_group,
    check_choice_pair,
    check_question,
    question_summary,
)
from pairgen.strategies.choice.options import CHOICE_TEMPLATES, ChoiceOptions


class ChoiceStrategy(Strategy):
    """Pairs the labelled answer with each wrong choice in turn."""

    name = NAME
    Options = ChoiceOptions
    example_kind = "choices"
    # the prompt too: a labelled completion must be a choice the prompt lists
    check_columns = ("prompt", "edit_kind", *Strategy.check_columns)

    def __init__(self, options: ChoiceOptions) -> None:
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

    def make_pairs(self, example: Example, rng: random.Random) -> list[Example]:
        """One pair per wrong choice; deterministic, so ``rng`` is not drawn from."""
        example = self.prepare(example)
        answer = _checked_answer_index(example)
        labels = example.choice_labels
        template = self.options.choice_template
        chosen = choice_completion(example, answer, template)
        answer_text = " ".join(example.choices[answer].split())
        wrong = [index for index in range(len(example.choices)) if index != answer]
        pairs = []
        for pair_index, index in enumerate(wrong):
            rejected = choice_completion(example, index, template)
            # a wrong choice whose text is the answer's (up to whitespace) makes no pair
            # under any template, though its label alone would tell the completions apart
            if rejected == chosen or " ".join(example.choices[index].split()) == answer_text:
                raise RowRejected(
                    "duplicate_choice",
                    f"choice {labels[index]!a} reads the same as the answer {labels[answer]!a}",
                )
            pairs.append(
                example.paired(
                    chosen=chosen,
                    rejected=rejected,
                    strategy=self.name,
                    chosen_value=labels[answer],
                    rejected_value=labels[index],
                    pair_index=pair_index,
                    edit_kind="choice",
                )
            )
        return pairs

    def check_pair(self, row: Mapping[str, Any]) -> str | None:
        """:func:`~pairgen.strategies.choice.check.check_choice_pair`; ``edit_kind``
        ``choice`` (the column is outside the rows digest, so it is checked here)."""
        if row.get("edit_kind") != "choice":
            return f"edit_kind is {row.get('edit_kind')!r}, a choice pair edits a 'choice'"
        return check_choice_pair(row)

    def group_summary(self, row: Mapping[str, Any]) -> Mapping[str, Any]:
        return question_summary(row)

    def check_group(self, summaries: Sequence[Mapping[str, Any]]) -> str | None:
        """:func:`~pairgen.strategies.choice.check.check_question`."""
        return check_question(summaries)


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


__all__ = [
    "CHOICE_TEMPLATES",
    "ChoiceStrategy",
    "check_choice_group",
    "check_choice_pair",
]
