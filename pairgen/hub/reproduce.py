"""The exact command that rebuilds an output, recovered from its ``manifest.json``.

A dataset card promises that anyone can rebuild the pairs.  That promise is only as good
as the command printed in it, so the command is derived from what the manifest recorded
(sources, configs, backends, input files, resolved Hub commits, splits, seed, shots,
format, tokenizer, strategy options), never retyped by hand.  Local files (inputs, a
tokenizer folder, a Hub mirror) are named by their file name only: a card must not show
the build machine's directories, and the input table beside the command gives each
file's sha256 so a reader can find the same files.  A build of one source/config
becomes a ``pairgen build --source ...`` line (``--strategy`` when not the source's
own); a build of several configs, or one whose dataset citation was given, becomes a
pipeline file plus ``pairgen build pipeline.yaml``, because the pipeline form is the one
that can say it (BibTeX inline, where a flag would name a file the reader lacks).
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pairgen.config.source_settings import DEFAULT_MAX_FIELD_CHARS
from pairgen.metrics.tokenizer_identity import local_name
from pairgen.output.manifest import ConfigEntry, Manifest
from pairgen.sources import get_source
from pairgen.sources.inputs import sample_splits
from pairgen.strategies import option_fields

# settings written as they are, 0 included (the answer base 0 is a setting, not an absence)
ANSWER_SETTINGS = ("answer_kind", "answer_base")

PIPELINE_FILE = "pipeline.yaml"


@dataclass(frozen=True, slots=True)
class Reproduction:
    """A shell command, and the pipeline file it needs (``None`` for a flags-only build)."""

    command: str
    pipeline: str | None


def public_name(location: str) -> str:
    """A location as a card may show it: a local path by its file name, anything else as is."""
    return Path(location).name if os.path.isabs(location) else location


def reproduce(manifest: Manifest, out_name: str) -> Reproduction:
    """The command (and pipeline file, when flags cannot express the build) for a manifest."""
    entries = list(manifest.configs.values())
    if len(entries) == 1 and not (entries[0].source_settings or {}).get("citation"):
        return Reproduction(command=_command(manifest, entries[0], out_name), pipeline=None)
    # several configs, or a citation (BibTeX goes into a pipeline file as it is; a flag
    # would need a file the reader does not have)
    document = {**_settings(manifest, out_name), "sources": [_pipeline_source(e) for e in entries]}
    text = yaml.safe_dump(document, sort_keys=False, default_flow_style=None, width=100).rstrip()
    return Reproduction(command=f"pairgen build {PIPELINE_FILE}", pipeline=text)


def _settings(manifest: Manifest, out_name: str) -> dict[str, Any]:
    return (
        {
            "out": out_name,
            "seed": manifest.seed,
            "shots": manifest.shots,
            "format": manifest.format,
            "tokenizer": _tokenizer_argument(manifest.tokenizer) if manifest.tokenizer else None,
            "options": dict(manifest.options),
        }
        | _max_field_chars(manifest)
        | ({"allow_rejects": True} if manifest.allow_rejects else {})
    )


def ordered_splits(entry: ConfigEntry) -> list[str]:
    """A config's splits in the source's order (train first), not the JSON's sorted order."""
    canonical = list(get_source(entry.source).splits)
    return sorted(
        entry.splits, key=lambda s: (canonical.index(s) if s in canonical else len(canonical), s)
    )


def _named_splits(entry: ConfigEntry) -> list[str]:
    """The splits the command must name (``--split``): none when the build's splits are
    those a build picks by itself (the bundled samples', the source's Hub splits, or the
    ``--data-files`` given), less the splits the source publishes unlabeled, which a
    build leaves out unless named (:meth:`~pairgen.sources.base.Source.labeled_splits`)."""
    source = get_source(entry.source)
    if entry.backend == "sample":
        available = sample_splits(source, entry.source_config)
    elif entry.backend == "hub":
        available = list(source.splits)
    else:
        available = list(_data_files(entry))
    built = ordered_splits(entry)
    return [] if set(built) == set(source.labeled_splits(available)) else built


def _data_files(entry: ConfigEntry) -> dict[str, list[str]]:
    files: dict[str, list[str]] = {}
    for record in entry.inputs:
        files.setdefault(record.split, []).append(public_name(record.location))
    return files


def _revision(entry: ConfigEntry) -> str | None:
    revisions = [r.revision for r in entry.inputs if r.revision]
    return revisions[0] if revisions else None


def _mirror(entry: ConfigEntry) -> str | None:
    """``--hub-repo``: another repo id or a local mirror (by name) than the source's own."""
    if entry.backend != "hub" or entry.hub_repo == get_source(entry.source).hub_repo:
        return None
    return public_name(entry.hub_repo)


