"""Typed build configuration: what to read, how to pair it, where to write.

A build is described by :class:`BuildSpec` whether it comes from CLI flags or from a
pipeline file (:mod:`pairgen.config.pipeline_file`), so both paths run the same code.
The manifest's
config hash (:func:`config_hash`) covers the resolved settings that can
change the shards' content and nothing that cannot (output directory, worker count,
executor, batch size).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairgen.config.source_registry import SOURCES
from pairgen.config.source_settings import DEFAULT_MAX_FIELD_CHARS, SourceSettings
from pairgen.config.strategy_options import StrategyOptions
from pairgen.config.strategy_registry import check_options
from pairgen.errors import PairgenError, did_you_mean
from pairgen.remote import looks_like_path

DEFAULT_SEED = 1234
# A split where one reject reason takes more than this share of the rows is refused,
# unless allowed (--allow-rejects); see pairgen.pipeline.verdict.
DEFAULT_MAX_REJECT_SHARE = 0.5

EXECUTORS: tuple[str, ...] = (
    "process",
    "ray",
)  # how batches are paired: in this process, a process pool, or Ray
FORMATS: tuple[str, ...] = (
    "standard",
    "conversational",
)  # text columns: strings, or TRL message lists


# a source setting -> the backend it implies (``data_files`` are local files, a Hub repo
# or revision is the Hub)
IMPLIES: dict[str, str] = {"data_files": "files", "hub_repo": "hub", "revision": "hub"}


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
    # a generic source's column mapping, template and card metadata (None: its own)
    settings: SourceSettings | None = None

    def __post_init__(self) -> None:
        """A mistyped source name or a missing mirror folder fails here, when the spec is
        made (``SourceSpec("gsm8kk")``), not minutes later inside a build."""
        if self.source not in SOURCES:  # the registry: built-ins and installed plugins
            known = SOURCES.names()
            raise PairgenError(
                f"unknown source {self.source!r}; known sources: {', '.join(known)}"
                + did_you_mean(str(self.source), known)
            )
        repo = self.hub_repo
        if repo is not None and looks_like_path(repo) and not Path(repo).expanduser().is_dir():
            raise PairgenError(
                f"hub_repo {repo}: no such folder (a local mirror of a Hub dataset is a "
                "folder; a Hub dataset id is ORG/NAME)"
            )


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
    # strategy option values by name; each strategy takes those it declares
    options: StrategyOptions = field(default_factory=StrategyOptions)
    batch_rows: int = 4096
    # longest text field (list fields: all their texts) a row may have; longer: too_long
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS
    resume: bool = True  # reuse the splits a killed run of the same build completed
    # keep a split the verdict refuses (no pair, or one reject reason over most rows;
    # pairgen.pipeline.verdict): the manifest records it.  Not hashed: the bytes are alike
    allow_rejects: bool = False

    def __post_init__(self) -> None:
        # The Python API takes OUT as a str as readily as a Path, and the options as any
        # mapping; everything after uses a Path and StrategyOptions.
        object.__setattr__(self, "out", Path(self.out))
        object.__setattr__(self, "options", StrategyOptions(self.options))


def output_folder(text: str) -> Path:
    """The output folder a user typed (``--out``, a pipeline file's ``out:``); an empty or
    blank one is refused, not read as the current folder."""
    if not isinstance(text, str) or not text.strip() or "\0" in text:
        raise PairgenError(
            f"output folder {text!a}: give a folder name (--out DIR; '.' for the current folder)"
        )
    return Path(text)


def check_spec(spec: BuildSpec) -> None:
    """Settings of the wrong type or range, as one clear line (pipeline files are YAML)."""
    minimums = {
        "seed": None,
        "workers": 1,
        "shots": 0,
        "pool_size": 1,
        "batch_rows": 1,
        "max_field_chars": 1,
    }
    for name, minimum in minimums.items():
        value = getattr(spec, name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise PairgenError(f"{name} must be a whole number, got {value!r}", field=name)
        if minimum is not None and value < minimum:
            raise PairgenError(f"{name} must be at least {minimum}, got {value}", field=name)
    if not isinstance(spec.allow_rejects, bool):
        raise PairgenError(
            f"allow_rejects must be true or false, got {spec.allow_rejects!r}",
            field="allow_rejects",
        )
    check_options(spec.options)  # names and values, against every registered strategy's
    if spec.format not in FORMATS:
        raise PairgenError(f"unknown format {spec.format!r}; use one of {', '.join(FORMATS)}")
    if spec.executor not in EXECUTORS:
        raise PairgenError(f"unknown executor {spec.executor!r}; use one of {', '.join(EXECUTORS)}")
    if not spec.sources:
        raise PairgenError("nothing to build: no sources given")


def implied_backend(backend: str | None, implied: Mapping[str, str], from_name: str) -> str | None:
    """The backend a source reads from, given ``from`` and the settings that imply one.

    ``implied`` maps each given setting's name (as the user wrote it) to the backend it
    implies.  ``None`` means none was given or implied: the source's default applies.
    """
    wanted = sorted(set(implied.values()))
    if len(wanted) > 1:
        by = {b: next(n for n, v in implied.items() if v == b) for b in wanted}
        raise PairgenError(
            f"{by['files']} (local files) cannot be combined with {by['hub']} (the Hub); "
            "drop one of them"
        )
    if backend is None:
        return wanted[0] if wanted else None
    for name, implies in implied.items():
        if implies != backend:
            raise PairgenError(
                f"{from_name} {backend} contradicts {name}, which means {from_name} {implies}; "
                "drop one of them"
            )
    return backend


def config_hash(settings: dict[str, Any], configs: dict[str, Any]) -> str:
    """sha256 of every *resolved* setting that decides the shards' content.

    Resolved means defaults filled in (config, strategy, the splits actually built), so
    ``--config main`` and no ``--config`` hash alike; file paths and worker counts are left
    out because they do not change the content (input checksums are recorded apart).
    """
    sources = {
        name: {
            key: entry[key]
            for key in ("source", "source_config", "backend", "hub_repo", "strategy")
        }
        | ({"settings": entry["source_settings"]} if entry.get("source_settings") else {})
        | {"splits": sorted(entry["splits"])}
        for name, entry in configs.items()
    }
    payload = json.dumps({"settings": settings, "sources": sources}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


__all__ = [
    "DEFAULT_MAX_REJECT_SHARE",
    "DEFAULT_SEED",
    "EXECUTORS",
    "FORMATS",
    "IMPLIES",
    "BuildSpec",
    "SourceSpec",
    "check_spec",
    "config_hash",
    "implied_backend",
    "output_folder",
]
