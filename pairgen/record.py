"""The one row type of a build, and the Arrow schemas of what pairgen writes.

A row takes one form from the moment a source has read it until the Arrow table: an
:class:`Example`.  A source fills its first part (one schema for all datasets), a
strategy pairs it by filling the second (:meth:`Example.paired`: ``chosen``,
``rejected`` and the edited values), the build adds the prompt, and the measure step
turns a batch of them into rows of :data:`PAIR_SCHEMA` with their statistics
(:mod:`pairgen.pipeline.steps`).  Column names of the text fields are the ones TRL's
DPOTrainer reads (``prompt``, ``chosen``, ``rejected``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa


# An Example is made once or twice per row in the build's hot loop, so it is not frozen:
# a frozen dataclass's __init__ sets each field through object.__setattr__, which cost
# ~0.6 us a row (3% of the build).  Treat it as immutable all the same (pair it with
# paired(), change it with dataclasses.replace): examples are shared between pairs and
# few-shot prompts.  The one exception is the build's pair step, which gives the pairs a
# strategy just made their prompt.
@dataclass(slots=True)
class Example:
    """One source row in pairgen's canonical form, and once paired, one pair.

    Maths sources fill ``solution`` (the reference step-by-step answer, final-answer line
    included).  Multiple-choice sources fill ``choices``, ``choice_labels`` and
    ``answer_index`` (``None`` when the row is unlabeled).  ``context`` carries extra
    prompt material (HellaSwag's activity label), ``meta`` anything a template may use.

    A pair (:meth:`paired`) is the example with ``chosen``/``rejected`` completions that
    differ by one edit: ``chosen_value``/``rejected_value`` are the edited spans (a
    number, a choice label), ``strategy`` the rule that made it, ``pair_index`` numbers
    the pairs one example gives (0 for arithmetic, one per wrong choice for the choice
    strategy), ``edit_kind`` the kind of site the edit is on (math: ``result``,
    ``standalone`` or ``carried``; arithmetic: ``result``; choice: ``choice``; ``None``
    for a strategy that does not say).  Where the edit starts is measured by the build,
    once, from the two texts (``edit_start``, the common prefix): no strategy states it.
    ``prompt`` (text, or messages in the conversational format) and ``shots`` (the
    exemplars in it) are set by the build's pair step.
    """

    source: str
    config: str
    split: str
    source_id: str
    question: str
    solution: str = ""
    choices: tuple[str, ...] = ()
    choice_labels: tuple[str, ...] = ()
    answer_index: int | None = None
    context: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    # -- the pair: set by a strategy (paired) and the build's pair step (prompt, shots)
    chosen: str = ""
    rejected: str = ""
    strategy: str = ""
    chosen_value: str = ""
    rejected_value: str = ""
    pair_index: int = 0
    edit_kind: str | None = None
    prompt: Any = ""
    shots: int = 0

    def paired(
        self,
        chosen: str,
        rejected: str,
        strategy: str,
        chosen_value: str,
        rejected_value: str,
        pair_index: int = 0,
        edit_kind: str | None = None,
    ) -> Example:
        """A pair made from this example (a new object; the example is left as it is)."""
        return Example(
            self.source,
            self.config,
            self.split,
            self.source_id,
            self.question,
            self.solution,
            self.choices,
            self.choice_labels,
            self.answer_index,
            self.context,
            self.meta,
            chosen,
            rejected,
            strategy,
            chosen_value,
            rejected_value,
            pair_index,
            edit_kind,
        )


# Columns of a pair row; ``prompt``/``chosen``/``rejected`` are strings in the default
# "standard" format and lists of {role, content} messages in "conversational" format.
MESSAGE_TYPE = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))

PROVENANCE_FIELDS: list[pa.Field] = [
    pa.field("id", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("config", pa.string(), nullable=False),
    pa.field("split", pa.string(), nullable=False),
    pa.field("source_id", pa.string(), nullable=False),
    pa.field("pair_index", pa.int32(), nullable=False),
    pa.field("strategy", pa.string(), nullable=False),
    pa.field("shots", pa.int32(), nullable=False),
    pa.field("edit_start", pa.int32(), nullable=False),
    pa.field("chosen_value", pa.string(), nullable=False),
    pa.field("rejected_value", pa.string(), nullable=False),
    pa.field("edit_kind", pa.string()),
]

CHAR_STAT_FIELDS: list[pa.Field] = [
    pa.field("chosen_chars", pa.int32(), nullable=False),
    pa.field("rejected_chars", pa.int32(), nullable=False),
    pa.field("levenshtein", pa.int32(), nullable=False),
    pa.field("norm_edit_distance", pa.float64(), nullable=False),
    pa.field("common_prefix_chars", pa.int32(), nullable=False),
    pa.field("common_suffix_chars", pa.int32(), nullable=False),
]

# Null when the build ran without ``--tokenizer``; present always so every build has one
# schema and shards of different builds can be queried together.
TOKEN_STAT_FIELDS: list[pa.Field] = [
    pa.field("tokenizer", pa.string()),
    pa.field("chosen_tokens", pa.int32()),
    pa.field("rejected_tokens", pa.int32()),
    pa.field("token_levenshtein", pa.int32()),
    pa.field("token_norm_edit_distance", pa.float64()),
    pa.field("common_prefix_tokens", pa.int32()),
    pa.field("common_suffix_tokens", pa.int32()),
    pa.field("first_diff_token", pa.int32()),
    pa.field("tokens_after_first_diff", pa.int32()),
]

STAT_COLUMNS: list[str] = [f.name for f in CHAR_STAT_FIELDS + TOKEN_STAT_FIELDS]


def pair_schema(conversational: bool = False, kept: Sequence[str] = ()) -> pa.Schema:
    """The schema of pair shards in the standard (string) or conversational format.

    ``kept``: columns of the source rows a generic source was asked to keep
    (``--keep-column subject``), appended as text (null where a row has none).
    """
    text_type = MESSAGE_TYPE if conversational else pa.string()
    text = [pa.field(name, text_type, nullable=False) for name in ("prompt", "chosen", "rejected")]
    extra = [pa.field(name, pa.string()) for name in kept]
    return pa.schema(text + PROVENANCE_FIELDS + CHAR_STAT_FIELDS + TOKEN_STAT_FIELDS + extra)


def kept_text(value: Any) -> str | None:
    """A kept column's value as the text written to the pair row (JSON for non-text)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


PAIR_SCHEMA = pair_schema(conversational=False)

# What each pair column means, in the words a dataset card shows (its data-fields table);
# written here, next to the schema, so the two cannot drift apart (a test checks that
# every column has a description).
COLUMN_DESCRIPTIONS: dict[str, str] = {
    "prompt": "the question (with any few-shot exemplars before it); always explicit",
    "chosen": "the correct completion",
    "rejected": "the chosen completion with one minimal edit (see chosen_value/rejected_value)",
    "id": "unique pair id: <config>/<split>/<source_id>/<pair_index>",
    "source": "source dataset (a name of pairgen's source registry)",
    "config": "output config the pair belongs to",
    "split": "split of the source row",
    "source_id": "id of the source row (the dataset's own id, else its row index)",
    "pair_index": "number of the pair among those one source row gave (0 for maths sources)",
    "strategy": "how the pair was made (a name of pairgen's strategy registry)",
    "shots": "number of solved exemplars in the prompt",
    "edit_start": "character offset in chosen where the edit begins",
    "chosen_value": "the edited span in chosen (a number, a choice label)",
    "rejected_value": "what replaced it in rejected",
    "edit_kind": "kind of site edited: result, standalone or carried (math), result "
    "(arithmetic), choice (choice); null when the strategy does not say",
    "chosen_chars": "characters in chosen",
    "rejected_chars": "characters in rejected",
    "levenshtein": "character edit distance between chosen and rejected",
    "norm_edit_distance": "levenshtein / length of the longer completion (0 = identical)",
    "common_prefix_chars": "characters chosen and rejected share at the start",
    "common_suffix_chars": "characters chosen and rejected share at the end",
    "tokenizer": "tokenizer of the token columns (null without one)",
    "chosen_tokens": "tokens in chosen",
    "rejected_tokens": "tokens in rejected",
    "token_levenshtein": "token edit distance between chosen and rejected",
    "token_norm_edit_distance": "token_levenshtein / token length of the longer completion",
    "common_prefix_tokens": "tokens chosen and rejected share at the start",
    "common_suffix_tokens": "tokens chosen and rejected share at the end",
    "first_diff_token": "index of the first chosen token that differs (-1: none)",
    "tokens_after_first_diff": "chosen tokens after the first differing one (the shared suffix)",
}

REJECT_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("config", pa.string(), nullable=False),
        pa.field("split", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("row_index", pa.int64(), nullable=False),
        pa.field("file", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string(), nullable=False),
        pa.field("raw", pa.string(), nullable=False),
    ]
)


