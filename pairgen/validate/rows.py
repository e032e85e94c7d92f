"""Row checks of ``pairgen validate``: recompute what a shard claims, in batches.

One record batch (a Parquet row group) at a time: the statistics are recomputed from the
text with the same batch functions the build uses (:mod:`pairgen.metrics`) and compared to
the stored columns as numpy arrays; only the strategy invariants need per-row Python,
and the arithmetic one takes a fast path (:mod:`pairgen.strategies.arithmetic.check`).  Each
problem becomes a :class:`Violation` naming the shard, the row (0-based, within the
shard) and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pairgen.metrics import edit_stats, load_tokenizer, token_stats
from pairgen.strategies.arithmetic.check import check_arithmetic_rows
from pairgen.strategies.choice.strategy import check_choice_group, check_choice_pair

CHAR_COLUMNS = {
    "chosen_chars": "chosen_len",
    "rejected_chars": "rejected_len",
    "levenshtein": "levenshtein",
    "norm_edit_distance": "norm_edit_distance",
    "common_prefix_chars": "common_prefix",
    "common_suffix_chars": "common_suffix",
}
TOKEN_COLUMNS = {
    "chosen_tokens": "chosen_len",
    "rejected_tokens": "rejected_len",
    "token_levenshtein": "levenshtein",
    "token_norm_edit_distance": "norm_edit_distance",
    "common_prefix_tokens": "common_prefix",
    "common_suffix_tokens": "common_suffix",
}


@dataclass(frozen=True, slots=True)
class Violation:
    """One thing wrong with a build: where (shard, row) and why.

    ``row`` is the 0-based row within the shard, ``None`` for a problem with the whole
    file; ``check`` is a short stable code (``sha256``, ``stats``, ``arithmetic``, ...)
    for grouping.
    """

    shard: str
    row: int | None
    reason: str
    check: str = ""

    def __str__(self) -> str:
        where = self.shard if self.row is None else f"{self.shard}, row {self.row}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ShardContext:
    """What a shard's rows must agree with (from the manifest) and where the batch sits."""

    shard: str
    source: str
    config: str
    split: str
    first_row: int = 0
    shots: int | None = None  # the build's --shots; a row may have fewer (a small pool)


@dataclass
class ChoiceGroups:
    """The choice pairs of one split by question, for the per-question check at the end.

    Only the columns the check compares are kept, the prompt as its hash, so a split of
    HellaSwag with few-shot prompts does not have to stay in memory.
    """

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    where: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, ctx: ShardContext, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            source_id = str(row["source_id"])
            self.rows.setdefault(source_id, []).append(row)
            self.where.setdefault(source_id, (ctx.shard, ctx.first_row + int(row["row"])))

    def violations(self) -> list[Violation]:
        found = []
        for source_id, rows in self.rows.items():
            reason = check_choice_group(rows)
            if reason is not None:
                shard, row = self.where[source_id]
                found.append(Violation(shard, row, f"question {source_id!r}: {reason}", "choice"))
        return found


