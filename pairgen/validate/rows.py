"""Row checks of ``pairgen validate``: recompute what a shard claims, in batches.

One record batch (a Parquet row group) at a time: the statistics are recomputed from the
text with the same batch functions the build uses (:mod:`pairgen.metrics`) and compared to
the stored columns as numpy arrays.  What a pair promises beyond that belongs to the
strategy that made it: each row goes to the registered strategy its ``strategy`` column
names (:meth:`pairgen.strategies.base.Strategy.check_pairs`, plugins included), and
strategies that make several pairs per question also get each question's pairs together
at the end of the split (:class:`QuestionGroups`).  Each problem becomes a
:class:`Violation` naming the shard, the row (0-based, within the shard) and the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pairgen.errors import PairgenError
from pairgen.metrics import edit_stats, load_tokenizer, token_stats
from pairgen.strategies import PairRows, Strategy, StrategyOptions, build_strategy

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


class StrategyChecks:
    """The registered strategies validate asks, each built once with the build's options.

    A name that is not registered (or whose plugin cannot be loaded) is remembered with
    the reason, so every row of it gets the same violation and no traceback.
    """

    def __init__(self, options: StrategyOptions) -> None:
        self.options = options
        self._built: dict[str, Strategy | str] = {}

    def get(self, name: str) -> Strategy | str:
        """The strategy called ``name``, or why there is none."""
        if name not in self._built:
            try:
                self._built[name] = build_strategy(name, self.options)
            except PairgenError as exc:
                unknown = str(exc).startswith("unknown strategy")
                self._built[name] = f"unknown strategy {name!r}" if unknown else str(exc)
        return self._built[name]


@dataclass
class QuestionGroups:
    """Per-question summaries of one split, for the strategies' group checks at its end.

    Keyed by (strategy, source_id); only what each strategy's ``group_summary`` keeps
    stays in memory (a digest, not the prompt), so a few-shot split need not.
    """

    summaries: dict[tuple[str, str], list[Mapping[str, Any]]] = field(default_factory=dict)
    where: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)

    def add(self, strategy: str, source_id: str, where: tuple[str, int], summary: Any) -> None:
        key = (strategy, source_id)
        self.summaries.setdefault(key, []).append(summary)
        self.where.setdefault(key, where)

    def violations(self, checks: StrategyChecks) -> list[Violation]:
        found = []
        for (name, source_id), summaries in self.summaries.items():
            strategy = checks.get(name)
            reason = strategy.check_group(summaries) if isinstance(strategy, Strategy) else None
            if reason is not None:
                shard, row = self.where[(name, source_id)]
                found.append(Violation(shard, row, f"question {source_id!r}: {reason}", name))
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
    formula :mod:`pairgen.build.batch` writes), and ``shots`` no more than the build
    asked for (a small pool may give fewer)."""
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
    texts: tuple[list[str], list[str]],
    prefix: NDArray[np.int32],
    suffix: NDArray[np.int32],
    ctx: ShardContext,
    checks: StrategyChecks,
    groups: QuestionGroups,
) -> list[Finding]:
    """Each row's strategy's own check (``<strategy> pair: reason``, check = its name);
    group summaries are added to ``groups`` for the checks at the end of the split."""
    chosen, rejected = texts
    names = batch.column("strategy")
    found: list[Finding] = []
    for name in pc.unique(names).to_pylist():
        rows = np.flatnonzero(_mask(pc.equal(names, name)))
        strategy = checks.get(name)
        if not isinstance(strategy, Strategy):
            found += [(int(i), strategy, "invariant") for i in rows]
            continue
        sub = batch if len(rows) == batch.num_rows else batch.take(pa.array(rows))
        try:
            pairs = PairRows(
                chosen=[chosen[i] for i in rows],
                rejected=[rejected[i] for i in rows],
                common_prefix=prefix[rows].tolist(),
                common_suffix=suffix[rows].tolist(),
                columns={
                    column: completion_texts(sub.column(column))
                    if column == "prompt"
                    else sub.column(column).to_pylist()
                    for column in strategy.check_columns
                },
            )
            verdicts = strategy.check_pairs(pairs)
            summaries = _summaries(strategy, pairs)
        except Exception as exc:  # a plugin's check that crashes is reported, not raised
            reason = f"the {name} check failed: {type(exc).__name__}: {exc}"
            found += [(int(i), reason, name) for i in rows]
            continue
        found += [
            (int(i), f"{name} pair: {verdict}", name)
            for i, verdict in zip(rows.tolist(), verdicts, strict=True)
            if verdict is not None
        ]
        if summaries:
            source_ids = sub.column("source_id").to_pylist()
            for i, source_id, summary in zip(rows.tolist(), source_ids, summaries, strict=True):
                if summary is not None:
                    groups.add(name, str(source_id), (ctx.shard, ctx.first_row + i), summary)
    return found


def _summaries(strategy: Strategy, pairs: PairRows) -> list[Mapping[str, Any] | None]:
    """Every row's group summary, or none at all when the strategy has no group check."""
    if not len(pairs) or strategy.group_summary(pairs.row(0)) is None:
        return []
    return [strategy.group_summary(pairs.row(k)) for k in range(len(pairs))]


def check_batch(
    batch: pa.RecordBatch, ctx: ShardContext, checks: StrategyChecks, groups: QuestionGroups
) -> list[Violation]:
    """Every row check on one batch of a pair shard."""
    chosen = completion_texts(batch.column("chosen"))
    rejected = completion_texts(batch.column("rejected"))
    found = check_provenance(batch, ctx) + check_messages(batch)
    char_found, prefix, suffix = check_char_stats(batch, chosen, rejected)
    found += char_found
    found += check_token_stats(batch, chosen, rejected)
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
