"""Row checks of ``pairgen validate``: recompute what a shard claims, in batches.

One record batch (a Parquet row group) at a time: the statistics are recomputed from the
text with the same batch functions the build uses (:mod:`pairgen.metrics`) and compared to
the stored columns as numpy arrays.  What a pair promises beyond that belongs to the
strategy that made it: each row goes to the registered strategy its ``strategy`` column
names (:meth:`pairgen.strategies.base.Strategy.check_pairs`, plugins included), and
strategies that make several pairs per question also get each question's pairs together
at the end of the split (:mod:`pairgen.validate.strategy_checks`).  Each problem becomes
a :class:`Violation` naming the shard, the row (0-based, within the shard) and the reason.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pairgen.metrics import edit_stats, load_tokenizer, token_stats
from pairgen.validate.strategy_checks import QuestionGroups, StrategyChecks, check_strategies
from pairgen.validate.token_recheck import TokenRecheck
from pairgen.validate.violations import (
    Finding,
    ShardContext,
    Violation,
    completion_texts,
    true_mask,
)

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


def check_provenance(batch: pa.RecordBatch, ctx: ShardContext) -> list[Finding]:
    """Provenance columns agree with the build: ``source``/``config``/``split`` with the
    manifest entry of the shard, ``id`` with ``config/split/source_id/pair_index`` (the
    formula :mod:`pairgen.pipeline.steps` writes), and ``shots`` no more than the build
    asked for (a small pool may give fewer)."""
    found = []
    for name in ("source", "config", "split"):
        expected = getattr(ctx, name)
        column = batch.column(name)
        found += [
            (int(i), f"{name} is {column[i].as_py()!r}, expected {expected!r}", "provenance")
            for i in np.flatnonzero(~true_mask(pc.equal(column, expected)))
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
        for i in np.flatnonzero(~true_mask(pc.equal(batch.column("id"), expected_ids)))
    ]
    if ctx.shots is not None:
        over = ~true_mask(pc.less_equal(batch.column("shots"), ctx.shots))
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
    batch: pa.RecordBatch,
    chosen: list[str],
    rejected: list[str],
    tokens: TokenRecheck | None = None,
) -> list[Finding]:
    """Token statistics vs a re-tokenization, per tokenizer named in the ``tokenizer`` column
    (reloaded as ``tokens`` says: a local one only when it was handed back).

    Rows without a tokenizer must have no token statistics at all; a local tokenizer other
    than the manifest's is a violation, since nothing could recheck its rows.
    """
    tokens = tokens or TokenRecheck()
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
        rows = np.flatnonzero(true_mask(pc.equal(names, name)))
        target = tokens.target(name)
        if target is None:
            if name != tokens.recorded:
                reason = f"tokenizer is {name} but the manifest records {tokens.recorded}"
                found += [(int(i), reason, "provenance") for i in rows]
            continue
        sub = batch.take(pa.array(rows))
        stats = token_stats(
            load_tokenizer(target), [chosen[i] for i in rows], [rejected[i] for i in rows]
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


def check_batch(
    batch: pa.RecordBatch,
    ctx: ShardContext,
    checks: StrategyChecks,
    groups: QuestionGroups,
    tokens: TokenRecheck | None = None,
) -> list[Violation]:
    """Every row check on one batch of a pair shard."""
    chosen = completion_texts(batch.column("chosen"))
    rejected = completion_texts(batch.column("rejected"))
    found = check_provenance(batch, ctx) + check_messages(batch)
    char_found, prefix, suffix = check_char_stats(batch, chosen, rejected)
    found += char_found
    found += check_token_stats(batch, chosen, rejected, tokens)
    found += check_strategies(batch, (chosen, rejected), prefix, suffix, ctx, checks, groups)
    found.sort(key=lambda f: f[0])
    return [
        Violation(ctx.shard, ctx.first_row + row, reason, check) for row, reason, check in found
    ]


__all__ = [
    "QuestionGroups",
    "ShardContext",
    "StrategyChecks",
    "Violation",
    "check_batch",
    "completion_texts",
]
