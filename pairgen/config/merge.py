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
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pairgen.config import option_name
from pairgen.config.pipeline_file import load_pipeline
from pairgen.config.source_settings import (
    SourceSettings,
    parse_columns,
    read_citation,
    settings_or_none,
)
from pairgen.config.spec import IMPLIES, BuildSpec, SourceSpec, implied_backend, output_folder
from pairgen.config.strategy_options import StrategyOptions
from pairgen.errors import PairgenError


@dataclass(frozen=True, slots=True)
class BuildFlags:
    """What the user typed on ``pairgen build``: ``None`` (or empty) where not given.

    Each flag is declared here, once: a field named as the flag is spelled
    (:func:`~pairgen.config.option_name`: ``keep_column`` is ``--keep-column``, ``from_``
    is ``--from``), with its type.  The command line makes its options from these fields
    (:func:`pairgen.cli.fields.field_options`; the help texts are
    ``pairgen.cli.build_cmd.BUILD_FLAGS``) and hands what was typed straight in.  The
    fields that are :class:`~pairgen.config.spec.BuildSpec` settings of the same name are
    the run settings (:data:`RUN_SETTINGS`); the others say which source to build and how
    to read it (:data:`SOURCE_FLAGS`), which a pipeline file does for its own sources.
    """

    pipeline: Path | None = None  # the command's argument, not a flag
    source: str | None = None
    config: str | None = None
    from_: str | None = None  # the backend
    data_files: tuple[str, ...] = ()
    hub_repo: str | None = None
    revision: str | None = None
    split: tuple[str, ...] = ()
    strategy: str | None = None
    # a generic source's column mapping, template, kept columns and card metadata
    column: tuple[str, ...] = ()
    template: str | None = None
    keep_column: tuple[str, ...] = ()
    answer_kind: str | None = None  # multiple choice: how the answer column reads
    answer_base: int | None = None
    dataset_name: str | None = None
    hub_id: str | None = None
    license: str | None = None
    citation_file: Path | None = None
    out: str | None = None
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


_SPEC_SETTINGS = {f.name for f in fields(BuildSpec)} - {"sources", "options"}
# BuildFlags fields that are BuildSpec settings of the same name
RUN_SETTINGS: tuple[str, ...] = tuple(
    f.name for f in fields(BuildFlags) if f.name in _SPEC_SETTINGS
)
# BuildFlags fields that describe the one source to build (refused with a pipeline file)
SOURCE_FLAGS: tuple[str, ...] = tuple(
    f.name
    for f in fields(BuildFlags)
    if f.name not in _SPEC_SETTINGS and f.name not in ("pipeline", "options")
)


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
        refused = [option_name(name) for name in SOURCE_FLAGS if getattr(flags, name)]
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
        flags.from_,
        {option_name(name): IMPLIES[name] for name in IMPLIES if getattr(flags, name)},
        option_name("from_"),
    )
    source = SourceSpec(  # type: ignore[arg-type]  # backend: str, only when given
        source=flags.source,
        config=flags.config,
        data_files=parse_data_files(flags.data_files),
        revision=flags.revision,
        splits=flags.split or None,
        strategy=flags.strategy,
        hub_repo=flags.hub_repo,
        settings=source_settings(flags),
        **({"backend": backend} if backend is not None else {}),
    )
    run = command_defaults() | {k: v for k, v in given.items() if k != "out"}
    options = StrategyOptions(flags.options)
    return BuildSpec(out=output_folder(flags.out), sources=(source,), options=options, **run)


def source_settings(flags: BuildFlags) -> SourceSettings | None:
    """The generic-source settings the flags give (``None``: none given)."""
    citation = read_citation(flags.citation_file) if flags.citation_file else None
    return settings_or_none(
        SourceSettings(
            columns=parse_columns(flags.column, option_name("column")),
            template=flags.template,
            keep_columns=flags.keep_column,
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
    "RUN_SETTINGS",
    "SOURCE_FLAGS",
    "BuildFlags",
    "available_cpus",
    "build_spec",
    "command_defaults",
    "parse_data_files",
]
