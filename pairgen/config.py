"""Typed build configuration: what to read, how to pair it, where to write.

A build is described by :class:`BuildSpec` whether it comes from CLI flags or from a
pipeline file (:mod:`pairgen.pipeline`), so both paths run the same code.  The manifest's
config hash (:func:`pairgen.build.config_hash`) covers the resolved settings that can
change the shards' content and nothing that cannot (output directory, worker count,
executor, batch size).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pairgen.strategies import StrategyOptions

DEFAULT_SEED = 1234


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One source (and config) to build, and where its rows come from."""

    source: str
    config: str | None = None
    backend: str = "sample"
    data_files: dict[str, list[str]] = field(default_factory=dict)
    revision: str | None = None
    splits: tuple[str, ...] | None = None
    strategy: str | None = None
    hub_repo: str | None = None


@dataclass(frozen=True, slots=True)
class BuildSpec:
    """A whole build: sources, pairing options, and how to run it."""

    out: Path
    sources: tuple[SourceSpec, ...]
    seed: int = DEFAULT_SEED
    workers: int = 1
    executor: str = "process"
    tokenizer: str | None = None
    format: str = "standard"
    shots: int = 0
    pool_size: int = 256
    options: StrategyOptions = field(default_factory=StrategyOptions)
    batch_rows: int = 4096
