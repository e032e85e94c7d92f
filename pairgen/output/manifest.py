"""The output folder's contract: the typed manifest and the name of everything in OUT.

Every later stage (query, validate, card, publish, train) reads a build through this
module, so the layout of OUT is spelled once, here:

```
OUT/manifest.json                                  MANIFEST_NAME (written last)
OUT/README.md                                      CARD_NAME (pairgen card / publish)
OUT/data/<config>/<split>-00000-of-00003.parquet   shard_path()
OUT/rejects/<config>/<split>.parquet               rejects_path()
OUT/plots/*.png                                    PLOTS_DIR (pairgen stats)
OUT/.pairgen/                                      STATE_DIR: the lock, a build's staging area
```

Those are the *managed* paths (:data:`MANAGED`): a build replaces them as a whole and
never touches anything else in OUT.

The manifest is read into frozen dataclasses whose attributes are the JSON keys, so a
reader writes ``manifest.configs["gsm8k"].splits["train"].pairs`` and mypy checks it; a
malformed manifest is one :class:`~pairgen.errors.PairgenError` naming the field.
:meth:`Manifest.to_json` writes the same bytes ``pairgen build`` always wrote (sorted keys,
indent 2), so the typed model changes nothing on disk.
"""

from __future__ import annotations

import json
import platform
import re
import types
from collections.abc import Callable, Iterator
from dataclasses import MISSING, asdict, dataclass, fields, is_dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Union, cast, get_args, get_origin, get_type_hints

from pairgen.config.source_settings import DEFAULT_MAX_FIELD_CHARS
from pairgen.errors import PairgenError
from pairgen.output.files import check_name, json_text, regular_file_inside

MANIFEST_NAME = "manifest.json"
CARD_NAME = "README.md"
DATA_DIR = "data"
REJECTS_DIR = "rejects"
PLOTS_DIR = "plots"
STATE_DIR = ".pairgen"  # pairgen's own bookkeeping inside OUT (lock, staging area)
# What a build replaces as a whole: everything else in OUT belongs to the user.
MANAGED: tuple[str, ...] = (MANIFEST_NAME, CARD_NAME, DATA_DIR, REJECTS_DIR, PLOTS_DIR)
MANAGED_PREFIXES: tuple[str, ...] = (f"{DATA_DIR}/", f"{REJECTS_DIR}/", f"{PLOTS_DIR}/")
SHARD_NAME = re.compile(r"(?P<split>.+)-(?P<index>\d{5})-of-(?P<total>\d{5})\.parquet")
# 2: pairgen 0.3 (edit_kind column, math_tier option, input bytes, refused/unlabeled splits)
MANIFEST_VERSION = 2
MAX_MANIFEST_BYTES = 64 << 20  # a build of 100,000 splits writes a fraction of it
VERSIONED_PACKAGES = ("pairgen", "pyarrow", "datasets", "rapidfuzz", "transformers", "tokenizers")


def shard_name(split: str, index: int, total: int) -> str:
    """``train-00000-of-00003.parquet``: the name the Hub's viewer and ``datasets`` read."""
    return f"{split}-{index:05d}-of-{total:05d}.parquet"


def shard_path(config: str, split: str, index: int, total: int) -> str:
    """A shard's path relative to OUT (as the manifest records it)."""
    return f"{DATA_DIR}/{config}/{shard_name(split, index, total)}"


def shard_glob(config: str, split: str) -> str:
    """The pattern matching every shard of a split (a card's ``data_files``)."""
    return f"{DATA_DIR}/{config}/{split}-*.parquet"


def rejects_path(config: str, split: str) -> str:
    """A split's rejects file, relative to OUT."""
    return f"{REJECTS_DIR}/{config}/{split}.parquet"


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """The build settings that decide the shards' content (beside the sources): what the
    config hash covers and the manifest records, one typed object for the build that
    hashes them and the manifest that recomputes the hash (a drift would fail every
    manifest).  ``tokenizer`` is the recorded name (never a path of the build machine)."""

    seed: int
    format: str
    shots: int
    pool_size: int
    tokenizer: str | None
    options: dict[str, Any]
    # decides which rows are too_long rejects; written only when not the default, so the
    # manifests of default builds stay byte-identical to those of earlier versions
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS

    def hashed(self) -> dict[str, Any]:
        """The settings as the config hash reads them (a manifest's too: only these)."""
        settings = {f.name: getattr(self, f.name) for f in fields(BuildSettings)}
        if self.max_field_chars == DEFAULT_MAX_FIELD_CHARS:  # default builds hash as before
            del settings["max_field_chars"]
        return settings


