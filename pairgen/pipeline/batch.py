"""The per-batch work of a build: raw rows -> pairs with statistics, plus rejects.

:func:`process_batch` is a plain function of (plan, batch) with no global state, which is
what lets the same code run in-process, in a process pool or on Ray, and what makes the
output independent of batching: every random choice comes from the example's own RNG
(:mod:`pairgen.pipeline.rng`), every statistic from the pair's own text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyarrow as pa

from pairgen.config.source_settings import DEFAULT_MAX_FIELD_CHARS, SourceSettings, kept_columns
from pairgen.errors import RowRejected
from pairgen.metrics import edit_stats, load_tokenizer, token_stats
from pairgen.metrics.tokenizer_identity import TokenizerRef
from pairgen.pipeline.fewshot import ExemplarPool
from pairgen.pipeline.formats import assistant_message, conversational_prompt
from pairgen.pipeline.rng import ExampleRandom
from pairgen.record import (
    REJECT_SCHEMA,
    TOKEN_STAT_FIELDS,
    Example,
    PairDraft,
    kept_text,
    pair_schema,
)
from pairgen.sources import Source, get_source
from pairgen.sources.generic.base import KEPT_META_KEY
from pairgen.sources.inputs import RawBatch
from pairgen.strategies import Strategy, StrategyOptions, build_strategy


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """Everything a worker needs to pair one split's batches (picklable)."""

    source: str
    config: str
    output_config: str
    strategy: str
    options: StrategyOptions
    seed: int
    shots: int = 0
    pool: ExemplarPool = field(default_factory=lambda: ExemplarPool(()))
    tokenizer: TokenizerRef | None = None  # loaded from .load, recorded as .recorded
    format: str = "standard"
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS
    source_settings: SourceSettings | None = None  # a generic source's configuration


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Pairs and rejects of one batch, and how many input rows became pairs."""

    pairs: pa.Table
    rejects: pa.Table
    rows_in: int
    rows_paired: int


@lru_cache(maxsize=8)
def _source(name: str, settings: SourceSettings | None = None) -> Source:
    return get_source(name, settings)


@lru_cache(maxsize=8)
def _strategy(name: str, options: StrategyOptions) -> Strategy:
    return build_strategy(name, options)


@dataclass(slots=True)
class _Collected:
    """Column lists accumulated row by row before one Arrow conversion."""

    drafts: list[PairDraft] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    prompts: list[Any] = field(default_factory=list)
    shots: list[int] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    rows_paired: int = 0


def warm_up(plan: BatchPlan) -> None:
    """Load, once in the calling process, what :func:`process_batch` loads on first use.

    Process-pool workers fork from the caller and inherit what it has loaded instead of
    each loading it again: the source and strategy, and pandas, which pyarrow imports
    (when it is installed, as datasets installs it) on its first conversion of Python
    objects, ~0.3 s of CPU per process.
    """
    _source(plan.source, plan.source_settings)
    _strategy(plan.strategy, plan.options)
    pa.array([0], type=pa.int32())


def process_batch(plan: BatchPlan, batch: RawBatch) -> BatchResult:
    """Pair every row of ``batch``; rows that cannot be paired become rejects."""
    source = _source(plan.source, plan.source_settings)
    strategy = _strategy(plan.strategy, plan.options)
    collected = _Collected()
    rngs = ExampleRandom(plan.seed, plan.source, batch.split)
    for offset, row in enumerate(batch.to_pylist()):
        row_index = batch.first_row + offset
        source_id = _safe_source_id(source, row, row_index)
        try:
            batch.check_unique(offset, source_id)
            example = prepared_example(
                source, strategy, row, plan.config, batch.split, row_index, plan.max_field_chars
            )
            shots = (
                plan.pool.draw(example, plan.shots, rngs.for_example(source_id, "shots"))
                if plan.shots
                else []
            )
            drafts = strategy.make_pairs(example, rngs.for_example(source_id, "pairs"))
            if not drafts:
                raise RowRejected("no_pairs", "the strategy produced no pair")
        except RowRejected as rejected:
            collected.rejects.append(_reject_row(plan, batch, row, row_index, source_id, rejected))
            continue
        prompt: Any = (
            conversational_prompt(source, example, shots)
            if plan.format == "conversational"
            else source.render_prompt(example, shots)
        )
        collected.rows_paired += 1
        for draft in drafts:
            collected.drafts.append(draft)
            collected.examples.append(example)
            collected.prompts.append(prompt)
            collected.shots.append(len(shots))
    return BatchResult(
        pairs=_pairs_table(plan, collected),
        rejects=pa.Table.from_pylist(collected.rejects, schema=REJECT_SCHEMA),
        rows_in=len(batch),
        rows_paired=collected.rows_paired,
    )


def prepared_example(
    source: Source,
    strategy: Strategy,
    row: dict[str, Any],
    config: str,
    split: str,
    row_index: int,
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS,
) -> Example:
    """A raw row as the example the strategy pairs (and few-shot pools draw from).

    One path for both, so an exemplar is read, checked and prepared exactly like the
    examples whose prompts it appears in; raises ``RowRejected`` for an unusable row.
    """
    example = source.read_row(
        row, config=config, split=split, row_index=row_index, max_field_chars=max_field_chars
    )
    return strategy.prepare(example)


def _safe_source_id(source: Source, row: dict[str, Any], row_index: int) -> str:
    """The row's id, falling back to its index when the id column itself is broken."""
    try:
        return source.source_id(row, row_index)
    except (KeyError, TypeError, ValueError):
        return str(row_index)


