"""Which raw columns hold a pair's source truth, written down apart from the source classes.

The source-row recheck (:mod:`pairgen.validate.source_rows`) must not ask the build's
source classes how to read a row: a wrong reading there would agree with itself.  So
the raw schemas of pairgen's sources are stated here a second time, from the datasets'
own documentation (README "Sources"): which column holds the worked solution, the
choices and the answer, and which column is the row's id.  Generic sources and presets
(``math``, ``choice``, ``hendrycks_math``, ``mmlu``, ``piqa``) start from their documented
default columns and take the column mapping the manifest recorded (``source_settings``),
read here from the manifest's JSON, not through
:class:`~pairgen.config.source_settings.SourceSettings`.

How an answer column reads (``answer_kind``: ``label``, ``index`` or ``text``; and an
index's ``answer_base``, 0 or 1) is fixed by the dataset for ARC (``answerKey``: a label),
HellaSwag (``label``: the label ``"0"``..``"3"`` its endings get, their 0-based index),
MMLU and PIQA (0-based indices, as the presets document); the generic ``choice`` source
records what the build decided from the data in ``source_settings``, and a setting
recorded there overrides a preset's, as it does in the build.  Nothing recorded
(``choice``, a column of mixed kinds) means each answer is read as a label or a choice's
text, never as an index of a guessed base.

A source this module does not know (a plugin's) has no schema: its rows are not
rechecked, and validate says so in a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

SOLUTION = "solution"
CHOICES = "choices"


@dataclass(frozen=True, slots=True)
class RawSchema:
    """Where a source's rows keep what a pair must match.

    ``choices`` is one column (a list of texts, or a ``{text, label}`` struct) or several
    columns (one choice each, labelled ``A``, ``B``, ... in that order).
    """

    kind: str  # SOLUTION or CHOICES
    id_column: str | None = None  # None: the row's index within its split is its id
    solution: str = ""  # the worked solution's column
    final_answer: str | None = None  # generic math: the answer column appended when unstated
    # the choices; for generic math, the options an answer letter names
    choices: tuple[str, ...] = ()
    answer: str = ""
    # how the answer reads: "label", "index" or "text" (None: a label or a text, per row)
    answer_kind: str | None = None
    answer_base: int | None = None  # what an index counts from (None: 0 or 1, if they agree)
    continuation: bool = False  # HellaSwag: endings continue a context, no labels shown
    context: str | None = None  # the context column (HellaSwag ``ctx``, for markup cleaning)

    def columns(self) -> tuple[str, ...]:
        """Every raw column the recheck reads."""
        names = [self.id_column, self.solution, self.final_answer, *self.choices]
        names += [self.answer, self.context]
        return tuple(dict.fromkeys(name for name in names if name))


# the readings a manifest may record (pairgen.config.source_settings documents them)
_ANSWER_KINDS = ("label", "index", "text")
_ANSWER_BASES = (0, 1)

# pairgen's fixed-schema sources (their Hub schemas) and the generic sources' defaults
_SCHEMAS: dict[str, RawSchema] = {
    "gsm8k": RawSchema(SOLUTION, solution="answer"),
    "metamath": RawSchema(SOLUTION, solution="response"),
    "arc": RawSchema(
        CHOICES, id_column="id", choices=("choices",), answer="answerKey", answer_kind="label"
    ),
    "hellaswag": RawSchema(
        CHOICES,
        id_column="ind",
        choices=("endings",),
        answer="label",
        answer_kind="label",  # its labels are "0".."3", the endings' 0-based indices
        continuation=True,
        context="ctx",
    ),
    "math": RawSchema(SOLUTION, solution="solution"),
    "hendrycks_math": RawSchema(SOLUTION, solution="solution"),
    "choice": RawSchema(CHOICES, choices=("choices",), answer="answer"),
    "mmlu": RawSchema(
        CHOICES, choices=("choices",), answer="answer", answer_kind="index", answer_base=0
    ),
    "piqa": RawSchema(
        CHOICES, choices=("sol1", "sol2"), answer="label", answer_kind="index", answer_base=0
    ),
}
# the sources a column mapping applies to (the others have a fixed schema)
_MAPPED = ("math", "hendrycks_math", "choice", "mmlu", "piqa")


def raw_schema(source: str, settings: Any) -> tuple[RawSchema | None, str | None]:
    """The raw schema of ``source`` built with the manifest's ``source_settings`` JSON, or
    why there is none (a source validate does not know, settings it cannot read)."""
    schema = _SCHEMAS.get(source)
    if schema is None:
        return None, f"validate does not know the raw schema of source {source!r}"
    if settings is None:
        return schema, None
    if not isinstance(settings, Mapping) or source not in _MAPPED:
        return None, "the manifest's source_settings are not a generic source's settings"
    columns = settings.get("columns") or []
    if not isinstance(columns, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        for pair in columns
    ):
        return None, "the manifest's source_settings.columns are not [role, column] pairs"
    kind, base = settings.get("answer_kind"), settings.get("answer_base")
    if kind is not None and kind not in _ANSWER_KINDS:
        return None, f"the manifest's source_settings.answer_kind is {kind!r}, no answer reading"
    if base is not None and (isinstance(base, bool) or base not in _ANSWER_BASES):
        return None, f"the manifest's source_settings.answer_base is {base!r}, not 0 or 1"
    # a recorded reading overrides the preset's, one setting at a time (as in the build)
    if kind is not None:
        schema = replace(schema, answer_kind=kind)
    if base is not None:
        schema = replace(schema, answer_base=base)
    for role, column in columns:
        schema = _mapped(schema, role, column)
    return schema, None


def _mapped(schema: RawSchema, role: str, column: str) -> RawSchema:
    """``schema`` with one recorded ``role=column`` applied (roles it does not read, such
    as the question, change nothing)."""
    names = tuple(part.strip() for part in column.split(",") if part.strip())
    if role == "id":
        return replace(schema, id_column=column.strip())
    if schema.kind == SOLUTION and role == "solution":
        return replace(schema, solution=column.strip())
    if schema.kind == SOLUTION and role == "answer":
        return replace(schema, final_answer=column.strip())
    if role == "choices":  # a maths answer letter's options, or the choices themselves
        return replace(schema, choices=names)
    if schema.kind == CHOICES and role == "answer":
        return replace(schema, answer=column.strip())
    return schema


def row_key(row: Mapping[str, Any], schema: RawSchema, row_index: int) -> str:
    """The ``source_id`` a pair of this row carries: the id column's value (a whole
    number, or text without its surrounding whitespace), else the row's index."""
    value = row.get(schema.id_column) if schema.id_column is not None else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        return text if text.isascii() else text.encode("utf-8", "backslashreplace").decode()
    return str(row_index)


__all__ = ["CHOICES", "SOLUTION", "RawSchema", "raw_schema", "row_key"]
