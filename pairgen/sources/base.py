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
from typing import Any, ClassVar

from pairgen.errors import RowRejected
from pairgen.record import Example


class Source(ABC):
    """A dataset pairgen can make pairs from."""

    name: ClassVar[str]
    hub_repo: ClassVar[str]
    configs: ClassVar[tuple[str, ...]]
    splits: ClassVar[tuple[str, ...]]
    required_columns: ClassVar[tuple[str, ...]]
    default_strategy: ClassVar[str]
    license: ClassVar[str]
    pretty_name: ClassVar[str]
    citation: ClassVar[str]
    # True when the completion continues the prompt's context (HellaSwag) instead of
    # answering a question whose choices the prompt lists under labels.
    completes_context: ClassVar[bool] = False

    @property
    def default_config(self) -> str:
        return self.configs[0]

    def output_config(self, config: str) -> str:
        """The Hub config name this source/config is written under (``OUT/data/<name>/``).

        Source-qualified so one combined build can hold every source without clashes
        (MetaMathQA and HellaSwag both call their only config ``default``).
        """
        if len(self.configs) == 1:
            return self.name
        return f"{self.name}-{config.lower().removeprefix(self.name + '-')}"

    def source_id(self, row: Mapping[str, Any], row_index: int) -> str:
        """A stable id for a row: the dataset's own id column, else the row index."""
        return str(row_index)

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

    JSON allows lone UTF-16 surrogates (``"\\ud83d"``, half an emoji); Python reads them
    into ``str`` but neither Arrow nor any UTF-8 file can hold them.
    """
    for text in (example.question, example.solution, example.context, *example.choices):
        if text.isascii():  # the common case, checked without making a copy
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise RowRejected("bad_encoding", f"text is not valid Unicode: {exc.reason}") from exc
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

    question_column: ClassVar[str]
    solution_column: ClassVar[str]

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
