"""``--source choice``: any multiple-choice dataset, by column mapping.

Roles: ``question`` (alias ``prompt``; default column ``question``), ``choices`` (default
``choices``) and ``answer`` (default ``answer``), optional ``id``.  The choices may be

- one column holding a list of texts (MMLU ``choices``), or that list written as text
  (a CSV from ``datasets``: ``['a', 'b']`` or JSON);
- one column holding a ``{text: [...], label: [...]}`` struct (ARC): its own labels;
- several columns, comma-separated in the mapping (``choices=sol1,sol2``, PIQA): one
  choice each, in that order.

Texts, labels and whitespace are read by :mod:`pairgen.sources.choice_rows` (labels a
text carries, ``A)21``, are its label).  The answer may be a label, an index counted
from 0 or 1, or the text of the right choice; which, for the whole column, is decided
from the data before the build (:mod:`pairgen.sources.generic.answers`, :meth:`settle`)
or given (``--answer-kind``, ``--answer-base``), never guessed per row.  A negative
index or an empty answer is an unlabeled row (PIQA's test split: ``label`` -1).

The prompt lists the choices under their labels (``{choices}`` in a template, required:
the validator checks that a labelled completion is a choice the prompt lists).  A
fill-in-the-blank sentence (Winogrande's ``_``) stays as written: the blank is what the
choices fill.  Pairs are the choice strategy's: one per wrong choice, the gold answer
chosen.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from pairgen.config.source_settings import SourceSettings, column_list
from pairgen.errors import PairgenError, RowRejected
from pairgen.record import Example
from pairgen.sources.base import require_text
from pairgen.sources.choice_rows import checked_choices, parse_text_list, read_choices
from pairgen.sources.choices import answer_completion, format_choice_line
from pairgen.sources.generic.answers import (
    AnswerSurvey,
    decided_settings,
    kind_names,
    pick,
    readings,
)
from pairgen.sources.generic.base import GenericSource, role_columns
from pairgen.sources.generic.template import PromptTemplate

# (split, row number, row) as the survey reads them
SurveyRow = tuple[str, int, Mapping[str, Any]]


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
    # how the answer column is read (answers module); presets with a fixed schema say so
    answer_kind: ClassVar[str | None] = None
    answer_base: ClassVar[int | None] = None

    @classmethod
    def configured(cls, settings: SourceSettings | None) -> type[GenericSource]:
        """As :meth:`GenericSource.configured`, with the settings' answer reading."""
        configured = super().configured(settings)
        if settings is None or configured is cls:
            return configured
        for name in ("answer_kind", "answer_base"):
            if getattr(settings, name) is not None:
                setattr(configured, name, getattr(settings, name))
        return configured

    def settle(
        self, rows: Iterable[SurveyRow], settings: SourceSettings | None
    ) -> SourceSettings | None:
        """``settings`` with the answer reading the rows decide (module doc), or the
        ``error:`` line when they do not.  Runs before anything is written; reads one row
        when the reading is fixed already (a preset, ``--answer-kind``/``--answer-base``),
        every row otherwise."""
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return settings
        self.check_choice_text(*first)
        if self.answer_kind is not None and (
            self.answer_kind != "index" or self.answer_base is not None
        ):
            return settings
        column = self.columns["answer"]
        survey = AnswerSurvey(column, kind_names(self.answer_kind, self.answer_base))
        for split, number, row in itertools.chain([first], iterator):
            try:
                texts, labels = self.row_choices(row)
                found = readings(row.get(column), texts, labels)
            except RowRejected:
                continue  # the build rejects this row with its reason
            if found is not None:
                survey.add(found, f"{split} row {number}", row.get(column))
        kind, base = decided_settings(survey.decide())
        if kind is None:
            return settings
        return dataclasses.replace(settings or SourceSettings(), answer_kind=kind, answer_base=base)

    def check_choice_text(self, split: str, number: int, row: Mapping[str, Any]) -> None:
        """Refuse a choices column whose (first) text is no list (a NumPy repr, prose):
        every row would be a ``malformed_choices`` reject."""
        names = column_list(self.columns["choices"])
        value = row.get(names[0])
        if len(names) > 1 or not isinstance(value, str) or parse_text_list(value) is not None:
            return
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise PairgenError(
            f"column {names[0]!r} holds text, not a list of choices: {shown!r} "
            f"({split} row {number}); store the choices as a list (JSON Lines, Parquet) or "
            "as a JSON or Python list of strings, or name one column per choice with "
            "--column choices=COLUMN1,COLUMN2,..."
        )

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
            answer_index=self.answer_index(row.get(self.columns["answer"]), texts, labels),
            meta=self.example_meta(row),
        )

    def row_choices(self, row: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        """Texts and labels of a row's choices (:mod:`pairgen.sources.choice_rows`)."""
        names = column_list(self.columns["choices"])
        if len(names) > 1:
            return checked_choices([require_text(row, name) for name in names], None)
        return read_choices(row.get(names[0]))

    def answer_index(self, value: object, texts: list[str], labels: list[str]) -> int | None:
        """The index of the answer, read as settled (module doc); ``None`` when unlabeled."""
        found = readings(value, texts, labels)
        if found is None:
            return None
        kinds = kind_names(self.answer_kind, self.answer_base)
        if self.answer_kind is None and self.answer_base is None:
            kinds = ("label", "text")  # a column of mixed kinds: never a guessed index base
        return pick(found, kinds, value, texts, labels)

    def choice_lines(self, example: Example) -> str:
        return "\n".join(
            format_choice_line(label, text)
            for label, text in zip(example.choice_labels, example.choices, strict=True)
        )

    def render_answer(self, example: Example) -> str:
        return answer_completion(example)


__all__ = ["GenericChoice"]
