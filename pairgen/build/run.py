"""The build stage: sources -> pairs -> shards, rejects and ``manifest.json``.

Reading happens in the calling process (it is I/O), pairing and statistics in the
workers (:func:`pairgen.build.batch.process_batch`), writing back in the calling process in
input order.  The manifest reconciles every split: ``rows_in = rows_paired +
rows_rejected``; a build that cannot reconcile is a bug and fails loudly.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pairgen.build.batch import BatchPlan, prepared_example, process_batch, warm_up
from pairgen.build.executors import ordered_map
from pairgen.build.fewshot import ExemplarPool, pool_from
from pairgen.build.writer import SplitWriter, in_background, write_table_atomically
from pairgen.config.spec import (
    BuildSpec,
    SourceSpec,
    check_spec,
    config_hash,
    with_local_tokenizer_resolved,
)
from pairgen.errors import PairgenError, RowRejected
from pairgen.files import write_json_atomically
from pairgen.manifest import CARD_NAME, MANIFEST_NAME, MANIFEST_VERSION, library_versions
from pairgen.metrics import load_tokenizer
from pairgen.record import REJECT_SCHEMA, Example, pair_schema
from pairgen.sources import Source, get_source
from pairgen.sources.inputs import (
    InputRecord,
    RawBatch,
    SplitInput,
    describe_inputs,
    iter_split,
    resolve_inputs,
)
from pairgen.strategies import Strategy, build_strategy

ProgressCallback = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class ResolvedSource:
    """One source of a build with everything checked before any output is touched."""

    spec: SourceSpec
    source: Source
    config: str
    inputs: list[SplitInput]
    records: list[InputRecord]
    plan: BatchPlan


def build(spec: BuildSpec, progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Run a whole build and return the manifest (also written to ``OUT/manifest.json``).

    Everything that can fail on bad input (sources, files, tokenizer, settings, the
    few-shot pool) is resolved first, so a failed rebuild leaves the previous output as
    it was.
    """
    check_spec(spec)
    spec = with_local_tokenizer_resolved(spec)
    if spec.tokenizer is not None:
        load_tokenizer(spec.tokenizer)  # fail early, in the parent, with a clear message
    resolved = resolve_sources(spec)
    prepare_output(spec.out)
    configs = {item.plan.output_config: build_source(spec, item, progress) for item in resolved}
    settings = {
        "seed": spec.seed,
        "format": spec.format,
        "shots": spec.shots,
        "pool_size": spec.pool_size,
        "tokenizer": spec.tokenizer,
        "options": asdict(spec.options),
    }
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "config_hash": config_hash(settings, configs),
        **settings,
        "versions": library_versions(),
        "configs": configs,
    }
    write_json_atomically(spec.out / MANIFEST_NAME, manifest)
    return manifest


def resolve_sources(spec: BuildSpec) -> list[ResolvedSource]:
    """Check every source of the build and prepare its batch plan (no output written)."""
    resolved: list[ResolvedSource] = []
    seen: set[str] = set()
    for source_spec in spec.sources:
        source = get_source(source_spec.source)
        config = source_spec.config or source.default_config
        inputs = source_inputs(source_spec, source, config, source_spec.splits)
        records = describe_inputs(inputs)  # pins Hub splits before the pool reads train
        output_config = source.output_config(config)
        if output_config in seen:
            raise PairgenError(f"config {output_config!r} is listed twice in this build")
        seen.add(output_config)
        strategy_name = source_spec.strategy or source.default_strategy
        strategy = build_strategy(strategy_name, spec.options)
        plan = BatchPlan(
            source=source.name,
            config=config,
            output_config=output_config,
            strategy=strategy_name,
            options=spec.options,
            seed=spec.seed,
            shots=spec.shots,
            pool=exemplar_pool(spec, source_spec, source, config, inputs, strategy),
            tokenizer=spec.tokenizer,
            format=spec.format,
        )
        resolved.append(ResolvedSource(source_spec, source, config, inputs, records, plan))
    return resolved


def source_inputs(
    source_spec: SourceSpec,
    source: Source,
    config: str,
    splits: Sequence[str] | None,
    revision: str | None = None,
) -> list[SplitInput]:
    """The inputs of ``splits`` of one source of the build (``revision`` overrides its own)."""
    return resolve_inputs(
        source,
        config,
        source_spec.backend,
        source_spec.data_files,
        revision or source_spec.revision,
        splits,
        source_spec.hub_repo,
    )


