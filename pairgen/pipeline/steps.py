"""The row path of a build: the five steps every row takes, in order, in one place.

=========  ================  ============================================================
step       runs in           what it does
=========  ================  ============================================================
read       building process  a split's files (or Hub split) -> batches of raw rows, in
                             order (:func:`pairgen.sources.inputs.iter_split`)
prepare    worker            raw row -> :class:`~pairgen.record.Example`: the source reads
                             and checks it, the strategy prepares it (:func:`prepare`)
pair       worker            example -> its pairs, each with its prompt (few-shot
                             exemplars first): the strategy's ``make_pairs`` (:func:`pair`)
measure    worker            a batch's pairs -> one Arrow table, with ``edit_start`` and
                             the character and token statistics (:func:`measure`)
write      building process  tables -> size-bounded shards in input order, and the
                             split's rejects file (:func:`write`)
=========  ================  ============================================================

:func:`run_split` is that list as code, for one split; :func:`process_batch` the workers'
part of it for one batch.  From prepare to measure a row has one type, the
:class:`~pairgen.record.Example`, which a strategy pairs by filling its ``chosen`` and
``rejected``.  A row that cannot become a pair leaves the path at prepare or pair as a
reject with a reason (``OUT/rejects``), never silently.

:func:`process_batch` is a plain function of (plan, batch) with no global state, which is
what lets the same code run in-process, in a process pool or on Ray, and what makes the
output independent of batching: every random choice comes from the example's own RNG
(:mod:`pairgen.pipeline.rng`), every statistic from the pair's own text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from pairgen.config.source_settings import DEFAULT_MAX_FIELD_CHARS, SourceSettings, kept_columns
from pairgen.config.spec import BuildSpec
from pairgen.errors import RowRejected
from pairgen.metrics import edit_stats, load_tokenizer, token_stats
from pairgen.metrics.tokenizer_identity import TokenizerRef
from pairgen.output.manifest import SplitEntry, rejects_path
from pairgen.pipeline.executors import ordered_map
from pairgen.pipeline.fewshot import ExemplarPool
from pairgen.pipeline.formats import assistant_message, conversational_prompt
from pairgen.pipeline.rng import ExampleRandom
from pairgen.pipeline.writer import SplitWriter, in_background, write_rejects
from pairgen.record import (
    REJECT_SCHEMA,
    TOKEN_STAT_FIELDS,
    Example,
    kept_text,
    pair_schema,
    reject_record,
)
from pairgen.sources import Source, get_source
from pairgen.sources.generic.base import KEPT_META_KEY
from pairgen.sources.inputs import RawBatch, SplitInput, expected_rows, iter_split
from pairgen.strategies import Strategy, StrategyOptions, build_strategy

# progress("config/split", rows read so far, rows the input holds or None if unknown);
# the total of a text file is estimated from its bytes (pairgen.sources.row_counts), so it
# is never shown below the rows done, and the split's last call gives the exact count
ProgressCallback = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """Everything a worker needs to pair one split's batches (picklable): the build's
    spec as it is, and what checking one of its sources decided
    (:mod:`pairgen.pipeline.resolve`)."""

    spec: BuildSpec
    source: str
    config: str
    output_config: str
    strategy: str
    pool: ExemplarPool = field(default_factory=lambda: ExemplarPool(()))
    tokenizer: TokenizerRef | None = None  # loaded from .load, recorded as .recorded
    source_settings: SourceSettings | None = None  # a generic source's, as settled


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Pairs and rejects of one batch, and how many input rows became pairs."""

    pairs: pa.Table
    rejects: pa.Table
    rows_in: int
    rows_paired: int


