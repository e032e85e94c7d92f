"""Prompt templates over a row's fields: ``str.format`` syntax, checked up front.

``"Problem ({type}, {level}):\\n{problem}\\nSolution:\\n"`` names the row's own columns;
``{question}`` is the mapped question text and, for multiple-choice sources,
``{choices}`` the labelled choice lines (``(A) ...``), so a template can place them.  The
fields a template names are the columns a row must have (a file without one fails with
one line naming it), and the build stores their values on the example so the prompt can
be rendered later (few-shot exemplars) without the raw row.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pairgen.errors import PairgenError

# fields every template may name that are not row columns
BUILT_IN_FIELDS = ("question", "choices")
META_KEY = "template_fields"


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    """A parsed template; :attr:`row_fields` are the row columns it reads."""

    text: str
    row_fields: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> PromptTemplate:
        """The template, or a PairgenError naming what is wrong with it."""
        names: list[str] = []
        try:
            for _, name, _, _ in string.Formatter().parse(text):
                if name is None:
                    continue
                base = name.split(".", 1)[0].split("[", 1)[0]
                if not base or base.isdigit():
                    raise PairgenError(
                        f"template field {{{name}}} must name a column, e.g. {{problem}}"
                    )
                if base not in BUILT_IN_FIELDS and base not in names:
                    names.append(base)
        except ValueError as exc:
            raise PairgenError(f"invalid prompt template {text!r}: {exc}") from None
        return cls(text, tuple(names))

    def fields_of(self, row: Mapping[str, Any]) -> dict[str, str]:
        """The values of the row fields the template names, as text (nulls as ``""``)."""
        return {
            name: "" if row.get(name) is None else str(row.get(name)) for name in self.row_fields
        }

    def render(self, fields: Mapping[str, str], question: str, choices: str = "") -> str:
        return self.text.format_map({**fields, "question": question, "choices": choices})


__all__ = ["BUILT_IN_FIELDS", "META_KEY", "PromptTemplate"]
