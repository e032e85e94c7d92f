"""How a user describes their own dataset: column mapping, prompt template, card metadata.

One frozen, hashable object (:class:`SourceSettings`) travels from the command line or a
pipeline file through the build (workers rebuild the source from it) into the manifest
(``validate``, ``publish`` and the card rebuild it from there), so every stage sees the
same dataset description.  Presets (MATH, MMLU, PIQA) are the same thing written as class
attributes; a user's settings override them.

Column mapping: ``ROLE=COLUMN`` pairs (``prompt=problem``, ``choices=sol1,sol2``); which
roles a source takes is the source's business (:attr:`GenericSource.roles`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from pairgen.errors import PairgenError

# the longest text field a row may hold (``--max-field-chars``); longer is a ``too_long``
# reject, so one bad row cannot take a worker's memory
DEFAULT_MAX_FIELD_CHARS = 100_000
# the readings of a multiple-choice answer (pairgen.sources.generic.answers)
ANSWER_KINDS = ("label", "index", "text")
ANSWER_BASES = (0, 1)


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """A generic source's configuration; ``None``/empty: the source's (preset's) own."""

    columns: tuple[tuple[str, str], ...] = ()  # (role, column[,column...]) pairs
    template: str | None = None  # str.format template over the row's fields
    keep_columns: tuple[str, ...] = ()  # row columns copied into every pair row
    dataset_name: str | None = None  # the card's name for the dataset
    hub_id: str | None = None  # where the dataset lives on the Hub (card and --from hub)
    license: str | None = None  # an SPDX-style id the Hub knows (mit, cc-by-4.0, ...)
    citation: str | None = None  # BibTeX
    # how a multiple-choice answer column is read: "label", "index" or "text", and an
    # index's base (0 or 1); None: decided from the data before the build, which records it
    answer_kind: str | None = None
    answer_base: int | None = None

    def __post_init__(self) -> None:
        if self.answer_kind is not None and self.answer_kind not in ANSWER_KINDS:
            raise PairgenError(
                f"answer_kind must be one of {', '.join(ANSWER_KINDS)}, got {self.answer_kind!r}"
            )
        if self.answer_base is not None and (
            isinstance(self.answer_base, bool) or self.answer_base not in ANSWER_BASES
        ):
            raise PairgenError(f"answer_base must be 0 or 1, got {self.answer_base!r}")

    def is_empty(self) -> bool:
        return self == SourceSettings()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (lists for tuples), for the manifest; the answer reading only when
        set, so settings without one hash as they did before it existed."""
        data = asdict(self)
        data["columns"] = [list(pair) for pair in self.columns]
        data["keep_columns"] = list(self.keep_columns)
        for name in ("answer_kind", "answer_base"):
            if data[name] is None:
                del data[name]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SourceSettings:
        """Settings from :meth:`to_json`'s output (a manifest, a pipeline file's keys)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise PairgenError(f"unknown source setting {unknown[0]!r}; known: {sorted(known)}")
        values = dict(data)
        values["columns"] = tuple(
            (str(role), str(column)) for role, column in values.get("columns") or ()
        )
        values["keep_columns"] = tuple(str(c) for c in values.get("keep_columns") or ())
        for name in ("template", "dataset_name", "hub_id", "license", "citation"):
            value = values.get(name)
            if value is not None and not isinstance(value, str):
                raise PairgenError(f"source setting {name!r} must be text, got {value!r}")
        return cls(**values)


def kept_columns(settings: SourceSettings | Mapping[str, Any] | None) -> tuple[str, ...]:
    """The kept columns of settings, or of their JSON in a manifest entry (none: ``()``)."""
    if isinstance(settings, SourceSettings):
        return settings.keep_columns
    if isinstance(settings, Mapping):
        value = settings.get("keep_columns") or ()
        return tuple(str(name) for name in value) if isinstance(value, list | tuple) else ()
    return ()


def read_citation(path: Path) -> str:
    """The BibTeX of a ``--citation-file`` / ``citation_file:``, or one error line."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise PairgenError(f"cannot read the citation file: {exc}", file=str(path)) from None


def settings_or_none(settings: SourceSettings) -> SourceSettings | None:
    """``None`` for settings that say nothing (the source's own apply)."""
    return None if settings.is_empty() else settings


def parse_columns(values: Iterable[str], flag: str = "--column") -> tuple[tuple[str, str], ...]:
    """``ROLE=COLUMN`` values as (role, column) pairs; a malformed one is an error."""
    pairs = []
    for value in values:
        role, sep, column = value.partition("=")
        role, column = role.strip(), column.strip()
        if not sep or not role or not column:
            raise PairgenError(f"{flag} expects ROLE=COLUMN (e.g. prompt=problem), got {value!r}")
        pairs.append((role, column))
    return tuple(pairs)


def column_list(value: str) -> tuple[str, ...]:
    """``sol1,sol2`` -> ``("sol1", "sol2")``: a role filled by several columns."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


__all__ = [
    "ANSWER_BASES",
    "ANSWER_KINDS",
    "DEFAULT_MAX_FIELD_CHARS",
    "SourceSettings",
    "column_list",
    "kept_columns",
    "parse_columns",
    "read_citation",
    "settings_or_none",
]