def reject_record(
    where: tuple[str, str, str, str],
    source_id: str,
    row_index: int,
    reason: str,
    detail: str,
    row: dict[str, Any],
) -> dict[str, Any]:
    """One row of :data:`REJECT_SCHEMA`: ``where`` is (source, config, split, file)."""
    source, config, split, file = where
    return {
        "source": source,
        "config": config,
        "split": split,
        "source_id": source_id,
        "row_index": row_index,
        "file": file,
        "reason": reason,
        "detail": detail,
        "raw": raw_json(row),
    }


def raw_json(row: dict[str, Any]) -> str:
    """The raw row as JSON text; escaped to ASCII when it holds text UTF-8 cannot encode."""
    text = json.dumps(row, ensure_ascii=False, sort_keys=True, default=str)
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(row, ensure_ascii=True, sort_keys=True, default=str)
    return text


__all__ = [
    "CHAR_STAT_FIELDS",
    "COLUMN_DESCRIPTIONS",
    "MESSAGE_TYPE",
    "PAIR_SCHEMA",
    "PROVENANCE_FIELDS",
    "REJECT_SCHEMA",
    "STAT_COLUMNS",
    "TOKEN_STAT_FIELDS",
    "Example",
    "kept_text",
    "pair_schema",
    "raw_json",
    "reject_record",
]
