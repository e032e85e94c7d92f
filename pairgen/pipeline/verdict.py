"""The split verdict: a build refuses a split it cannot stand behind.

A build that exits 0 with zero or wrong pairs is the worst outcome pairgen can give: the
user trains on it.  Rows that cannot become a pair are rejects with a reason, which is
right for the odd row (a GSM8K solution with nothing to corrupt) and wrong when the
rejects *are* the split: a column mapping that reads no row (3,018 ``malformed_choices``
from a CSV whose list column is text), a solution column holding equations only (SVAMP).
So once per split, after its rows are paired and before anything reaches OUT, the split
is judged (:func:`judge`); it is refused when

- no row became a pair (an empty input too), or
- one reject reason takes more than :data:`DEFAULT_MAX_REJECT_SHARE` of its rows.

A refusal is one ``error:`` line (exit 2) naming the split, the reason, its count and
share, one example row's detail, and the option or column mapping to check
(:func:`fix_for`).  OUT keeps its previous content.  ``--allow-rejects`` (pipeline key
``allow_rejects: true``) lets such a split through: the build goes on, the split's
manifest entry records what was allowed (``rejects_allowed``) and the command warns.

Splits the source declares unlabeled (``Source.unlabeled_splits``: HellaSwag's and PIQA's
test splits) are not judged at all when the user did not name the splits: the build leaves
them out (``Source.labeled_splits``), the manifest lists them as ``unlabeled_splits`` and
the command says so (:func:`build_notes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow.parquet as pq

from pairgen.config.spec import DEFAULT_MAX_REJECT_SHARE
from pairgen.errors import PairgenError
from pairgen.output.manifest import Manifest, SplitEntry
from pairgen.sources.base import Source
from pairgen.sources.generic.base import GenericSource

ALLOW_FLAG = "--allow-rejects"
DETAIL_CHARS = 400  # of the example reject's detail in the refusal line
OPTION_RE = re.compile(r"--(?:column|strategy|answer-kind|answer-base)\b")
ALLOW_KEY = "allow_rejects"  # the pipeline file's key, and the BuildSpec setting

CHOICE_MAPPING = (
    "check --column choices=COLUMN (a list of texts, a {text, label} struct, or several "
    "columns: choices=sol1,sol2)"
)
# reason -> what to check, for a source configured by a column mapping (generic, preset)
MAPPING_FIXES: dict[str, str] = {
    "missing_field": "check the column mapping (--column ROLE=COLUMN)",
    "empty_field": "check the column mapping (--column ROLE=COLUMN)",
    "bad_field_type": "check the column mapping (--column ROLE=COLUMN)",
    "malformed_choices": CHOICE_MAPPING,
    "empty_choice": CHOICE_MAPPING,
    "duplicate_label": CHOICE_MAPPING,
    "too_few_choices": CHOICE_MAPPING,
    "too_many_choices": CHOICE_MAPPING,
    "label_only_choices": "map --column choices=COLUMN to the column(s) holding the options' texts",
    "unknown_answer_key": (
        "check --column answer=COLUMN (an index, a label, or the right choice's text)"
    ),
    "ambiguous_answer": "say how the answer column reads: --answer-kind label|index|text, "
    "--answer-base 0|1",
    "unlabeled": "check --column answer=COLUMN, or leave this split out (--split)",
    "duplicate_id": "check --column id=COLUMN (ids must be unique within a split)",
    "no_final_answer": "map --column answer=COLUMN to the column holding each row's final answer",
}
# reason -> what to check, whatever the source
FIXES: dict[str, str] = {
    "too_long": "raise --max-field-chars if such long fields are intended",
    "bad_encoding": "the input holds text that is not valid Unicode: check its encoding",
    "no_pairs": "check --strategy",
    "unknown_type": "pass --strategy arithmetic or --strategy math "
    "(the rows carry no GSM_/MATH_ type)",
    "no_rows": "check --data-files (the input has no rows)",
}
KIND_COLUMNS = {
    "solution": "which column holds the worked solution (--column solution=COLUMN)",
    "choices": "which columns hold the choices and the answer (--column)",
}


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a split would be refused: its largest reject ``reason`` and how many rows."""

    reason: str
    count: int
    rows_in: int
    paired: int

    def summary(self) -> str:
        """``3,018 of 3,018 rows (100%) rejected as malformed_choices, none paired``."""
        if self.rows_in == 0:
            return "the input has no rows, so no pair"
        share = f"{self.count / self.rows_in:.1%}".replace(".0%", "%")  # 50.4%, 100%
        if share == f"{DEFAULT_MAX_REJECT_SHARE:.0%}":  # 5,001 of 10,000: above it, say so
            share = f"{self.count / self.rows_in:.3%}"
        tail = ", none paired" if self.paired == 0 else ""
        return f"{self.count:,} of {self.rows_in:,} rows ({share}) rejected as {self.reason}{tail}"


