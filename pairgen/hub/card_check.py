"""Offline validation of a dataset card against its build output.

The Hub validates a card's YAML when a README.md is committed (``/api/validate-yaml``,
which ``pairgen publish`` goes through), but ``pairgen card`` must work with no network
and must catch what the Hub cannot: a card that describes another build.  So a card is
checked with the libraries that will read it:

- huggingface_hub's :class:`DatasetCard` parses it (YAML block first, a mapping);
- ``license``, ``size_categories`` and ``task_categories`` hold identifiers the Hub knows
  (``other`` with the ``license_name`` and ``license_link`` the Hub asks for), and
  ``source_datasets`` no empty name;
- ``datasets``' own parsers accept ``configs`` (:class:`MetadataConfigs`) and
  ``dataset_info`` (:class:`DatasetInfosDict`), exactly as ``load_dataset`` will;
- every config and split of the manifest is there, each split's ``data_files`` glob
  matches exactly that split's shards on disk, and the declared row counts and features
  are those of the shards, and with several configs one is the default (else
  ``load_dataset(repo)`` fails with "Config name is missing").
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml
from huggingface_hub import DatasetCard

from pairgen.errors import PairgenError
from pairgen.hub.card_context import SIZE_CATEGORIES, loadable_splits
from pairgen.output.files import listed_file
from pairgen.output.manifest import Manifest

# https://huggingface.co/docs/hub/repositories-licenses
HUB_LICENSES = frozenset(
    [
        "apache-2.0",
        "mit",
        "openrail",
        "bigscience-openrail-m",
        "creativeml-openrail-m",
        "bigscience-bloom-rail-1.0",
        "bigcode-openrail-m",
        "afl-3.0",
        "artistic-2.0",
        "bsl-1.0",
        "bsd",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "c-uda",
        "cc",
        "cc0-1.0",
        "cc-by-2.0",
        "cc-by-2.5",
        "cc-by-3.0",
        "cc-by-4.0",
        "cc-by-sa-3.0",
        "cc-by-sa-4.0",
        "cc-by-nc-2.0",
        "cc-by-nc-3.0",
        "cc-by-nc-4.0",
        "cc-by-nd-4.0",
        "cc-by-nc-nd-3.0",
        "cc-by-nc-nd-4.0",
        "cc-by-nc-sa-2.0",
        "cc-by-nc-sa-3.0",
        "cc-by-nc-sa-4.0",
        "cdla-sharing-1.0",
        "cdla-permissive-1.0",
        "cdla-permissive-2.0",
        "wtfpl",
        "ecl-2.0",
        "epl-1.0",
        "epl-2.0",
        "etalab-2.0",
        "eupl-1.1",
        "eupl-1.2",
        "agpl-3.0",
        "gfdl",
        "gpl",
        "gpl-2.0",
        "gpl-3.0",
        "lgpl",
        "lgpl-2.1",
        "lgpl-3.0",
        "isc",
        "h-research",
        "intel-research",
        "lppl-1.3c",
        "ms-pl",
        "apple-ascl",
        "apple-amlr",
        "mpl-2.0",
        "odc-by",
        "odbl",
        "openrail++",
        "osl-3.0",
        "postgresql",
        "ofl-1.1",
        "ncsa",
        "unlicense",
        "zlib",
        "pddl",
        "lgpl-lr",
        "deepfloyd-if-license",
        "llama2",
        "llama3",
        "llama3.1",
        "llama3.2",
        "llama3.3",
        "llama4",
        "gemma",
        "unknown",
        "other",
    ]
)
HUB_SIZE_CATEGORIES = frozenset([name for _, name in SIZE_CATEGORIES] + ["n>1T", "other"])
# The Hub's task categories a preference dataset may plausibly declare.
HUB_TASK_CATEGORIES = frozenset(
    [
        "text-generation",
        "question-answering",
        "multiple-choice",
        "text-classification",
        "reinforcement-learning",
        "text2text-generation",
        "summarization",
        "translation",
        "fill-mask",
        "table-question-answering",
        "zero-shot-classification",
        "sentence-similarity",
        "feature-extraction",
        "token-classification",
        "other",
    ]
)


def check_card(out: Path, text: str, manifest: Manifest) -> list[str]:
    """Every problem with ``text`` as the card of the build in ``out`` (empty: valid)."""
    try:
        card = DatasetCard(text)
    except (ValueError, TypeError, yaml.YAMLError) as exc:
        return [f"not a valid dataset card: {' '.join(str(exc).split())}"]
    data = card.data.to_dict()
    if not text.lstrip().startswith("---") or not data:
        return ["the card has no YAML metadata block at its top"]
    try:
        problems = _check_identifiers(data)
        problems += _check_configs(out, data, manifest)
        problems += _check_infos(out, data, manifest)
    except (TypeError, KeyError, AttributeError) as exc:  # hand-edited metadata of the wrong shape
        return [f"card metadata has an unexpected shape: {type(exc).__name__}: {exc}"]
    return problems


def read_card_text(path: Path) -> str:
    """A card file's text, or a clear error when it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PairgenError(
            f"the dataset card is not UTF-8 text: {exc.reason}", file=str(path)
        ) from exc


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _check_identifiers(data: dict[str, Any]) -> list[str]:
    problems = []
    for key in ("license", "size_categories", "task_categories", "pretty_name"):
        if not data.get(key):
            problems.append(f"metadata {key!r} is missing")
    for key, known in (
        ("license", HUB_LICENSES),
        ("size_categories", HUB_SIZE_CATEGORIES),
        ("task_categories", HUB_TASK_CATEGORIES),
    ):
        for value in _as_list(data.get(key) or []):
            if value not in known:
                problems.append(f"metadata {key!r}: {value!r} is not a Hub identifier")
    if "other" in _as_list(data.get("license")):
        problems += [
            f"metadata 'license' is other but {key!r} is missing"
            for key in ("license_name", "license_link")
            if not data.get(key)
        ]
    if any(not value for value in _as_list(data.get("source_datasets") or [])):
        problems.append("metadata 'source_datasets' holds an empty name")
    return problems


