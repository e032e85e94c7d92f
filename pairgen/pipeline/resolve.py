"""Everything a build checks before it writes anything: sources, inputs, few-shot pools.

Bad input (an unknown source, a missing file, a split that does not exist, no train split
to draw exemplars from) fails here, before the build takes OUT's staging area, so a
mistyped rebuild costs nothing and changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError, RowRejected
from pairgen.metrics.tokenizer_identity import TokenizerRef
from pairgen.output.files import check_name
from pairgen.pipeline.fewshot import ExemplarPool, pool_from
from pairgen.pipeline.steps import BatchPlan, prepare
from pairgen.record import Example
from pairgen.sources import Source, get_source
from pairgen.sources.generic.choice import GenericChoice
from pairgen.sources.inputs import (
    InputRecord,
    SplitInput,
    describe_inputs,
    iter_split,
    resolve_inputs,
)
from pairgen.strategies import Strategy, build_strategy


@dataclass(frozen=True, slots=True)
class ResolvedSource:
    """One source of a build with everything checked before any output is touched."""

    spec: SourceSpec
    source: Source
    config: str
    inputs: list[SplitInput]
    records: list[InputRecord]
    plan: BatchPlan
    unlabeled: tuple[str, ...] = ()  # splits left out: the source publishes them unlabeled


def resolve_sources(spec: BuildSpec, tokenizer: TokenizerRef | None = None) -> list[ResolvedSource]:
    """Check every source of the build and prepare its batch plan (no output written);
    ``tokenizer`` is ``spec.tokenizer`` resolved (the build resolves it once)."""
    resolved: list[ResolvedSource] = []
    seen: set[str] = set()
    for source_spec in spec.sources:
        source = get_source(source_spec.source, source_spec.settings)
        strategy_name = source_spec.strategy or source.default_strategy
        strategy = build_strategy(strategy_name, spec.options)
        check_kinds(source, strategy)  # before inputs are hashed or the Hub is asked
        config = source_spec.config or source.default_config
        inputs = source_inputs(source_spec, source, config, source_spec.splits)
        unlabeled: list[str] = []
        if source_spec.splits is None:  # named splits are built, whatever they hold
            inputs, unlabeled = leave_out_unlabeled(source, inputs)
        records = describe_inputs(inputs)  # pins Hub splits before the pool reads train
        if isinstance(source, GenericChoice):  # how its answers read, decided by the data
            settings = source.settle(survey_rows(source, inputs), source_spec.settings)
            if settings != source_spec.settings:
                source_spec = dataclasses.replace(source_spec, settings=settings)
                source = get_source(source_spec.source, settings)
        output_config = check_name("config", source.output_config(config))  # a plugin's too
        if output_config in seen:
            raise PairgenError(f"config {output_config!r} is listed twice in this build")
        seen.add(output_config)
        plan = BatchPlan(
            spec=spec,
            source=source.name,
            config=config,
            output_config=output_config,
            strategy=strategy_name,
            pool=exemplar_pool(spec, source_spec, source, config, inputs, strategy),
            tokenizer=tokenizer,
            source_settings=source_spec.settings,
        )
        resolved.append(
            ResolvedSource(source_spec, source, config, inputs, records, plan, tuple(unlabeled))
        )
    return resolved


def leave_out_unlabeled(
    source: Source, inputs: list[SplitInput]
) -> tuple[list[SplitInput], list[str]]:
    """The inputs of the splits ``source`` publishes labeled, and the names of the others
    (:meth:`~pairgen.sources.base.Source.labeled_splits`); nothing left is an error."""
    kept = source.labeled_splits([i.split for i in inputs])
    left_out = [i.split for i in inputs if i.split not in kept]
    if not kept:
        raise PairgenError(
            f"{source.name}: every split given ({', '.join(left_out)}) is one the source "
            "publishes without answer labels, so nothing can be paired; name it with --split "
            "to build it anyway"
        )
    return [i for i in inputs if i.split in kept], left_out


def survey_rows(
    source: Source, inputs: Sequence[SplitInput]
) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Every raw row of the build's inputs as ``(split, row number, row)``, for a source
    that decides how to read its columns before the build (``GenericChoice.settle``)."""
    for split_input in inputs:
        for batch in iter_split(split_input, source):
            for offset, row in enumerate(batch.to_pylist()):
                yield batch.split, batch.first_row + offset, row


def check_kinds(source: Source, strategy: Strategy) -> None:
    """Refuse a strategy for the other kind of example (``--source arc --strategy math``):
    every row would be rejected, and a build of nothing but rejects is no answer."""
    gives, takes = source.example_kind, strategy.example_kind
    if gives is not None and takes is not None and gives != takes:
        raise PairgenError(
            f"strategy {strategy.name!r} pairs examples with {KIND_WORDS.get(takes, takes)}, "
            f"but source {source.name!r} gives examples with {KIND_WORDS.get(gives, gives)}"
        )


KIND_WORDS = {"solution": "a worked solution", "choices": "labelled choices"}


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
            if offset in batch.repeats:
                continue  # a repeated id: a reject in the build, never an exemplar
            try:
                examples.append(
                    prepare(
                        source,
                        strategy,
                        row,
                        config,
                        batch.split,
                        batch.first_row + offset,
                        spec.max_field_chars,
                    )
                )
            except RowRejected:
                continue
        if len(examples) >= spec.pool_size:
            break
    return pool_from(examples, spec.pool_size)


__all__ = [
    "ResolvedSource",
    "exemplar_pool",
    "leave_out_unlabeled",
    "resolve_sources",
    "source_inputs",
]