def prepare_output(out: Path) -> None:
    """Create the output directory; refuse a path that is a file.

    Re-building into a previous pairgen output replaces its shards, rejects, plots and
    dataset card, so nothing of an earlier build survives next to the new one (and gets
    published); `pairgen stats` and `pairgen card` write them again.
    """
    if out.exists() and not out.is_dir():
        raise PairgenError("output path exists and is not a directory", file=str(out))
    if (out / MANIFEST_NAME).is_file():
        (out / MANIFEST_NAME).unlink()  # no manifest may describe shards being replaced
        for stale in ("data", "rejects", "plots"):
            shutil.rmtree(out / stale, ignore_errors=True)
        (out / CARD_NAME).unlink(missing_ok=True)  # it described the old shards
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PairgenError(
            f"cannot create output directory: {exc.strerror}", file=str(out)
        ) from exc


def build_source(
    spec: BuildSpec, item: ResolvedSource, progress: ProgressCallback | None
) -> dict[str, Any]:
    """Build every split of one source/config; return its manifest entry."""
    splits = {
        split_input.split: build_split(spec, item.plan, item.source, split_input, progress)
        for split_input in item.inputs
    }
    return {
        "source": item.source.name,
        "source_config": item.config,
        "hub_repo": item.spec.hub_repo or item.source.hub_repo,
        "license": item.source.license,
        "backend": item.spec.backend,
        "strategy": item.plan.strategy,
        "inputs": [asdict(record) for record in item.records],
        "splits": splits,
    }


def exemplar_pool(
    spec: BuildSpec,
    source_spec: SourceSpec,
    source: Source,
    config: str,
    inputs: list[SplitInput],
    strategy: Strategy,
) -> ExemplarPool:
    """The few-shot pool: the first usable rows of the train split.

    When the build does not include the train split but the source has one available (a
    test-only build), the pool still comes from train: exemplars drawn from the evaluated
    split itself would leak its answers, so a build with no train split at hand is an
    error.
    """
    if spec.shots == 0:
        return ExemplarPool(())
    pool_input = next((i for i in inputs if i.split == "train"), None)
    if pool_input is None:
        try:  # from the commit the built splits were pinned to
            (pool_input,) = source_inputs(
                source_spec, source, config, ["train"], inputs[0].revision
            )
        except PairgenError as exc:
            raise PairgenError(
                f"--shots needs {source.name}'s train split to draw exemplars from (never the "
                "split being built); add --data-files train=PATH"
            ) from exc
    examples: list[Example] = []
    for batch in iter_split(pool_input, source, batch_rows=spec.pool_size):
        for offset, row in enumerate(batch.to_pylist()):
            try:
                examples.append(
                    prepared_example(
                        source, strategy, row, config, batch.split, batch.first_row + offset
                    )
                )
            except RowRejected:
                continue
        if len(examples) >= spec.pool_size:
            break
    return pool_from(examples, spec.pool_size)


def build_split(
    spec: BuildSpec,
    plan: BatchPlan,
    source: Source,
    split_input: SplitInput,
    progress: ProgressCallback | None,
) -> dict[str, Any]:
    """Pair one split and write its shards and rejects; return its manifest entry."""
    writer = SplitWriter(
        spec.out,
        plan.output_config,
        split_input.split,
        pair_schema(spec.format == "conversational"),
    )
    reject_tables: list[pa.Table] = []
    counts: Counter[str] = Counter()
    batches: Iterator[RawBatch] = iter_split(split_input, source, spec.batch_rows)
    warm_up(plan)
    try:
        results = ordered_map(process_batch, plan, batches, spec.workers, spec.executor)
        # closing(): a failed write stops the worker pool now, not when the frame is freed
        with closing(results), in_background(writer.write) as write:
            for result in results:
                write(result.pairs)
                if result.rejects.num_rows:
                    reject_tables.append(result.rejects)
                counts["rows_in"] += result.rows_in
                counts["rows_paired"] += result.rows_paired
                counts["pairs"] += result.pairs.num_rows
                if progress is not None:
                    progress(f"{plan.output_config}/{split_input.split}", result.rows_in)
        shards = writer.close()
    except BaseException:
        writer.abort()
        raise
    rejects = pa.concat_tables(reject_tables) if reject_tables else REJECT_SCHEMA.empty_table()
    rejects_path = spec.out / "rejects" / plan.output_config / f"{split_input.split}.parquet"
    rejects_info = write_table_atomically(rejects_path, rejects)
    rows_rejected = rejects.num_rows
    if counts["rows_in"] != counts["rows_paired"] + rows_rejected:
        raise RuntimeError(
            f"{plan.output_config}/{split_input.split}: rows do not reconcile: {dict(counts)}"
        )
    reasons = Counter(rejects.column("reason").to_pylist()) if rows_rejected else Counter()
    return {
        "rows_in": counts["rows_in"],
        "rows_paired": counts["rows_paired"],
        "rows_rejected": rows_rejected,
        "pairs": counts["pairs"],
        "rejects_by_reason": dict(sorted(reasons.items())),
        "shards": [asdict(s) for s in shards],
        "rejects": {
            "path": rejects_path.relative_to(spec.out).as_posix(),
            "rows": rows_rejected,
            "sha256": rejects_info.sha256,
        },
    }
