"""``--source choice``: any multiple-choice dataset, by column mapping.

Roles: ``question`` (alias ``prompt``; default column ``question``), ``choices`` (default
``choices``) and ``answer`` (default ``answer``), optional ``id``.  The choices may be

- one column holding a list of texts (MMLU ``choices``): labelled ``A``, ``B``, ...;
- one column holding a ``{text: [...], label: [...]}`` struct (ARC): its own labels;
- several columns, comma-separated in the mapping (``choices=sol1,sol2``, PIQA): one
  choice each, labelled ``A``, ``B``, ... in that order.

The answer may be an index (an integer, or digits as text: HellaSwag stores ``"2"``), a
label (``"B"``), or the text of the right choice; a label is tried before digits, so ARC's
digit labels (``"1"``..``"4"``) stay labels.  A negative index or an empty answer is an
unlabeled row (PIQA's test split: ``label`` -1), rejected as ``unlabeled``.

The prompt lists the choices under their labels (``{choices}`` in a template, required:
the validator checks that a labelled completion is a choice the prompt lists).  Pairs are
the choice strategy's: one per wrong choice, the gold answer chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pairgen.config.source_settings import column_list
from pairgen.errors import PairgenError, RowRejected
from pairgen.record import Example
from pairgen.sources.arc import _choices as checked_choices
from pairgen.sources.base import require_text
from pairgen.sources.choices import answer_completion, format_choice_line
from pairgen.sources.generic.base import GenericSource, role_columns
from pairgen.sources.generic.template import PromptTemplate

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class GenericChoice(GenericSource):
    """Question, choices and answer columns; one pair per wrong choice."""

    name = "choice"
    hub_repo = ""
    default_strategy = "choice"
    example_kind = "choices"
    license = "unknown"  # a user's dataset: --license says which
    pretty_name = "your multiple-choice dataset"
    citation = ""
    roles = ("question", "choices", "answer", "id")
    required_roles = ("question", "choices", "answer")
    columns = role_columns(question="question", choices="choices", answer="answer")
    template = PromptTemplate.parse("Question: {question}\n{choices}\nAnswer:\n")

    @classmethod
    def parse_template(cls, text: str) -> PromptTemplate:
        template = PromptTemplate.parse(text)
        if "{choices}" not in text:
            raise PairgenError(
                f"a {cls.name} template must place the labelled choices with {{choices}}"
            )
        return template

    def text_roles(self) -> tuple[str, ...]:
        several = len(column_list(self.columns["choices"])) > 1
        return ("question", "choices") if several else ("question",)

    def to_example(
        self, row: Mapping[str, Any], *, config: str, split: str, row_index: int
    ) -> Example:
        question = require_text(row, self.columns["question"]).strip()
        texts, labels = self.row_choices(row)
        return Example(
            source=self.name,
            config=config,
            split=split,
            source_id=self.source_id(row, row_index),
            question=question,
            choices=tuple(texts),
            choice_labels=tuple(labels),
            answer_index=answer_index(row.get(self.columns["answer"]), texts, labels),
            meta=self.example_meta(row),
        )

    def row_choices(self, row: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        """Texts and labels of a row's choices, checked as ARC's are (empty, duplicates,
        2 to 26 choices)."""
        names = column_list(self.columns["choices"])
        if len(names) > 1:
            value: Any = [require_text(row, name) for name in names]
        else:
            value = row.get(names[0])
        if isinstance(value, list | tuple):
            if not all(isinstance(text, str) for text in value):
                raise RowRejected("malformed_choices", "choice texts must be strings")
            value = {"text": list(value), "label": list(LETTERS[: len(value)])}
        return checked_choices(value)

    def choice_lines(self, example: Example) -> str:
        return "\n".join(
            format_choice_line(label, text)
            for label, text in zip(example.choice_labels, example.choices, strict=True)
        )

    def render_answer(self, example: Example) -> str:
        return answer_completion(example)


def answer_index(value: object, texts: list[str], labels: list[str]) -> int | None:
    """The index of the answer (module doc), ``None`` when the row is unlabeled."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value < 0:
            return None
        if value >= len(texts):
            raise RowRejected("unknown_answer_key", f"answer index {value} of {len(texts)} choices")
        return value
    if not isinstance(value, str):
        raise RowRejected("bad_field_type", f"answer is {type(value).__name__}")
    key = value.strip()
    if not key or key == "-1":
        return None
    if key in labels:
        return labels.index(key)
    if key.isascii() and key.isdigit():
        return answer_index(int(key), texts, labels)
    normal = " ".join(key.split())
    if normal in texts:
        return texts.index(normal)
    raise RowRejected("unknown_answer_key", f"answer {key!r} is no label, index or choice text")


__all__ = ["GenericChoice", "answer_index"]