def judge(entry: SplitEntry, max_share: float = DEFAULT_MAX_REJECT_SHARE) -> Refusal | None:
    """The refusal a split's counts call for, or ``None`` when it stands (module doc)."""
    if entry.rows_in == 0:
        return Refusal("no_rows", 0, 0, 0)
    reasons = sorted(entry.rejects_by_reason.items(), key=lambda item: (-item[1], item[0]))
    reason, count = reasons[0] if reasons else ("", 0)
    if entry.rows_paired == 0 or count > max_share * entry.rows_in:
        return Refusal(reason, count, entry.rows_in, entry.rows_paired)
    return None


def judged(
    entry: SplitEntry,
    where: str,
    source: Source,
    strategy: str,
    staged: Path,
    allow: bool,
) -> SplitEntry:
    """``entry`` if the split stands; with ``allow``, the entry recording what was let
    through; else the refusal as a :class:`PairgenError`.  ``staged`` is the folder that
    holds the split's rejects file (the build's staging area), for the example."""
    refusal = judge(entry)
    if refusal is None:
        return entry
    if allow:
        return replace(entry, rejects_allowed=refusal.summary())
    example = first_reject(staged / entry.rejects.path, refusal.reason) if refusal.count else ""
    # a reject detail that names its own fix (an option) is not followed by a second one
    fix = "" if OPTION_RE.search(example) else f"; {fix_for(refusal.reason, source, strategy)}"
    raise PairgenError(
        f"{where}: {refusal.summary()}{example}{fix}; "
        f"to build it anyway pass {ALLOW_FLAG} ({ALLOW_KEY}: true in a pipeline file)"
    )


def first_reject(path: Path, reason: str) -> str:
    """``, e.g. row 7: <detail>``: the first reject of ``reason`` in a rejects file."""
    for batch in pq.ParquetFile(path).iter_batches(columns=["reason", "row_index", "detail"]):
        for row in batch.to_pylist():
            if row["reason"] == reason:
                detail = " ".join(str(row["detail"]).split())
                detail = detail if len(detail) <= DETAIL_CHARS else detail[: DETAIL_CHARS - 1] + "…"
                return f", e.g. row {row['row_index']}: {detail}"
    return ""


def fix_for(reason: str, source: Source, strategy: str) -> str:
    """The option or column mapping a user should check when ``reason`` took the split."""
    mapped = isinstance(source, GenericSource)  # read by a column mapping (or a preset's)
    if reason in FIXES:
        return FIXES[reason]
    if reason == "unlabeled" and not mapped:
        return f"{source.name} has no answer labels in this split: leave it out (--split)"
    if reason in MAPPING_FIXES:
        if isinstance(source, GenericSource) and reason == "label_only_choices":
            column = source.columns.get("choices", "choices")
            return f"column {column!r} holds only the options' labels: {MAPPING_FIXES[reason]}"
        if mapped:
            return MAPPING_FIXES[reason]
        return f"check that the input is {source.name}'s own Hub schema (--data-files)"
    kind = KIND_COLUMNS.get(source.example_kind or "")
    if mapped and kind is not None:
        return f"the {strategy} strategy found nothing to edit: check {kind} and --strategy"
    return f"the {strategy} strategy found nothing to edit: check --strategy and the input"


def build_notes(manifest: Manifest) -> list[str]:
    """What the command tells the user on stderr about a finished build: splits left out
    as unlabeled, and splits kept although the verdict would have refused them."""
    notes = [
        f"note: {config}/{split} left out: {entry.source} publishes it without answer "
        "labels (name it with --split to build it anyway)"
        for config, entry in manifest.configs.items()
        for split in entry.unlabeled_splits
    ]
    notes += [
        f"warning: {config}/{split}: {info.rejects_allowed} (kept: {ALLOW_FLAG})"
        for config, split, info in manifest.splits()
        if info.rejects_allowed is not None
    ]
    return notes


__all__ = [
    "ALLOW_FLAG",
    "ALLOW_KEY",
    "DEFAULT_MAX_REJECT_SHARE",
    "Refusal",
    "build_notes",
    "first_reject",
    "fix_for",
    "judge",
    "judged",
]