def run_split(
    plan: BatchPlan,
    source: Source,
    split_input: SplitInput,
    root: Path,
    progress: ProgressCallback | None = None,
) -> SplitEntry:
    """The row path of one split, into ``root``: read -> prepare, pair, measure (in the
    workers, :func:`process_batch`) -> write.  Returns the split's manifest entry."""
    spec = plan.spec
    batches = iter_split(split_input, source, spec.batch_rows, spec.max_field_chars)
    warm_up(plan)
    results = ordered_map(process_batch, plan, batches, spec.workers, spec.executor)
    schema = pair_schema(spec.format == "conversational", kept_columns(plan.source_settings))
    writer = SplitWriter(root, plan.output_config, split_input.split, schema)
    # closing(): a failed write stops the worker pool now, not when the frame is freed
    with closing(results):
        total = expected_rows(split_input) if progress is not None else None
        return write(writer, results, total, progress)


def process_batch(plan: BatchPlan, batch: RawBatch) -> BatchResult:
    """prepare -> pair for every row of ``batch``, then measure the batch's pairs; rows
    that cannot be paired become rejects."""
    source = _source(plan.source, plan.source_settings)
    spec = plan.spec
    strategy = _strategy(plan.strategy, spec.options)
    rngs = ExampleRandom(spec.seed, plan.source, batch.split)
    pairs: list[Example] = []
    rejects: list[dict[str, Any]] = []
    rows_paired = 0
    for offset, row in enumerate(batch.to_pylist()):
        row_index = batch.first_row + offset
        source_id = _safe_source_id(source, row, row_index)
        try:
            batch.check_unique(offset, source_id)
            example = prepare(
                source, strategy, row, plan.config, batch.split, row_index, spec.max_field_chars
            )
            pairs += pair(plan, source, strategy, example, rngs, source_id)
        except RowRejected as rejected:
            where = (plan.source, plan.output_config, batch.split, batch.file)
            reason, detail = rejected.reason, rejected.detail
            rejects.append(reject_record(where, source_id, row_index, reason, detail, row))
            continue
        rows_paired += 1
    return BatchResult(
        pairs=measure(plan, pairs),
        rejects=pa.Table.from_pylist(rejects, schema=REJECT_SCHEMA),
        rows_in=len(batch),
        rows_paired=rows_paired,
    )