def completion_texts(column: pa.Array) -> list[str]:
    """Strings of a text column: itself, or the last message's content (conversational)."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.to_pylist()  # type: ignore[no-any-return]
    lengths = pc.list_value_length(column).fill_null(0).to_numpy(zero_copy_only=False)
    contents = column.flatten().field("content")
    last = np.cumsum(lengths) - 1
    texts = contents.take(pa.array(np.maximum(last, 0))).to_pylist() if len(contents) else []
    return [t if n else "" for t, n in zip(texts or [""] * len(lengths), lengths, strict=True)]


# A problem found in a batch: (row within the batch, reason, check code).
Finding = tuple[int, str, str]


def _mismatches(
    name: str,
    stored: NDArray[Any],
    computed: NDArray[Any],
    check: str,
    rows: NDArray[np.int64] | None = None,
) -> list[Finding]:
    """Rows where a stored column differs from its recomputed value (floats to 1e-9).

    ``rows`` maps positions of a row subset back to batch rows.
    """
    if computed.dtype.kind == "f":
        bad = ~np.isclose(stored.astype(np.float64), computed, rtol=1e-9, atol=1e-12)
    else:
        bad = stored != computed
    return [
        (
            int(i if rows is None else rows[i]),
            f"{name} is {stored[i]} but the text gives {computed[i]}",
            check,
        )
        for i in np.flatnonzero(bad)
    ]


def _numpy(batch: pa.RecordBatch, name: str, null: float = -1) -> NDArray[Any]:
    column = batch.column(name)
    if column.null_count:
        column = column.fill_null(null)
    return np.asarray(column.to_numpy(zero_copy_only=False))


def _mask(array: pa.Array | pa.ChunkedArray) -> NDArray[np.bool_]:
    return np.asarray(array.fill_null(False).to_numpy(zero_copy_only=False), dtype=np.bool_)


def check_provenance(batch: pa.RecordBatch, ctx: ShardContext) -> list[Finding]:
    """Provenance columns agree with the build: ``source``/``config``/``split`` with the
    manifest entry of the shard, ``id`` with ``config/split/source_id/pair_index`` (the
    formula :mod:`pairgen.build.batch` writes), one arithmetic pair per source row, and
    ``shots`` no more than the build asked for (a small pool may give fewer)."""
    found = []
    for name in ("source", "config", "split"):
        expected = getattr(ctx, name)
        column = batch.column(name)
        found += [
            (int(i), f"{name} is {column[i].as_py()!r}, expected {expected!r}", "provenance")
            for i in np.flatnonzero(~_mask(pc.equal(column, expected)))
        ]
    expected_ids = pc.binary_join_element_wise(
        batch.column("config"),
        batch.column("split"),
        batch.column("source_id"),
        pc.cast(batch.column("pair_index"), pa.string()),
        "/",
    )
    found += [
        (
            int(i),
            f"id {batch.column('id')[i].as_py()!r} is not config/split/source_id/pair_index",
            "provenance",
        )
        for i in np.flatnonzero(~_mask(pc.equal(batch.column("id"), expected_ids)))
    ]
    arithmetic = _mask(pc.equal(batch.column("strategy"), "arithmetic"))
    found += [
        (int(i), "an arithmetic pair must have pair_index 0 (one pair per row)", "invariant")
        for i in np.flatnonzero(arithmetic & ~_mask(pc.equal(batch.column("pair_index"), 0)))
    ]
    if ctx.shots is not None:
        over = ~_mask(pc.less_equal(batch.column("shots"), ctx.shots))
        found += [
            (
                int(i),
                f"shots is {batch.column('shots')[i].as_py()}, the build asked for {ctx.shots}",
                "provenance",
            )
            for i in np.flatnonzero(over)
        ]
    return found


def check_messages(batch: pa.RecordBatch) -> list[Finding]:
    """Conversational completions: a non-empty message list ending in an assistant turn."""
    found: list[Finding] = []
    for name in ("chosen", "rejected"):
        column = batch.column(name)
        if not pa.types.is_list(column.type):
            continue
        lengths = pc.list_value_length(column).fill_null(0).to_numpy(zero_copy_only=False)
        roles = column.flatten().field("role").to_numpy(zero_copy_only=False)
        last_role = roles[np.maximum(np.cumsum(lengths) - 1, 0)] if roles.size else lengths
        for i in np.flatnonzero((lengths == 0) | (last_role != "assistant")):
            found.append((int(i), f"{name} does not end with an assistant message", "invariant"))
    return found


def check_char_stats(
    batch: pa.RecordBatch, chosen: list[str], rejected: list[str]
) -> tuple[list[Finding], NDArray[np.int32], NDArray[np.int32]]:
    """Stored character statistics vs recomputed; also returns the recomputed prefix/suffix."""
    stats = edit_stats(chosen, rejected)
    found = []
    for column, attribute in CHAR_COLUMNS.items():
        found += _mismatches(column, _numpy(batch, column), getattr(stats, attribute), "stats")
    found += [
        (int(i), "chosen and rejected are identical", "invariant")
        for i in np.flatnonzero(stats.levenshtein == 0)
    ]
    found += _mismatches(
        "edit_start", _numpy(batch, "edit_start"), stats.common_prefix, "invariant"
    )
    return found, stats.common_prefix, stats.common_suffix


def check_token_stats(
    batch: pa.RecordBatch, chosen: list[str], rejected: list[str]
) -> list[Finding]:
    """Token statistics vs a re-tokenization, per tokenizer named in the ``tokenizer`` column.

    Rows without a tokenizer must have no token statistics at all.
    """
    names = batch.column("tokenizer")
    found: list[Finding] = []
    untokenized = np.flatnonzero(~pc.is_valid(names).to_numpy(zero_copy_only=False))
    for column in TOKEN_COLUMNS:
        present = pc.is_valid(batch.column(column)).to_numpy(zero_copy_only=False)
        found += [
            (int(i), f"{column} is set but tokenizer is null", "stats")
            for i in untokenized[present[untokenized]]
        ]
    for name in pc.unique(names.drop_null()).to_pylist():
        rows = np.flatnonzero(_mask(pc.equal(names, name)))
        sub = batch.take(pa.array(rows))
        stats = token_stats(
            load_tokenizer(name), [chosen[i] for i in rows], [rejected[i] for i in rows]
        )
        computed = {
            **{
                column: getattr(stats.edits, attribute)
                for column, attribute in TOKEN_COLUMNS.items()
            },
            "first_diff_token": stats.first_diff,
            "tokens_after_first_diff": stats.after_first_diff,
        }
        for column, values in computed.items():
            found += _mismatches(column, _numpy(sub, column), values, "stats", rows)
    return found


def check_strategies(
    batch: pa.RecordBatch,
    chosen: list[str],
    rejected: list[str],
    prefix: NDArray[np.int32],
    suffix: NDArray[np.int32],
    choice_rows: list[dict[str, Any]],
) -> list[Finding]:
    """The invariant of each row's strategy (arithmetic, choice); unknown ones are flagged.

    Choice rows are also appended to ``choice_rows`` (prompt replaced by its hash) for
    the per-question check, which needs all of a question's pairs.
    """
    strategy = batch.column("strategy").to_numpy(zero_copy_only=False)
    found: list[Finding] = []
    arithmetic = np.flatnonzero(strategy == "arithmetic")
    if arithmetic.size:
        sub = {
            name: batch.column(name).take(pa.array(arithmetic)).to_pylist()
            for name in _ARITHMETIC_COLUMNS
        }
        verdicts = check_arithmetic_rows(
            [chosen[i] for i in arithmetic],
            [rejected[i] for i in arithmetic],
            prefix[arithmetic].tolist(),
            suffix[arithmetic].tolist(),
            sub["edit_start"],
            sub["chosen_value"],
            sub["rejected_value"],
        )
        found += [
            (int(i), f"arithmetic pair: {code}", "arithmetic")
            for i, code in zip(arithmetic, verdicts, strict=True)
            if code is not None
        ]
    choice = np.flatnonzero(strategy == "choice")
    if choice.size:
        found += _check_choice_rows(batch, chosen, rejected, choice, choice_rows)
    unknown = np.flatnonzero((strategy != "arithmetic") & (strategy != "choice"))
    found += [(int(i), f"unknown strategy {strategy[i]!r}", "invariant") for i in unknown]
    return found


_ARITHMETIC_COLUMNS = ("edit_start", "chosen_value", "rejected_value")
_CHOICE_COLUMNS = (
    "source",
    "source_id",
    "chosen_value",
    "rejected_value",
    "pair_index",
    "edit_start",
)


def _check_choice_rows(
    batch: pa.RecordBatch,
    chosen: list[str],
    rejected: list[str],
    rows: NDArray[np.int64],
    choice_rows: list[dict[str, Any]],
) -> list[Finding]:
    sub = batch.take(pa.array(rows))
    prompts = completion_texts(sub.column("prompt"))
    columns = {name: sub.column(name).to_pylist() for name in _CHOICE_COLUMNS}
    found: list[Finding] = []
    for k, i in enumerate(rows.tolist()):
        row: dict[str, Any] = {name: values[k] for name, values in columns.items()}
        row.update(strategy="choice", prompt=prompts[k], chosen=chosen[i], rejected=rejected[i])
        reason = check_choice_pair(row)
        if reason is not None:
            found.append((i, f"choice pair: {reason}", "choice"))
        row.update(prompt=hash(prompts[k]), rejected=None, row=i)
        choice_rows.append(row)
    return found


def check_batch(batch: pa.RecordBatch, ctx: ShardContext, groups: ChoiceGroups) -> list[Violation]:
    """Every row check on one batch of a pair shard."""
    chosen = completion_texts(batch.column("chosen"))
    rejected = completion_texts(batch.column("rejected"))
    found = check_provenance(batch, ctx) + check_messages(batch)
    char_found, prefix, suffix = check_char_stats(batch, chosen, rejected)
    found += char_found
    found += check_token_stats(batch, chosen, rejected)
    choice_rows: list[dict[str, Any]] = []
    found += check_strategies(batch, chosen, rejected, prefix, suffix, choice_rows)
    groups.add(ctx, choice_rows)
    found.sort(key=lambda f: f[0])
    return [
        Violation(ctx.shard, ctx.first_row + row, reason, check) for row, reason, check in found
    ]


__all__ = ["ChoiceGroups", "ShardContext", "Violation", "check_batch", "completion_texts"]