def _pipeline_source(entry: ConfigEntry) -> dict[str, Any]:
    source = get_source(entry.source)
    item: dict[str, Any] = {"source": entry.source}
    if entry.source_config != source.default_config:
        item["config"] = entry.source_config
    item["from"] = entry.backend
    if entry.strategy != source.default_strategy:
        item["strategy"] = entry.strategy
    if entry.backend == "files":
        item["data_files"] = _data_files(entry)
    if _named_splits(entry):
        item["splits"] = _named_splits(entry)
    revision = _revision(entry)
    if entry.backend == "hub" and revision:
        item["revision"] = revision
    if _mirror(entry):
        item["hub_repo"] = _mirror(entry)
    settings = entry.source_settings or {}
    if settings.get("columns"):
        item["columns"] = {role: column for role, column in settings["columns"]}
    for key in ("template", "keep_columns", "dataset_name", "hub_id", "license", "citation"):
        if settings.get(key):
            item[key] = settings[key]
    for key in ANSWER_SETTINGS:  # how a multiple-choice answer column was read (0 counts)
        if settings.get(key) is not None:
            item[key] = settings[key]
    return item


def _settings_flags(entry: ConfigEntry) -> list[str]:
    """A generic source's settings as flags (a citation makes the pipeline form instead)."""
    settings = entry.source_settings or {}
    args = [
        a for role, column in settings.get("columns", []) for a in ("--column", f"{role}={column}")
    ]
    args += [a for name in settings.get("keep_columns", []) for a in ("--keep-column", name)]
    for key in ("template", "dataset_name", "hub_id", "license"):
        if settings.get(key):
            args += ["--" + key.replace("_", "-"), settings[key]]
    for key in ANSWER_SETTINGS:
        if settings.get(key) is not None:
            args += ["--" + key.replace("_", "-"), str(settings[key])]
    return args  # a citation makes the pipeline form (see reproduce)


def _command(manifest: Manifest, entry: ConfigEntry, out_name: str) -> str:
    source = get_source(entry.source)
    args = ["pairgen", "build", "--source", entry.source]
    if entry.source_config != source.default_config:
        args += ["--config", entry.source_config]
    args += ["--from", entry.backend]
    if entry.strategy != source.default_strategy:
        args += ["--strategy", entry.strategy]
    args += _settings_flags(entry)
    if entry.backend == "files":
        for split, paths in _data_files(entry).items():
            args += [item for path in paths for item in ("--data-files", f"{split}={path}")]
    revision = _revision(entry)
    if entry.backend == "hub" and revision:
        args += ["--revision", revision]
    mirror = _mirror(entry)
    if mirror:
        args += ["--hub-repo", mirror]
    args += [item for split in _named_splits(entry) for item in ("--split", split)]
    args += ["--seed", str(manifest.seed)]
    if manifest.shots:
        args += ["--shots", str(manifest.shots)]
    if manifest.format != "standard":
        args += ["--format", manifest.format]
    if manifest.tokenizer:
        args += ["--tokenizer", _tokenizer_argument(manifest.tokenizer)]
    args += _option_flags(manifest.options)
    for limit in _max_field_chars(manifest).values():
        args += ["--max-field-chars", str(limit)]
    if manifest.allow_rejects:
        args.append("--allow-rejects")
    args += ["--out", out_name]
    return shlex.join(args)


def _tokenizer_argument(recorded: str) -> str:
    """``--tokenizer`` as the command passes it: a Hub id as is, a local tokenizer by its
    folder or file name (the card names its content hash; a folder of that name holding
    it rebuilds the same bytes), an older build's path by its last component."""
    return public_name(local_name(recorded))


def _max_field_chars(manifest: Manifest) -> dict[str, int]:
    """The field-size limit when the build changed it (it decides the too_long rejects)."""
    if manifest.max_field_chars == DEFAULT_MAX_FIELD_CHARS:
        return {}
    return {"max_field_chars": manifest.max_field_chars}


def _option_flags(options: dict[str, Any]) -> list[str]:
    """CLI flags for the strategy options that differ from their defaults, in the order
    ``pairgen build --help`` lists them."""
    flags: list[str] = []
    for declared in option_fields().values():
        value = options.get(declared.name, declared.default)
        if value != declared.default:
            flags += declared.command_args(value)
    return flags


def out_name_of(out: Path) -> str:
    """How the card names the output directory (its last component, never a full path)."""
    return out.resolve().name or "out"


__all__ = [
    "PIPELINE_FILE",
    "Reproduction",
    "ordered_splits",
    "out_name_of",
    "public_name",
    "reproduce",
]
