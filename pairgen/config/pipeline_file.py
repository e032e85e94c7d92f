"""Pipeline files: a build declared in YAML instead of flags.

```yaml
out: out/math            # relative paths resolve against the pipeline file's folder
seed: 1234
workers: 2
shots: 0
format: standard         # or conversational
allow_rejects: false     # true: keep a split that pairs nothing or that one reject reason rules
tokenizer: null          # a Hugging Face tokenizer name or path for token statistics
options: {strip_annotations: false, choice_template: letter, clean_markup: true, math_tier: strict}
sources:
  - {source: gsm8k, from: sample}
  - {source: metamath, from: files, data_files: {train: [data/metamath.jsonl]}}
  - {source: arc, config: ARC-Challenge, from: hub, revision: main, splits: [train]}
```
Unknown keys are errors (a typo must not silently fall back to a default); the keys of
``options`` are the options the registered strategies declare (plugins' included).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from pairgen.config.shipped import locate_pipeline
from pairgen.config.source_settings import SourceSettings, read_citation, settings_or_none
from pairgen.config.spec import IMPLIES, BuildSpec, SourceSpec, implied_backend, output_folder
from pairgen.config.strategy_options import StrategyOptions
from pairgen.config.strategy_registry import option_fields
from pairgen.errors import PairgenError

BUILD_KEYS = {
    "out",
    "seed",
    "workers",
    "executor",
    "tokenizer",
    "format",
    "shots",
    "pool_size",
    "batch_rows",
    "max_field_chars",
    "allow_rejects",
}
SOURCE_KEYS = {
    "source",
    "config",
    "from",
    "data_files",
    "revision",
    "splits",
    "strategy",
    "hub_repo",
    # a generic source's settings (pairgen.config.source_settings)
    "columns",
    "template",
    "keep_columns",
    "answer_kind",
    "answer_base",
    "dataset_name",
    "hub_id",
    "license",
    "citation",
    "citation_file",
}


def load_pipeline(
    path: str | Path,
    overrides: dict[str, Any] | None = None,
    defaults: dict[str, Any] | None = None,
) -> BuildSpec:
    """Parse a pipeline file into a :class:`BuildSpec`.

    ``overrides`` (flags) win over the file; ``defaults`` fill what neither gives, before
    :class:`BuildSpec`'s own defaults (the command line's worker count).
    """
    path, base = locate_pipeline(Path(path))  # a file, or a shipped pipeline by name
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise PairgenError(
            f"invalid YAML: {exc}", file=str(path), row=None if line is None else line + 1
        ) from exc
    if not isinstance(document, dict):
        raise PairgenError("a pipeline file must be a mapping", file=str(path))
    _reject_unknown(document, BUILD_KEYS | {"sources", "options"}, str(path), "top level")
    raw_sources = document.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise PairgenError("needs a non-empty 'sources' list", file=str(path), field="sources")
    sources = tuple(
        _source_spec(entry, index, base, str(path)) for index, entry in enumerate(raw_sources)
    )
    settings = dict(defaults or {})
    settings.update({key: document[key] for key in BUILD_KEYS if key in document})
    if isinstance(settings.get("tokenizer"), str):
        settings["tokenizer"] = _local_or_id(base, settings["tokenizer"])
    settings.update({k: v for k, v in (overrides or {}).items() if v is not None})
    out = settings.pop("out", None)
    if out is None:
        raise PairgenError("needs 'out' (or pass --out)", file=str(path), field="out")
    out = str(output_folder(out)) if isinstance(out, str) else out
    out_path = Path(out) if overrides and overrides.get("out") is not None else _resolve(base, out)
    options = _options(document.get("options") or {}, str(path))
    try:
        return BuildSpec(out=out_path, sources=sources, options=options, **settings)
    except TypeError as exc:
        raise PairgenError(f"invalid setting: {exc}", file=str(path)) from exc


def _local_or_id(base: Path, value: str | None) -> str | None:
    """A Hub id stays as it is; a path relative to the pipeline file is resolved."""
    if value is None:
        return None
    local = base / value
    return str(local) if not Path(value).is_absolute() and local.exists() else value


def _resolve(base: Path, value: str | Path) -> Path:
    candidate = Path(value)
    return candidate if candidate.is_absolute() else Path(os.path.normpath(base / candidate))


def _reject_unknown(mapping: dict[str, Any], allowed: set[str], file: str, where: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise PairgenError(
            f"unknown key at {where}; allowed: {', '.join(sorted(allowed))}",
            file=file,
            field=unknown[0],
        )


def _source_spec(entry: Any, index: int, base: Path, file: str) -> SourceSpec:
    where = f"sources[{index}]"
    if not isinstance(entry, dict) or "source" not in entry:
        raise PairgenError(f"{where} must be a mapping with a 'source' key", file=file, field=where)
    _reject_unknown(entry, SOURCE_KEYS, file, where)
    raw_files = entry.get("data_files") or {}
    if not isinstance(raw_files, dict):
        raise PairgenError(
            f"{where}.data_files must map each split to its file(s), e.g. {{train: a.jsonl}}",
            file=file,
            field="data_files",
        )
    data_files = {
        split: [str(_resolve(base, p)) for p in (paths if isinstance(paths, list) else [paths])]
        for split, paths in raw_files.items()
    }
    splits = entry.get("splits")
    if isinstance(splits, str):  # `splits: train` means one split, not five letters
        splits = [splits]
    if splits is not None and not (
        isinstance(splits, list) and all(isinstance(x, str) for x in splits)
    ):
        raise PairgenError(
            f"{where}.splits must be a list of split names", file=file, field="splits"
        )
    given = {key: IMPLIES[key] for key in IMPLIES if entry.get(key)}
    try:
        backend = implied_backend(entry.get("from"), given, "from:")
    except PairgenError as exc:
        raise PairgenError(str(exc), file=file, field=where) from None
    return SourceSpec(  # type: ignore[arg-type]  # backend: str, only when given
        source=str(entry["source"]),
        config=entry.get("config"),
        **({"backend": str(backend)} if backend is not None else {}),
        data_files=data_files,
        revision=entry.get("revision"),
        splits=tuple(splits) if splits else None,
        strategy=entry.get("strategy"),
        hub_repo=_local_or_id(base, entry.get("hub_repo")),
        settings=_settings(entry, base, file, where),
    )


def _settings(entry: dict[str, Any], base: Path, file: str, where: str) -> SourceSettings | None:
    """A source entry's generic-source settings; ``columns`` maps each role to a column
    (``{prompt: problem}``; a list of columns for several: ``{choices: [sol1, sol2]}``)."""
    columns = entry.get("columns") or {}
    if not isinstance(columns, dict):
        raise PairgenError(
            f"{where}.columns must map roles to columns, e.g. {{prompt: problem}}",
            file=file,
            field="columns",
        )
    pairs = tuple(
        (str(role), ",".join(map(str, column)) if isinstance(column, list) else str(column))
        for role, column in columns.items()
    )
    keep = entry.get("keep_columns") or ()
    citation = entry.get("citation")
    if entry.get("citation_file"):
        citation = read_citation(_resolve(base, str(entry["citation_file"])))
    try:
        settings = SourceSettings.from_json(
            {
                "columns": pairs,
                "template": entry.get("template"),
                "keep_columns": [keep] if isinstance(keep, str) else keep,
                "answer_kind": entry.get("answer_kind"),
                "answer_base": entry.get("answer_base"),
                "dataset_name": entry.get("dataset_name"),
                "hub_id": entry.get("hub_id"),
                "license": entry.get("license"),
                "citation": citation,
            }
        )
    except PairgenError as exc:
        raise PairgenError(str(exc), file=file, field=where) from None
    return settings_or_none(settings)


def _options(raw: Any, file: str) -> StrategyOptions:
    """The ``options`` mapping, its keys checked against every registered strategy's."""
    if not isinstance(raw, dict):
        raise PairgenError("options must map option names to values", file=file, field="options")
    _reject_unknown(raw, set(option_fields()), file, "options")
    return StrategyOptions(raw)


__all__ = ["BUILD_KEYS", "SOURCE_KEYS", "load_pipeline"]
