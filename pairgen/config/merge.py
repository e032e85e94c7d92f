"""``pairgen build``'s flags and an optional pipeline file, merged into one BuildSpec.

The command line only parses; every rule about how the flags combine lives here, once:

- With a pipeline file the file lists the sources, so the source flags (``--source``,
  ``--from``, ``--data-files``, ...) are refused; the run flags (``--out``, ``--seed``,
  ``--workers``, ...) and the strategy options override the file's values.
- Without one, ``--source`` and ``--out`` are required.
- ``--data-files`` means ``--from files``; ``--hub-repo`` and ``--revision`` mean
  ``--from hub``.  A contradiction (``--from sample --data-files x``) is an error naming
  both flags: building the bundled samples while the user pointed at their own files
  would be a silent lie (the card would describe data that was never read).  Pipeline
  files follow the same rule (:func:`~pairgen.config.spec.implied_backend`).
- A setting nobody gave takes its default from :class:`~pairgen.config.spec.BuildSpec`,
  except the worker count, for which commands use every CPU this process may run on
  (:func:`command_defaults`).  The Python API keeps one in-process worker unless asked:
  a library call inside someone else's pool or Ray task must not fork a pool of its own.
  Output never depends on the worker count.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pairgen.config.pipeline_file import load_pipeline
from pairgen.config.source_settings import (
    SourceSettings,
    parse_columns,
    read_citation,
    settings_or_none,
)
from pairgen.config.spec import IMPLIES, BuildSpec, SourceSpec, implied_backend
from pairgen.config.strategy_options import StrategyOptions
from pairgen.errors import PairgenError

# BuildFlags field -> the flag that sets it (for error messages)
SOURCE_FLAGS: dict[str, str] = {
    "source": "--source",
    "config": "--config",
    "backend": "--from",
    "data_files": "--data-files",
    "revision": "--revision",
    "hub_repo": "--hub-repo",
    "splits": "--split",
    "strategy": "--strategy",
    "columns": "--column",
    "template": "--template",
    "keep_columns": "--keep-column",
    "answer_kind": "--answer-kind",
    "answer_base": "--answer-base",
    "dataset_name": "--dataset-name",
    "hub_id": "--hub-id",
    "license": "--license",
    "citation_file": "--citation-file",
}
# BuildFlags fields that are BuildSpec settings of the same name
RUN_SETTINGS: tuple[str, ...] = (
    "out",
    "seed",
    "workers",
    "executor",
    "tokenizer",
    "shots",
    "format",
    "max_field_chars",
    "resume",
    "allow_rejects",
)


@dataclass(frozen=True, slots=True)
class BuildFlags:
    """What the user typed on ``pairgen build``: ``None`` (or empty) where not given."""

    pipeline: Path | None = None
    source: str | None = None
    config: str | None = None
    backend: str | None = None
    data_files: tuple[str, ...] = ()
    revision: str | None = None
    hub_repo: str | None = None
    splits: tuple[str, ...] = ()
    strategy: str | None = None
    # a generic source's column mapping, template, kept columns and card metadata
    columns: tuple[str, ...] = ()
    template: str | None = None
    keep_columns: tuple[str, ...] = ()
    answer_kind: str | None = None  # multiple choice: how the answer column reads
    answer_base: int | None = None
    dataset_name: str | None = None
    hub_id: str | None = None
    license: str | None = None
    citation_file: Path | None = None
    out: Path | None = None
    seed: int | None = None
    workers: int | None = None
    executor: str | None = None
    tokenizer: str | None = None
    shots: int | None = None
    format: str | None = None
    max_field_chars: int | None = None
    resume: bool | None = None
    allow_rejects: bool | None = None  # keep splits the verdict refuses (pipeline.verdict)
    options: Mapping[str, Any] = field(default_factory=dict)  # strategy options given


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask, which containers and
    ``taskset`` narrow), not the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def command_defaults() -> dict[str, Any]:
    """Defaults of a build started from the command line (or a pipeline file)."""
    return {"workers": available_cpus()}


def build_spec(flags: BuildFlags) -> BuildSpec:
    """The build the flags (and the pipeline file they name) describe."""
    settings = {name: getattr(flags, name) for name in RUN_SETTINGS}
    given = {name: value for name, value in settings.items() if value is not None}
    if flags.pipeline is not None:
        refused = [flag for name, flag in SOURCE_FLAGS.items() if getattr(flags, name)]
        if refused:
            raise PairgenError(
                f"{', '.join(refused)} cannot be combined with a pipeline file: "
                "set it on the sources in the file"
            )
        spec = load_pipeline(flags.pipeline, given, defaults=command_defaults())
        return replace(spec, options=spec.options | flags.options)
    if flags.source is None:
        raise PairgenError("give a pipeline file or --source")
    if flags.out is None:
        raise PairgenError("--out is required")
    backend = implied_backend(
        flags.backend,
        {SOURCE_FLAGS[name]: IMPLIES[name] for name in IMPLIES if getattr(flags, name)},
        "--from",
    )
    source = SourceSpec(  # type: ignore[arg-type]  # backend: str, only when given
        source=flags.source,
        config=flags.config,
        data_files=parse_data_files(flags.data_files),
        revision=flags.revision,
        splits=flags.splits or None,
        strategy=flags.strategy,
        hub_repo=flags.hub_repo,
        settings=source_settings(flags),
        **({"backend": backend} if backend is not None else {}),
    )
    run = command_defaults() | {k: v for k, v in given.items() if k != "out"}
    return BuildSpec(
        out=flags.out, sources=(source,), options=StrategyOptions(flags.options), **run
    )


def source_settings(flags: BuildFlags) -> SourceSettings | None:
    """The generic-source settings the flags give (``None``: none given)."""
    citation = read_citation(flags.citation_file) if flags.citation_file else None
    return settings_or_none(
        SourceSettings(
            columns=parse_columns(flags.columns),
            template=flags.template,
            keep_columns=flags.keep_columns,
            answer_kind=flags.answer_kind,
            answer_base=flags.answer_base,
            dataset_name=flags.dataset_name,
            hub_id=flags.hub_id,
            license=flags.license,
            citation=citation,
        )
    )


def parse_data_files(values: tuple[str, ...]) -> dict[str, list[str]]:
    """``SPLIT=PATH`` values (repeatable, several paths per split allowed)."""
    data_files: dict[str, list[str]] = {}
    for value in values:
        split, sep, path = value.partition("=")
        if not sep or not split or not path:
            raise PairgenError(f"--data-files expects SPLIT=PATH, got {value!r}")
        data_files.setdefault(split, []).append(path)
    return data_files


__all__ = [
    "BuildFlags",
    "available_cpus",
    "build_spec",
    "command_defaults",
    "parse_data_files",
]
