"""The base class every dataset source subclasses.

A source knows three things about its dataset: where it lives on the Hub (repo, configs,
splits), which columns a row must have, and how to turn one raw row into the canonical
:class:`~pairgen.record.Example` (the one hook a subclass overrides, :meth:`to_example`).
It also owns the prompt template, because the template is what differs between maths
word problems and multiple-choice questions.  Loading (Hub, files, samples) is not the
source's business: see :mod:`pairgen.sources.inputs`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from pairgen.config.source_settings import DEFAULT_MAX_FIELD_CHARS
from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources.fields import check_fields


class Source(ABC):
    """A dataset pairgen can make pairs from."""

    name: ClassVar[str]
    hub_repo: ClassVar[str]
    configs: ClassVar[tuple[str, ...]]
    # True: any config name is taken (the Hub dataset's own configs, e.g. MMLU's 57
    # subjects), not only ``configs``, whose first is the default.
    open_configs: ClassVar[bool] = False
    splits: ClassVar[tuple[str, ...]]
    # Splits the dataset publishes without answer labels (HellaSwag's and PIQA's test):
    # a build that does not name its splits leaves them out instead of rejecting every row.
    unlabeled_splits: ClassVar[tuple[str, ...]] = ()
    required_columns: ClassVar[tuple[str, ...]]
    default_strategy: ClassVar[str]
    # What its examples hold: "solution" (a worked solution) or "choices" (labelled
    # choices); a strategy for the other kind is refused before any row is read.
    # ``None`` (a plugin that does not say): not checked.
    example_kind: ClassVar[str | None] = None
    license: ClassVar[str]
    pretty_name: ClassVar[str]
    citation: ClassVar[str]
    # True when the completion continues the prompt's context (HellaSwag) instead of
    # answering a question whose choices the prompt lists under labels.
    completes_context: ClassVar[bool] = False
    # The dataset's own row id (ARC ``id``, HellaSwag ``ind``); ``None``: the row index.
    # Ids must be unique within a split: a repeated one is a ``duplicate_id`` reject.
    id_column: ClassVar[str | None] = None
    # Columns file readers must read as strings, never guess a type for (a question
    # ``2021-01-01`` is not a timestamp); see :meth:`column_types` for nested ones.
    text_columns: ClassVar[tuple[str, ...]] = ()
    # Where the bundled samples live (<config>/<split>.jsonl): None for pairgen's own
    # sources (pairgen/sources/samples/<name>/); a plugin's source names its own folder.
    samples_dir: ClassVar[Path | None] = None

    @property
    def default_config(self) -> str:
        return self.configs[0]

    def labeled_splits(self, splits: Sequence[str]) -> list[str]:
        """``splits`` less those the dataset publishes unlabeled (:attr:`unlabeled_splits`),
        which a build that does not name its splits leaves out."""
        return [split for split in splits if split not in self.unlabeled_splits]

    def output_config(self, config: str) -> str:
        """The Hub config name this source/config is written under (``OUT/data/<name>/``).

        Source-qualified so one combined build can hold every source without clashes
        (MetaMathQA and HellaSwag both call their only config ``default``).
        """
        if len(self.configs) == 1 and config == self.configs[0]:
            return self.name
        return f"{self.name}-{config.lower().removeprefix(self.name + '-')}"

    def column_types(self) -> dict[str, pa.DataType]:
        """Arrow types a file reader must give these columns instead of inferring them."""
        return dict.fromkeys(self.text_columns, pa.string())

    def source_id(self, row: Mapping[str, Any], row_index: int) -> str:
        """A stable id for a row: the :attr:`id_column` (an int, or text without its
        surrounding whitespace), else the row index.

        Never fails and is always writable text, whatever the row holds: an id that is
        not valid Unicode comes back escaped (``\\ud800``), and :meth:`read_row` rejects
        the row as ``bad_encoding``.  Depends on the id column alone, so the build can
        find repeated ids without reading the rest of the row.
        """
        value = row.get(self.id_column) if self.id_column is not None else None
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not value.strip():
            return str(row_index)
        text = value.strip()
        return text if text.isascii() else text.encode("utf-8", "backslashreplace").decode()

    def read_row(
        self,
        row: Mapping[str, Any],
        *,
        config: str,
        split: str,
        row_index: int,
        max_field_chars: int = DEFAULT_MAX_FIELD_CHARS,
    ) -> Example:
        """A raw row as an example, or ``RowRejected``: the fields this source reads are
        checked first (:func:`~pairgen.sources.fields.check_fields`: ``bad_encoding``,
        ``too_long``), then :meth:`to_example` maps them and :func:`require_utf8` checks
        what it made.  The build calls this, never ``to_example`` directly."""
        check_fields(row, self.required_columns, max_field_chars)
        example = self.to_example(row, config=config, split=split, row_index=row_index)
        return require_utf8(example)

    @abstractmethod
    def to_example(
        self, row: Mapping[str, Any], *, config: str, split: str, row_index: int
    ) -> Example:
        """Turn one raw row into an :class:`Example`; raise ``RowRejected`` for a bad row."""

    # -- prompt template -------------------------------------------------------------
    def render_question(self, example: Example) -> str:
        """The question part of the prompt (what the model must answer)."""
        return f"Question: {example.question}\nAnswer:\n"

    def render_answer(self, example: Example) -> str:
        """The correct completion of an example, as used in few-shot exemplars."""
        return example.solution

    def render_prompt(self, example: Example, shots: Sequence[Example] = ()) -> str:
        """The full prompt: few-shot exemplars (question + correct answer) then the question."""
        if not shots:  # the common zero-shot build, without building a list to join
            return self.render_question(example)
        parts = [self.render_question(shot) + self.render_answer(shot) + "\n\n" for shot in shots]
        parts.append(self.render_question(example))
        return "".join(parts)


def require_utf8(example: Example) -> Example:
    """The example, or a ``bad_encoding`` reject when its text cannot be written as UTF-8.

    :meth:`Source.read_row` checks the raw fields a source declares; this checks what
    the source made of them (labels and ids included), for sources that read more.
    """
    texts = (example.question, example.solution, example.context, example.source_id)
    for text in (*texts, *example.choices, *example.choice_labels):
        if not text.isascii():  # ASCII, the common case, is checked without a copy
            break
    else:
        return example
    names = ("question", "solution", "context", "source_id")
    named = [*zip(names, texts, strict=True)]
    named += [(f"choices[{i}]", text) for i, text in enumerate(example.choices)]
    named += [(f"choice_labels[{i}]", text) for i, text in enumerate(example.choice_labels)]
    for name, text in named:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise RowRejected(
                "bad_encoding", f"{name} is not valid Unicode at character {exc.start}"
            ) from None
    return example


def require_text(row: Mapping[str, Any], column: str) -> str:
    """A non-empty string field of a row, or a reject naming the field."""
    value = row.get(column)
    if value is None:
        raise RowRejected("missing_field", f"field {column!r} is null")
    if not isinstance(value, str):
        raise RowRejected("bad_field_type", f"field {column!r} is {type(value).__name__}, not str")
    if not value or value.isspace():  # as `not value.strip()`, without copying the text
        raise RowRejected("empty_field", f"field {column!r} is empty")
    return value


class QuestionAnswerSource(Source):
    """A source whose rows are one question column and one worked-solution column.

    GSM8K and MetaMathQA differ only in their column names and in what extra metadata
    they carry, so they declare those and share the mapping.
    """

    example_kind = "solution"
    question_column: ClassVar[str]
    solution_column: ClassVar[str]

    def column_types(self) -> dict[str, pa.DataType]:
        """The question and solution columns, and any declared text columns, as strings."""
        names = (self.question_column, self.solution_column, *self.text_columns)
        return dict.fromkeys(names, pa.string())

    def example_meta(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """Extra per-row metadata kept on the example (none by default)."""
        return {}

    def to_example(
        self, row: Mapping[str, Any], *, config: str, split: str, row_index: int
    ) -> Example:
        """Both columns must be non-empty strings (else ``missing_field``,
        ``bad_field_type`` or ``empty_field``)."""
        return Example(
            source=self.name,
            config=config,
            split=split,
            source_id=self.source_id(row, row_index),
            question=require_text(row, self.question_column),
            solution=require_text(row, self.solution_column),
            meta=self.example_meta(row),
        )


__all__ = ["QuestionAnswerSource", "Source", "require_text", "require_utf8"]
