"""Typed build configuration: what to read, how to pair it, where to write.

A build is described by :class:`BuildSpec` whether it comes from CLI flags or from a
pipeline file (:mod:`pairgen.pipeline`), so both paths run the same code.  The config
hash in the manifest covers everything that can change the shards' content and nothing
that cannot (output directory, worker count, executor).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
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

    def content_dict(self) -> dict[str, object]:
        """Everything that determines the shards' content (for the config hash)."""
        data = asdict(self)
        for key in ("out", "workers", "executor", "batch_rows"):
            data.pop(key)
        return data

    def config_hash(self) -> str:
        payload = json.dumps(self.content_dict(), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()
