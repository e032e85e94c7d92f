"""ARC, the AI2 Reasoning Challenge (``allenai/ai2_arc``): grade-school science questions.

Hub schema: ``id``, ``question``, ``choices: {"text": [...], "label": [...]}``,
``answerKey``.  Labels are letters (``A``..``E``) or, for some questions from other
exams, digits (``1``..``4``); questions have 3 to 5 choices.  The prompt lists the
choices under their own labels, so a pair can name its answer by label
(see :mod:`pairgen.strategies.choice.strategy` for the completion templates).  Choices
and labels are read as every listed-choice source reads them
(:mod:`pairgen.sources.choice_rows`): a label written ``(A)``, ``A)`` or ``A.`` (and an
``answerKey`` written so) is ``A``, and whitespace inside a choice is kept.

Reject codes: ``missing_field``/``bad_field_type``/``empty_field`` (a text field),
``malformed_choices`` (not a text/label mapping of equal-length lists of strings),
``empty_choice``, ``duplicate_label``, ``too_few_choices`` (under 2),
``too_many_choices`` (over ``MAX_CHOICES``), ``unlabeled`` (empty ``answerKey``) and
``unknown_answer_key`` (an ``answerKey`` no label matches); ``duplicate_id`` when an ``id``
repeats within a split (the first row keeps it), ``bad_encoding`` and ``too_long`` for
any field (:mod:`pairgen.sources.fields`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources.base import Source, require_text
from pairgen.sources.choice_rows import read_choices
from pairgen.sources.choices import answer_completion, bare_label, format_choice_line


class ARC(Source):
    """ARC-Challenge and ARC-Easy multiple-choice science questions."""

    name = "arc"
    hub_repo = "allenai/ai2_arc"
    configs = ("ARC-Challenge", "ARC-Easy")
    splits = ("train", "validation", "test")
    required_columns = ("id", "question", "choices", "answerKey")
    id_column = "id"
    text_columns = ("id", "question", "answerKey")
    default_strategy = "choice"
    example_kind = "choices"
    license = "cc-by-sa-4.0"
    pretty_name = "AI2 Reasoning Challenge (ARC)"
    citation = """@article{allenai:arc,
  author  = {Peter Clark and Isaac Cowhey and Oren Etzioni and Tushar Khot and
             Ashish Sabharwal and Carissa Schoenick and Oyvind Tafjord},
  title   = {Think you have Solved Question Answering? Try ARC, the AI2 Reasoning Challenge},
  journal = {arXiv:1803.05457v1},
  year    = {2018},
}"""

    def column_types(self) -> dict[str, pa.DataType]:
        """Text columns as strings, and ``choices`` as its text and label lists."""
        texts = pa.list_(pa.string())
        choices = pa.struct([pa.field("text", texts), pa.field("label", texts)])
        return {**super().column_types(), "choices": choices}

    def to_example(
        self, row: Mapping[str, Any], *, config: str, split: str, row_index: int
    ) -> Example:
        question = require_text(row, "question").strip()
        texts, labels = read_choices(row.get("choices"))
        answer_key = row.get("answerKey")
        if answer_key is None or (isinstance(answer_key, str) and not answer_key.strip()):
            raise RowRejected("unlabeled", "answerKey is empty")
        answer_key = bare_label(str(answer_key))
        if answer_key not in labels:
            raise RowRejected(
                "unknown_answer_key", f"answerKey {answer_key!r} is none of the labels {labels}"
            )
        return Example(
            source=self.name,
            config=config,
            split=split,
            source_id=self.source_id(row, row_index),
            question=question,
            choices=tuple(texts),
            choice_labels=tuple(labels),
            answer_index=labels.index(answer_key),
        )

    def render_question(self, example: Example) -> str:
        """``Question: ...`` then one ``(label) text`` line per choice, then ``Answer:``."""
        lines = [f"Question: {example.question}"]
        lines += [
            format_choice_line(label, text)
            for label, text in zip(example.choice_labels, example.choices, strict=True)
        ]
        return "\n".join(lines) + "\nAnswer:\n"

    def render_answer(self, example: Example) -> str:
        """The correct completion, in the template the pairs use."""
        return answer_completion(example)


__all__ = ["ARC"]