def prepare(
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


def pair(
    plan: BatchPlan,
    source: Source,
    strategy: Strategy,
    example: Example,
    rngs: ExampleRandom,
    source_id: str,
) -> list[Example]:
    """The pairs the strategy makes of ``example``, each given the prompt they share (the
    plan's few-shot exemplars first); the row's randomness comes from its own streams of
    ``rngs``, keyed by ``source_id``."""
    k = plan.spec.shots
    shots = plan.pool.draw(example, k, rngs.for_example(source_id, "shots")) if k else []
    pairs = strategy.make_pairs(example, rngs.for_example(source_id, "pairs"))
    if not pairs:
        raise RowRejected("no_pairs", "the strategy produced no pair")
    prompt: Any = (
        conversational_prompt(source, example, shots)
        if plan.spec.format == "conversational"
        else source.render_prompt(example, shots)
    )
    for made in pairs:  # new objects, made for this row: given their prompt in place
        made.prompt = prompt
        made.shots = len(shots)
    return pairs


def measure(plan: BatchPlan, pairs: Sequence[Example]) -> pa.Table:
    """A batch's pairs as one Arrow table of :func:`~pairgen.record.pair_schema`.

    The statistics are computed here, once, from the pairs' own text, for the whole batch
    (:mod:`pairgen.metrics`): ``edit_start``, where the edit begins, is the length of the
    common prefix of chosen and rejected, the very value ``common_prefix_chars`` holds.
    """
    chosen = [p.chosen for p in pairs]
    rejected = [p.rejected for p in pairs]
    chars = edit_stats(chosen, rejected)
    conversational = plan.spec.format == "conversational"
    config = plan.output_config
    columns: dict[str, Any] = {
        "prompt": [p.prompt for p in pairs],
        "chosen": [assistant_message(c) for c in chosen] if conversational else chosen,
        "rejected": [assistant_message(r) for r in rejected] if conversational else rejected,
        "id": [f"{config}/{p.split}/{p.source_id}/{p.pair_index}" for p in pairs],
        "source": [plan.source] * len(pairs),
        "config": [config] * len(pairs),
        "split": [p.split for p in pairs],
        "source_id": [p.source_id for p in pairs],
        "pair_index": [p.pair_index for p in pairs],
        "strategy": [p.strategy for p in pairs],
        "shots": [p.shots for p in pairs],
        "edit_start": chars.common_prefix,
        "chosen_value": [p.chosen_value for p in pairs],
        "rejected_value": [p.rejected_value for p in pairs],
        "edit_kind": [p.edit_kind for p in pairs],
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
        columns[name] = [kept_text(p.meta[KEPT_META_KEY].get(name)) for p in pairs]
    return pa.Table.from_pydict(columns, schema=pair_schema(conversational, kept))


def write(
    writer: SplitWriter,
    results: Iterable[BatchResult],
    total: int | None = None,
    progress: ProgressCallback | None = None,
) -> SplitEntry:
    """The batches' pairs into the split's shards (compressed on a background thread) and
    its rejects into one file, in input order; the split's counts must reconcile
    (``rows_in = rows_paired + rows_rejected``) or the build fails loudly."""
    where = f"{writer.config}/{writer.split}"
    reject_tables: list[pa.Table] = []
    counts: Counter[str] = Counter()
    if progress is not None:
        progress(where, 0, total)
    try:
        with in_background(writer.write) as write_pairs:
            for result in results:
                write_pairs(result.pairs)
                if result.rejects.num_rows:
                    reject_tables.append(result.rejects)
                counts["rows_in"] += result.rows_in
                counts["rows_paired"] += result.rows_paired
                counts["pairs"] += result.pairs.num_rows
                if progress is not None:
                    done = counts["rows_in"]
                    progress(where, done, None if total is None else max(total, done))
        shards = writer.close()
        if progress is not None and total != counts["rows_in"]:  # an estimate, or unknown
            progress(where, counts["rows_in"], counts["rows_in"])
    except BaseException:
        writer.abort()
        raise
    rejects = pa.concat_tables(reject_tables) if reject_tables else REJECT_SCHEMA.empty_table()
    rejects_entry = write_rejects(writer.root, rejects_path(writer.config, writer.split), rejects)
    if counts["rows_in"] != counts["rows_paired"] + rejects.num_rows:
        raise RuntimeError(f"{where}: rows do not reconcile: {dict(counts)}")
    reasons = Counter(rejects.column("reason").to_pylist()) if rejects.num_rows else Counter()
    return SplitEntry(
        rows_in=counts["rows_in"],
        rows_paired=counts["rows_paired"],
        rows_rejected=rejects.num_rows,
        pairs=counts["pairs"],
        rejects_by_reason=dict(sorted(reasons.items())),
        shards=tuple(shards),
        rejects=rejects_entry,
        rows_sha256=writer.digest.hexdigest(),
    )


@lru_cache(maxsize=8)
def _source(name: str, settings: SourceSettings | None = None) -> Source:
    return get_source(name, settings)


@lru_cache(maxsize=8)
def _strategy(name: str, options: StrategyOptions) -> Strategy:
    return build_strategy(name, options)


def warm_up(plan: BatchPlan) -> None:
    """Load, once in the calling process, what :func:`process_batch` loads on first use.

    Process-pool workers fork from the caller and inherit what it has loaded instead of
    each loading it again: the source and strategy, and pandas, which pyarrow imports
    (when it is installed, as datasets installs it) on its first conversion of Python
    objects, ~0.3 s of CPU per process.
    """
    _source(plan.source, plan.source_settings)
    _strategy(plan.strategy, plan.spec.options)
    pa.array([0], type=pa.int32())


def _safe_source_id(source: Source, row: dict[str, Any], row_index: int) -> str:
    """The row's id, falling back to its index when the id column itself is broken."""
    try:
        return source.source_id(row, row_index)
    except (KeyError, TypeError, ValueError):
        return str(row_index)


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


__all__ = [
    "BatchPlan",
    "BatchResult",
    "ProgressCallback",
    "measure",
    "pair",
    "prepare",
    "process_batch",
    "run_split",
    "warm_up",
    "write",
]
