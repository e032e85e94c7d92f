"""Enumerated options whose names come from the module that owns them.

``--source`` lists the source registry, ``--loss`` the loss registry.  Those modules
import pyarrow, torch or DuckDB, so the names are loaded on first use (``--help`` of
that one command, or parsing the value), never when ``pairgen --help`` lists the
commands.  A bad value fails as a usage error in
the project's wording: ``unknown source 'nope'; choose from arc, gsm8k, ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

import click
from click.shell_completion import CompletionItem

from pairgen.errors import did_you_mean


class Choices(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.3
    """One of a set of names, loaded lazily by ``load``; ``noun`` names them in errors."""

    name = "choice"

    def __init__(
        self,
        noun: str,
        load: Callable[[], Iterable[str]],
        case_sensitive: bool = True,
        hints: dict[str, str] | None = None,
    ) -> None:
        self.noun = noun
        self._load = load
        self.case_sensitive = case_sensitive
        self.hints = hints or {}  # a value that is not a choice -> what to use instead

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(self._load())

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.names) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        key = text if self.case_sensitive else text.lower()
        for name in self.names:
            if key == (name if self.case_sensitive else name.lower()):
                return name
        hint = f" ({self.hints[key]})" if key in self.hints else did_you_mean(text, self.names)
        names = ", ".join(self.names)
        self.fail(f"unknown {self.noun} {text!r}; choose from {names}{hint}", param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        return [CompletionItem(name) for name in self.names if name.startswith(incomplete)]


def fixed(noun: str, names: Iterable[str], case_sensitive: bool = True) -> Choices:
    """Choices already at hand (a tuple from a light module)."""
    listed = tuple(names)
    return Choices(noun, lambda: listed, case_sensitive)


# JSON is `--json` on every command (pairgen.cli.conventions), never a --format.
TABLE_FORMATS = ("table", "csv")


def format_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format``, shared by the commands that print the query stage's tables."""
    return click.option(
        "--format",
        "output_format",
        type=Choices("format", lambda: TABLE_FORMATS, hints={"json": "JSON is --json"}),
        default="table",
        show_default=True,
        help=f"How {what} printed (JSON: --json).",
    )


__all__ = ["TABLE_FORMATS", "Choices", "fixed", "format_option"]