def _shard_paths(manifest: Manifest, config: str, split: str) -> list[str]:
    return sorted(s.path for s in manifest.configs[config].splits[split].shards)


def _check_configs(out: Path, data: dict[str, Any], manifest: Manifest) -> list[str]:
    from datasets.utils.metadata import MetadataConfigs

    try:
        configs = MetadataConfigs.from_dataset_card_data(data)
    except ValueError as exc:
        return [f"'configs' is not valid for datasets: {exc}"]
    expected = loadable_splits(manifest)
    if sorted(configs) != sorted(expected):
        return [f"'configs' lists {sorted(configs)}, the build has {sorted(expected)}"]
    problems = []
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    for name, splits in expected.items():
        files = configs[name].get("data_files") or []
        declared = {item["split"]: _as_list(item["path"]) for item in files}
        if sorted(declared) != sorted(splits):
            problems.append(f"config {name!r} declares splits {sorted(declared)}, not {splits}")
            continue
        for split, patterns in declared.items():
            matched = sorted({p for pattern in patterns for p in fnmatch.filter(on_disk, pattern)})
            if matched != _shard_paths(manifest, name, split):
                problems.append(
                    f"config {name!r} split {split!r}: data_files {patterns} match {matched}, "
                    f"the shards are {_shard_paths(manifest, name, split)}"
                )
    if len(configs) > 1:
        try:
            if configs.get_default_config_name() is None:
                problems.append(
                    "no config is 'default: true': load_dataset(repo) without a config name "
                    "would fail with 'Config name is missing'"
                )
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def _check_infos(out: Path, data: dict[str, Any], manifest: Manifest) -> list[str]:
    from datasets import Features
    from datasets.info import DatasetInfosDict

    if "dataset_info" not in data:
        return ["metadata 'dataset_info' is missing"]
    try:
        infos = DatasetInfosDict.from_dataset_card_data(data)
    except (ValueError, TypeError, KeyError) as exc:
        return [f"'dataset_info' is not valid for datasets: {exc}"]
    problems = []
    for config, splits in loadable_splits(manifest).items():
        info = infos.get(config)
        if info is None:
            problems.append(f"'dataset_info' has no entry for config {config!r}")
            continue
        entry = manifest.configs[config]
        declared = {name: split.num_examples for name, split in (info.splits or {}).items()}
        built = {name: entry.splits[name].pairs for name in splits}
        if declared != built:
            problems.append(f"config {config!r}: num_examples {declared}, the shards hold {built}")
        shard = entry.splits[splits[0]].shards[0].path
        if info.features != Features.from_arrow_schema(pq.read_schema(listed_file(out, shard))):
            problems.append(f"config {config!r}: dataset_info features differ from the shards")
    return problems


__all__ = [
    "HUB_LICENSES",
    "HUB_SIZE_CATEGORIES",
    "HUB_TASK_CATEGORIES",
    "check_card",
    "read_card_text",
]
