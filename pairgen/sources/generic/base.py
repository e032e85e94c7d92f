"""Generic sources: a dataset described by a column mapping, a template and card metadata.

A :class:`GenericSource` subclass declares which *roles* its rows fill (``question``,
``solution``; ``choices``, ``answer``) and the columns that fill them by default; a preset
(:mod:`pairgen.sources.presets`) is a subclass that fixes columns, template, Hub id,
license and citation as class attributes; a user's :class:`SourceSettings` make a
configured subclass of either (:meth:`GenericSource.configured`), so every other stage
still sees an ordinary :class:`~pairgen.sources.base.Source` with class attributes.

The columns a row must have (:attr:`required_columns`) are derived from the mapping, the
template's fields and the kept columns, so a file that lacks one fails before the build
with one line naming it (``missing column 'problem'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import pyarrow as pa

from pairgen.config.source_settings import SourceSettings, column_list
from pairgen.errors import PairgenError
from pairgen.record import Example, pair_schema
from pairgen.sources.base import Source
from pairgen.sources.generic.template import META_KEY, PromptTemplate

KEPT_META_KEY = "kept_columns"
# what users may call a role besides its own name
ROLE_ALIASES: dict[str, str] = {"prompt": "question", "id": "id"}


def role_columns(**columns: str) -> Mapping[str, str]:
    """A read-only role -> column mapping (class attributes are shared by every instance)."""
    return MappingProxyType(columns)


class GenericSource(Source):
    """A source configured by columns, template and card metadata (see module doc)."""

    configs: ClassVar[tuple[str, ...]] = ("default",)
    # a user's dataset on the Hub may have configs of its own (``--config NAME``)
    open_configs = True
    splits: ClassVar[tuple[str, ...]] = ("train", "validation", "test")
    roles: ClassVar[tuple[str, ...]]
    required_roles: ClassVar[tuple[str, ...]]
    columns: ClassVar[Mapping[str, str]]  # role -> column ("sol1,sol2" for several)
    template: ClassVar[PromptTemplate]
    keep_columns: ClassVar[tuple[str, ...]] = ()
    settings: ClassVar[SourceSettings] = SourceSettings()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Derive what a row must have from the mapping (each subclass, configured too)."""
        super().__init_subclass__(**kwargs)
        if not hasattr(cls, "columns"):
            return
        names: list[str] = []
        for role in cls.required_roles:
            names += column_list(cls.columns[role])
        names += [*cls.template.row_fields, *cls.keep_columns]
        cls.required_columns = tuple(dict.fromkeys(names))
        cls.id_column = cls.columns.get("id")

    @classmethod
    def configured(cls, settings: SourceSettings | None) -> type[GenericSource]:
        """This source with ``settings`` applied over its own (``None``/empty: itself)."""
        if settings is None or settings.is_empty():
            return cls
        if not hasattr(cls, "answer_kind") and (
            settings.answer_kind is not None or settings.answer_base is not None
        ):
            raise PairgenError(
                f"--answer-kind/--answer-base read a multiple-choice answer column; "
                f"{cls.name} has none"
            )
        columns = dict(cls.columns)
        for role, column in settings.columns:
            own = ROLE_ALIASES.get(role, role)
            if own not in cls.roles:
                raise PairgenError(
                    f"--column {role}={column}: {cls.name} has no role {role!r}; "
                    f"roles: {', '.join(cls.roles)}"
                )
            columns[own] = column
        attrs: dict[str, Any] = {"columns": MappingProxyType(columns), "settings": settings}
        if settings.template is not None:
            attrs["template"] = cls.parse_template(settings.template)
        if settings.keep_columns:
            taken = set(pair_schema().names) & set(settings.keep_columns)
            if taken:
                name = sorted(taken)[0]
                raise PairgenError(
                    f"--keep-column {name}: a pair column has that name already; put the "
                    f"column in the prompt with a template field ({{{name}}} in --template) "
                    "or rename it in the input"
                )
            attrs["keep_columns"] = settings.keep_columns
        card = {
            "pretty_name": settings.dataset_name,
            "hub_repo": settings.hub_id,
            "license": settings.license,
            "citation": settings.citation,
        }
        attrs.update({key: value for key, value in card.items() if value is not None})
        return type(cls.__name__, (cls,), attrs)

    @classmethod
    def parse_template(cls, text: str) -> PromptTemplate:
        """A user's template, checked for what this kind of source needs."""
        return PromptTemplate.parse(text)

    def column(self, role: str) -> str:
        return self.columns[role]

    def column_types(self) -> dict[str, pa.DataType]:
        """The text roles' columns as strings (never a guessed timestamp)."""
        names = [c for role in self.text_roles() for c in column_list(self.columns.get(role, ""))]
        return dict.fromkeys(names, pa.string())

    def text_roles(self) -> tuple[str, ...]:
        return ("question",)

    def example_meta(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The template's fields and the kept columns of ``row``, for the example."""
        meta: dict[str, Any] = {}
        if self.template.row_fields:
            meta[META_KEY] = self.template.fields_of(row)
        if self.keep_columns:
            meta[KEPT_META_KEY] = {name: row.get(name) for name in self.keep_columns}
        return meta

    def render_question(self, example: Example) -> str:
        return self.template.render(
            example.meta.get(META_KEY, {}), example.question, self.choice_lines(example)
        )

    def choice_lines(self, example: Example) -> str:
        """The ``{choices}`` field of the template (none for maths sources)."""
        return ""


__all__ = ["KEPT_META_KEY", "ROLE_ALIASES", "GenericSource", "role_columns"]