def _reject_row(
    plan: BatchPlan,
    batch: RawBatch,
    row: dict[str, Any],
    row_index: int,
    source_id: str,
    rejected: RowRejected,
) -> dict[str, Any]:
    return {
        "source": plan.source,
        "config": plan.output_config,
        "split": batch.split,
        "source_id": source_id,
        "row_index": row_index,
        "file": batch.file,
        "reason": rejected.reason,
        "detail": rejected.detail,
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


def _pairs_table(plan: BatchPlan, collected: _Collected) -> pa.Table:
    drafts = collected.drafts
    chosen = [d.chosen for d in drafts]
    rejected = [d.rejected for d in drafts]
    chars = edit_stats(chosen, rejected)
    count = len(drafts)
    conversational = plan.format == "conversational"
    columns: dict[str, Any] = {
        "prompt": collected.prompts,
        "chosen": [assistant_message(c) for c in chosen] if conversational else chosen,
        "rejected": [assistant_message(r) for r in rejected] if conversational else rejected,
        "id": [
            f"{plan.output_config}/{e.split}/{e.source_id}/{d.pair_index}"
            for e, d in zip(collected.examples, drafts, strict=True)
        ],
        "source": [plan.source] * count,
        "config": [plan.output_config] * count,
        "split": [e.split for e in collected.examples],
        "source_id": [e.source_id for e in collected.examples],
        "pair_index": [d.pair_index for d in drafts],
        "strategy": [d.strategy for d in drafts],
        "shots": collected.shots,
        "edit_start": [d.edit_start for d in drafts],
        "chosen_value": [d.chosen_value for d in drafts],
        "rejected_value": [d.rejected_value for d in drafts],
        "edit_kind": [d.edit_kind for d in drafts],
        "chosen_chars": chars.chosen_len,
        "rejected_chars": chars.rejected_len,
        "levenshtein": chars.levenshtein,
        "norm_edit_distance": chars.norm_edit_distance,
        "common_prefix_chars": chars.common_prefix,
        "common_suffix_chars": chars.common_suffix,
    }
    columns.update(_token_columns(plan.tokenizer, chosen, rejected))
    kept = kept_columns(plan.source_settings)
    for name in kept:
        columns[name] = [kept_text(e.meta[KEPT_META_KEY].get(name)) for e in collected.examples]
    return pa.Table.from_pydict(columns, schema=pair_schema(conversational, kept))


def _token_columns(
    tokenizer: TokenizerRef | None, chosen: list[str], rejected: list[str]
) -> dict[str, Any]:
    """Token statistics columns; all null when the build has no tokenizer."""
    names = [f.name for f in TOKEN_STAT_FIELDS]
    if tokenizer is None:
        return {name: [None] * len(chosen) for name in names}
    stats = token_stats(load_tokenizer(tokenizer.load), chosen, rejected)
    edits = stats.edits
    values: list[Any] = [
        [tokenizer.recorded] * len(chosen),
        edits.chosen_len,
        edits.rejected_len,
        edits.levenshtein,
        edits.norm_edit_distance,
        edits.common_prefix,
        edits.common_suffix,
        [None if d < 0 else int(d) for d in stats.first_diff],
        stats.after_first_diff,
    ]
    return dict(zip(names, values, strict=True))


__all__ = ["BatchPlan", "BatchResult", "prepared_example", "process_batch", "raw_json", "warm_up"]