@dataclass(frozen=True, slots=True)
class ShardEntry:
    """One Parquet shard of pairs."""

    path: str
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class RejectsEntry:
    """A split's rejects file (always written, empty or not)."""

    path: str
    rows: int
    sha256: str


@dataclass(frozen=True, slots=True)
class SplitEntry:
    """One built split: ``rows_in = rows_paired + rows_rejected``; ``pairs`` over its shards."""

    rows_in: int
    rows_paired: int
    rows_rejected: int
    pairs: int
    rejects_by_reason: dict[str, int]
    shards: tuple[ShardEntry, ...]
    rejects: RejectsEntry
    # sha256 over every pair's id, prompt, chosen and rejected, in row order
    # (pairgen.output.digest): binds each prompt to its pair; validate recomputes it.
    rows_sha256: str
    # what would have refused the split (pairgen.pipeline.verdict) when the build was told
    # to go on (``--allow-rejects``); absent from the JSON when nothing was allowed
    rejects_allowed: str | None = None

    def files(self) -> list[str]:
        """Every file of the split, relative to OUT: shards, then rejects."""
        return [shard.path for shard in self.shards] + [self.rejects.path]


@dataclass(frozen=True, slots=True)
class InputEntry:
    """What went into a split: a file with its checksum, or a Hub commit."""

    split: str
    location: str
    sha256: str | None
    revision: str | None
    bytes: int | None = None  # a file's size (builds before it: absent)


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    """One output config (a source and source config) with its inputs and splits."""

    source: str
    source_config: str
    hub_repo: str
    license: str
    backend: str
    strategy: str
    inputs: tuple[InputEntry, ...]
    splits: dict[str, SplitEntry]
    # a generic source's column mapping, template and card metadata (SourceSettings JSON)
    source_settings: dict[str, Any] | None = None
    # splits the source publishes without answer labels, left out of a build that did not
    # name its splits (pairgen.pipeline.verdict); absent from the JSON when none
    unlabeled_splits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest(BuildSettings):
    """``OUT/manifest.json``: the settings (:class:`BuildSettings`, its top-level keys),
    versions and every file of a build."""

    manifest_version: int
    config_hash: str
    versions: dict[str, str]
    configs: dict[str, ConfigEntry]

    @classmethod
    def of(
        cls,
        settings: BuildSettings,
        config_hash: str,
        versions: dict[str, str],
        configs: dict[str, ConfigEntry],
    ) -> Manifest:
        """The manifest of a build made with ``settings`` (this pairgen's manifest version)."""
        recorded = {f.name: getattr(settings, f.name) for f in fields(BuildSettings)}
        return cls(
            manifest_version=MANIFEST_VERSION,
            config_hash=config_hash,
            versions=versions,
            configs=configs,
            **recorded,
        )

    @classmethod
    def from_json(cls, data: Any, file: str | None = None) -> Manifest:
        """The manifest in ``data`` (parsed JSON); a PairgenError names a malformed field."""
        manifest = parse_as(cls, data, "", file)
        assert isinstance(manifest, Manifest)
        if manifest.manifest_version != MANIFEST_VERSION:
            newer = manifest.manifest_version > MANIFEST_VERSION
            hint = (
                "newer than this pairgen reads; upgrade pairgen"
                if newer
                else "written by an older pairgen; rebuild the output with this version"
            )
            raise PairgenError(
                f"{manifest.manifest_version} is {hint} (it reads {MANIFEST_VERSION})",
                file=file,
                field="manifest_version",
            )
        check_manifest(manifest, file)
        return manifest

    def computed_config_hash(self) -> str:
        """The config hash of this manifest's settings and sources (the build's recipe)."""
        from pairgen.config.spec import config_hash

        headers = {
            name: {
                "source": entry.source,
                "source_config": entry.source_config,
                "backend": entry.backend,
                "hub_repo": entry.hub_repo,
                "strategy": entry.strategy,
                "source_settings": entry.source_settings,
                "splits": list(entry.splits),
            }
            for name, entry in self.configs.items()
        }
        return config_hash(self.hashed(), headers)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object (plain dicts and lists), for readers that template or hash it."""
        return json.loads(self.to_json())  # type: ignore[no-any-return]

    def to_json(self) -> str:
        """The text of ``manifest.json``, byte for byte what every build has written."""
        data = asdict(self)
        if self.max_field_chars == DEFAULT_MAX_FIELD_CHARS:
            del data["max_field_chars"]
        for entry in data["configs"].values():
            if entry["source_settings"] is None:  # builds of fixed-schema sources: as before
                del entry["source_settings"]
            if not entry["unlabeled_splits"]:
                del entry["unlabeled_splits"]
            for split in entry["splits"].values():
                if split["rejects_allowed"] is None:
                    del split["rejects_allowed"]
            for record in entry["inputs"]:
                if record["bytes"] is None:  # Hub inputs: as before
                    del record["bytes"]
        return json_text(data)

    def splits(self) -> Iterator[tuple[str, str, SplitEntry]]:
        """(config, split, entry) of every split, in manifest order."""
        for config, entry in self.configs.items():
            for split, info in entry.splits.items():
                yield config, split, info

    def files(self) -> list[str]:
        """Every shard and rejects file the manifest lists, relative to OUT."""
        return [path for _, _, info in self.splits() for path in info.files()]

    @property
    def allow_rejects(self) -> bool:
        """Whether the build was told to keep a split it would have refused (a rebuild or
        the card's command must say so too)."""
        return any(info.rejects_allowed is not None for _, _, info in self.splits())

    @property
    def total_pairs(self) -> int:
        return sum(info.pairs for _, _, info in self.splits())


def check_manifest(manifest: Manifest, file: str | None = None) -> None:
    """What the types alone do not say: names that become paths follow
    :func:`~pairgen.output.files.check_name`, every file is at the very path the build
    writes (so no manifest can point outside OUT), counts are not negative, checksums are
    sha256 hex, and the settings still hash to ``config_hash`` (a hand-changed seed,
    strategy or format is not the recipe the shards were built with)."""
    from pairgen.config.spec import FORMATS

    def fail(field: str, message: str) -> PairgenError:
        return PairgenError(message, file=file, field=field)

    if manifest.format not in FORMATS:
        raise fail("format", f"must be one of {', '.join(FORMATS)}, got {manifest.format!r}")
    for field, minimum in (("shots", 0), ("pool_size", 1), ("max_field_chars", 1)):
        if getattr(manifest, field) < minimum:
            raise fail(field, f"must be at least {minimum}")
    if not manifest.configs:
        raise fail("configs", "lists no configs")
    for config, entry in manifest.configs.items():
        try:
            check_name("config", config)
        except PairgenError as exc:
            raise fail(f"configs.{ascii(config)[1:-1]}", str(exc)) from None
        for split, info in entry.splits.items():
            where = f"configs.{config}.splits.{ascii(split)[1:-1]}"
            try:
                check_name("split", split)
            except PairgenError as exc:
                raise fail(where, str(exc)) from None
            _check_split(info, config, split, where, fail)
    if not SHA256_HEX.fullmatch(manifest.config_hash):
        raise fail("config_hash", "must be a sha256 (64 hex digits)")
    if manifest.computed_config_hash() != manifest.config_hash:
        raise fail(
            "config_hash",
            "does not match the manifest's settings and sources (seed, format, strategy, "
            "options, splits ...): the manifest was edited after the build",
        )


SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def _check_split(
    info: SplitEntry, config: str, split: str, where: str, fail: Callable[[str, str], Exception]
) -> None:
    for name in ("rows_in", "rows_paired", "rows_rejected", "pairs"):
        if getattr(info, name) < 0:
            raise fail(f"{where}.{name}", "must not be negative")
    if any(count < 0 for count in info.rejects_by_reason.values()):
        raise fail(f"{where}.rejects_by_reason", "counts must not be negative")
    total = len(info.shards)
    for index, shard in enumerate(info.shards):
        at = f"{where}.shards[{index}]"
        expected = shard_path(config, split, index, total)
        if shard.path != expected:
            raise fail(f"{at}.path", f"must be {expected!r}, got {shard.path!a}")
        if shard.rows < 0 or shard.bytes < 0:
            raise fail(at, "rows and bytes must not be negative")
        if not SHA256_HEX.fullmatch(shard.sha256):
            raise fail(f"{at}.sha256", "must be a sha256 (64 hex digits)")
    expected = rejects_path(config, split)
    if info.rejects.path != expected:
        raise fail(f"{where}.rejects.path", f"must be {expected!r}, got {info.rejects.path!a}")
    if info.rejects.rows < 0:
        raise fail(f"{where}.rejects.rows", "must not be negative")
    for name, digest in (
        ("rejects.sha256", info.rejects.sha256),
        ("rows_sha256", info.rows_sha256),
    ):
        if not SHA256_HEX.fullmatch(digest):
            raise fail(f"{where}.{name}", "must be a sha256 (64 hex digits)")


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in VERSIONED_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def read_manifest_json(out: Path) -> Any:
    """The parsed JSON of ``OUT/manifest.json``, not yet checked (:func:`read_manifest` checks).

    Only a regular file directly in OUT is read (a linked manifest is not this folder's
    build), and only up to :data:`MAX_MANIFEST_BYTES`.
    """
    out = Path(out)
    path = out / MANIFEST_NAME
    try:
        checked = regular_file_inside(out, MANIFEST_NAME)
    except FileNotFoundError:
        if (out / STATE_DIR).is_dir():
            raise PairgenError(
                "no manifest.json: not a finished pairgen build output (if a build was "
                "interrupted, run it again: it resumes and finishes the output)",
                file=str(out),
            ) from None
        raise PairgenError("no manifest.json: not a pairgen build output", file=str(out)) from None
    except NotADirectoryError:
        raise PairgenError("not a directory", file=str(out)) from None
    if checked.stat().st_size > MAX_MANIFEST_BYTES:
        raise PairgenError(
            f"manifest is over {MAX_MANIFEST_BYTES >> 20} MiB: not one pairgen writes",
            file=str(path),
        )
    try:
        return json.loads(checked.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
        raise PairgenError(
            f"manifest is not valid JSON: {detail}", file=str(path), row=line
        ) from exc


def read_manifest(out: Path) -> Manifest:
    """The typed manifest of a build output, or a clear error when there is none."""
    out = Path(out)
    return Manifest.from_json(read_manifest_json(out), file=str(out / MANIFEST_NAME))


# -- parsing -----------------------------------------------------------------------------
_EXPECTED = {int: "a whole number", str: "a string", bool: "true or false"}


def parse_as(kind: Any, value: Any, where: str = "", file: str | None = None) -> Any:
    """``value`` (parsed JSON) checked against the annotation ``kind`` and built into it
    (dataclasses recursively); a PairgenError names the first field that does not fit."""
    origin = get_origin(kind)
    if kind is Any:
        return value
    if is_dataclass(kind):
        if not isinstance(value, dict):
            raise _malformed(where, "an object", value, file)
        names = [f.name for f in fields(kind)]
        optional = {f.name for f in fields(kind) if f.default is not MISSING}
        for name in names:
            if name not in value and name not in optional:
                raise PairgenError("missing from the manifest", file=file, field=_at(where, name))
        for name in value:
            if name not in names:
                raise PairgenError("unknown manifest field", file=file, field=_at(where, name))
        hints = get_type_hints(kind)
        build = cast(Any, kind)
        given = [n for n in names if n in value]
        return build(**{n: parse_as(hints[n], value[n], _at(where, n), file) for n in given})
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(kind) if a is not type(None)]
        return None if value is None else parse_as(options[0], value, where, file)
    if origin is tuple:
        if not isinstance(value, list):
            raise _malformed(where, "a list", value, file)
        item = get_args(kind)[0]
        return tuple(parse_as(item, v, f"{where}[{i}]", file) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise _malformed(where, "an object", value, file)
        item = get_args(kind)[1]
        for key in value:
            if "\0" in key:
                raise PairgenError(
                    "holds a name with a NUL character", file=file, field=where or "manifest"
                )
        return {key: parse_as(item, v, _at(where, key), file) for key, v in value.items()}
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _malformed(where, _EXPECTED.get(kind, kind.__name__), value, file)
    if isinstance(value, str) and "\0" in value:
        raise PairgenError("holds a NUL character", file=file, field=where or "manifest")
    return value


def _at(where: str, name: str) -> str:
    name = ascii(name)[1:-1]  # a field name quoted in an error stays on one line
    return f"{where}.{name}" if where else name


def _malformed(where: str, expected: str, value: Any, file: str | None) -> PairgenError:
    got = "null" if value is None else type(value).__name__
    return PairgenError(f"must be {expected}, got {got}", file=file, field=where or "manifest")


__all__ = [
    "CARD_NAME",
    "DATA_DIR",
    "MANAGED",
    "MANAGED_PREFIXES",
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "PLOTS_DIR",
    "REJECTS_DIR",
    "SHARD_NAME",
    "STATE_DIR",
    "BuildSettings",
    "ConfigEntry",
    "InputEntry",
    "Manifest",
    "RejectsEntry",
    "ShardEntry",
    "SplitEntry",
    "check_manifest",
    "library_versions",
    "parse_as",
    "read_manifest",
    "read_manifest_json",
    "rejects_path",
    "shard_glob",
    "shard_name",
    "shard_path",
]
