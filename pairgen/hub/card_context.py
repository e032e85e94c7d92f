"""What a build gives its card: the variables the ``hub/templates/`` files use.

Everything here is read from the build output (manifest, shards through
:func:`pairgen.query.summary.summarize`, plots under ``OUT/plots/``) and shaped for the
templates, so the templates hold wording and layout only.  The variables are documented
where they are built, in :func:`template_context`.  Nothing the card shows names a path
of the machine that built it: inputs, tokenizers and mirrors appear by file name
(:func:`~pairgen.hub.reproduce.public_name`).
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

from pairgen.config.source_settings import SourceSettings
from pairgen.errors import PairgenError
from pairgen.hub.card_rows import EXAMPLE_TEXT_CHARS, data_fields, edit_kind_rows, example_rows
from pairgen.hub.reproduce import ordered_splits, out_name_of, public_name, reproduce
from pairgen.output.manifest import ConfigEntry, Manifest
from pairgen.output.plots import plot_files
from pairgen.query.summary import SplitSummary, summarize
from pairgen.registry import BUILT_IN
from pairgen.sources import SOURCES, Source, get_source
from pairgen.sources.generic.base import GenericSource
from pairgen.strategies import STRATEGIES, option_fields

# The Hub's size categories with their upper bounds (number of rows, all configs together).
SIZE_CATEGORIES = [
    (10**3, "n<1K"),
    (10**4, "1K<n<10K"),
    (10**5, "10K<n<100K"),
    (10**6, "100K<n<1M"),
    (10**7, "1M<n<10M"),
    (10**8, "10M<n<100M"),
    (10**9, "100M<n<1B"),
    (10**10, "1B<n<10B"),
    (10**11, "10B<n<100B"),
    (10**12, "100B<n<1T"),
]
REPO_PLACEHOLDER = "ORG/NAME"
SMAUG_ARXIV = "2402.13228"
SMAUG_CITATION = """@article{pal2024smaug,
  title={Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive},
  author={Pal, Arka and Karkhanis, Deep and Dooley, Samuel and Roberts, Manley and
    Naidu, Siddartha and White, Colin},
  journal={arXiv preprint arXiv:2402.13228},
  year={2024}
}"""


# What the Licenses section adds after a license id that names no actual license.
LICENSE_NOTES = {
    "unknown": " (not given when the pairs were built: `--license`)",
    "other": " (a license the Hub does not list: see the dataset's own terms)",
}


def loadable_splits(manifest: Manifest) -> dict[str, list[str]]:
    """The configs and splits the card declares as data: those with at least one pair.

    ``load_dataset`` fails on a declared split with no rows ("corresponds to no data"), and
    some splits are empty by nature (HellaSwag's unlabeled test split is all rejects); they
    stay in the body's tables and in the manifest, not in ``configs``/``dataset_info``.
    """
    declared = {}
    for config, entry in manifest.configs.items():
        splits = [s for s in ordered_splits(entry) if entry.splits[s].pairs > 0]
        if splits:
            declared[config] = splits
    if not declared:
        raise PairgenError("the build has no pairs at all: there is nothing a card could declare")
    return declared


def pretty_name(manifest: Manifest) -> str:
    names = [entry_source(e).pretty_name for e in manifest.configs.values()]
    return " + ".join(dict.fromkeys(names)) + " minimal pairs"


def applicable_options(manifest: Manifest) -> dict[str, Any]:
    """The strategy options that change something for at least one config of the build:
    those its strategies declare (for the sources the option names, if it names any;
    :meth:`~pairgen.config.strategy_options.OptionField.applies`).  An option no
    registered strategy declares (a plugin's, not installed here) is always listed."""
    declared = option_fields()
    entries = list(manifest.configs.values())
    return {
        name: value
        for name, value in manifest.options.items()
        if name not in declared
        or any(declared[name].applies(e.source, e.strategy) for e in entries)
    }


def template_context(out: Path, manifest: Manifest, repo_id: str | None) -> dict[str, Any]:
    """Everything the templates may use besides ``card_data`` (see templates/_base.md)."""
    declared = loadable_splits(manifest)
    return {
        "pretty_name": pretty_name(manifest),
        "repo_id": repo_id or REPO_PLACEHOLDER,
        "configs": [
            _config(config, entry, index, len(manifest.configs))
            for index, (config, entry) in enumerate(manifest.configs.items())
        ],
        "sources": _sources(manifest),
        "samples": _samples(manifest),
        "example_chars": EXAMPLE_TEXT_CHARS,
        "build": {
            "seed": manifest.seed,
            "shots": manifest.shots,
            "format": manifest.format,
            "tokenizer": public_name(manifest.tokenizer) if manifest.tokenizer else None,
            "options": applicable_options(manifest),
            "config_hash": manifest.config_hash,
            "pairgen_version": manifest.versions.get("pairgen", _version()),
        },
        "empty_splits": [
            f"`{config}/{split}`"
            for config, entry in manifest.configs.items()
            for split in ordered_splits(entry)
            if split not in declared.get(config, [])
        ],
        "default_config": next(iter(declared)) if len(declared) > 1 else None,
        "unlabeled_splits": [
            f"`{config}/{split}`"
            for config, entry in manifest.configs.items()
            for split in entry.unlabeled_splits
        ],
        "allowed": [
            {"split": f"{config}/{split}", "why": info.rejects_allowed}
            for config, split, info in manifest.splits()
            if info.rejects_allowed is not None
        ],
        "examples": example_rows(out, manifest, declared),
        "fields": data_fields(out, manifest, declared, _registry_values(manifest)),
        "stats": _stats(out, manifest),
        "edit_kinds": edit_kind_rows(out, manifest),
        "rejects": [
            {"config": config, "split": split, "reason": reason, "rows": rows}
            for config, split, info in manifest.splits()
            for reason, rows in info.rejects_by_reason.items()
        ],
        "inputs": [
            {
                "config": config,
                "split": record.split,
                "location": public_name(record.location),
                "checksum": record.sha256 or record.revision or "",
            }
            for config, entry in manifest.configs.items()
            for record in entry.inputs
        ],
        "plots": [
            {"path": path.relative_to(out).as_posix(), "title": path.stem.replace("_", " ")}
            for path in plot_files(out)
        ],
        "reproduce": reproduce(manifest, out_name_of(out)),
        "reproduce_local": any(e.backend == "files" for e in manifest.configs.values()),
        "smaug": {
            "citation": SMAUG_CITATION,
            "arxiv": f"https://arxiv.org/abs/{SMAUG_ARXIV}",
            "hf_papers": f"https://huggingface.co/papers/{SMAUG_ARXIV}",
            "arxiv_id": SMAUG_ARXIV,
        },
    }


def _registry_values(manifest: Manifest) -> dict[str, str]:
    """What the ``source`` and ``strategy`` columns hold in this build, described from
    the registries: each source's name, each strategy's own one-line summary."""
    sources = {e.source: entry_source(e).pretty_name for e in manifest.configs.values()}
    strategies = {
        e.strategy: _summary(STRATEGIES.load(e.strategy)) for e in manifest.configs.values()
    }
    return {
        "source": ", ".join(f"`{name}` ({pretty})" for name, pretty in sources.items()),
        "strategy": ", ".join(f"`{name}` ({text})" for name, text in strategies.items()),
    }


def _summary(kind: type) -> str:
    """A class's docstring's first line, as a phrase (``one pair per example: ...``)."""
    line = (kind.__doc__ or kind.__name__).strip().splitlines()[0].rstrip(".")
    return line[:1].lower() + line[1:]


def _samples(manifest: Manifest) -> dict[str, Any] | None:
    """Which configs were built from the handwritten samples shipped in pairgen (or None)."""
    configs = [c for c, e in manifest.configs.items() if e.backend == "sample"]
    if not configs:
        return None
    return {
        "all": len(configs) == len(manifest.configs),
        "configs": ", ".join(f"`{c}`" for c in configs),
    }


def entry_source(entry: ConfigEntry) -> Source:
    """The source of a config as the build configured it (a generic source's column
    mapping and card metadata included), so the card names its license and citation."""
    settings = entry.source_settings
    return get_source(entry.source, SourceSettings.from_json(settings) if settings else None)


def _config(config: str, entry: ConfigEntry, index: int, count: int) -> dict[str, Any]:
    source = entry_source(entry)
    return {
        "name": config,
        "var": "pairs" if count == 1 else f"pairs_{index}",
        "source": source.name,
        "source_pretty_name": source.pretty_name,
        "source_config": entry.source_config,
        "strategy": entry.strategy,
        "backend": entry.backend,
        "splits": [
            {
                "name": split,
                "pairs": entry.splits[split].pairs,
                "rows_in": entry.splits[split].rows_in,
                "rows_rejected": entry.splits[split].rows_rejected,
            }
            for split in ordered_splits(entry)
        ],
    }


def _sources(manifest: Manifest) -> list[dict[str, Any]]:
    """Each source of the build as the templates describe it.

    ``about`` names its text in ``_about.md``: the source's own name for pairgen's
    sources, ``other`` for one a plugin registered; ``columns`` and ``template`` are a
    generic source's (or preset's) mapping; ``hub_repo`` and ``citation`` are empty when
    unknown, and the templates then show no link and no BibTeX block.
    """
    sources = []
    firsts = {e.source: e for e in reversed(list(manifest.configs.values()))}
    for name in dict.fromkeys(entry.source for entry in manifest.configs.values()):
        source = entry_source(firsts[name])
        own = [c for c, e in manifest.configs.items() if e.source == name]
        sources.append(
            {
                "name": name,
                "about": name if SOURCES.registrations()[name].origin == BUILT_IN else "other",
                "pretty_name": source.pretty_name,
                "hub_repo": source.hub_repo,
                "license": source.license,
                "license_note": LICENSE_NOTES.get(source.license, ""),
                "citation": source.citation.strip(),
                "config_list": ", ".join(f"`{c}`" for c in own),
                "columns": _mapping(source),
                "template": _template_text(source),
                "method": _method(source, [manifest.configs[c].strategy for c in own]),
            }
        )
    return sources


def _mapping(source: Source) -> list[str]:
    """``question `problem``` for each role a generic source reads, in its roles' order
    (none for a source with a fixed schema)."""
    if not isinstance(source, GenericSource):
        return []
    return [f"{role} `{source.columns[role]}`" for role in source.roles if role in source.columns]


def _method(source: Source, strategies: list[str]) -> str:
    """How the rows became pairs, when a config of ``source`` used a strategy other than
    its default: each strategy's own :func:`strategy_description`, since the templates'
    text describes the default one (``every wrong choice gives one rejected completion``
    is wrong for a plugin's one-pair-per-question strategy); ``""`` otherwise."""
    used = list(dict.fromkeys(strategies))
    if used == [source.default_strategy]:
        return ""
    return " ".join(
        f"Strategy `{name}`: {strategy_description(STRATEGIES.load(name))}" for name in used
    )


def strategy_description(kind: type) -> str:
    """A strategy's ``card_description``, else its class docstring's first paragraph on one
    line, else a pointer to its package (a docstring is not inherited)."""
    text = str(getattr(kind, "card_description", "") or kind.__dict__.get("__doc__") or "")
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    return paragraph or "pairs made by a strategy outside pairgen; read its documentation."


def _template_text(source: Source) -> str | None:
    """The user's prompt template on one line (a newline shown as ``\\n``), or ``None``
    when the source's own is used."""
    text = source.settings.template if isinstance(source, GenericSource) else None
    return None if text is None else text.replace("\n", "\\n")


def _stats(out: Path, manifest: Manifest) -> list[dict[str, Any]]:
    """The statistics rows, in the card's config and split order (train first)."""
    order = [(c, s) for c, e in manifest.configs.items() for s in ordered_splits(e)]
    summaries = sorted(summarize(out, manifest), key=lambda s: order.index((s.config, s.split)))
    return [_stats_row(s) for s in summaries]


def _stats_row(summary: SplitSummary) -> dict[str, Any]:
    def fmt(value: float | None, digits: int) -> str:
        return "–" if value is None else f"{value:.{digits}f}"

    return {
        "config": summary.config,
        "split": summary.split,
        "pairs": summary.pairs,
        "mean_ned": fmt(summary.mean_ned, 4),
        "median_ned": fmt(summary.median_ned, 4),
        "tokens_after_diff": fmt(summary.mean_tokens_after_diff, 1),
    }


def _version() -> str:
    try:
        return metadata.version("pairgen")
    except metadata.PackageNotFoundError:
        return "unknown"


__all__ = [
    "REPO_PLACEHOLDER",
    "SIZE_CATEGORIES",
    "SMAUG_ARXIV",
    "SMAUG_CITATION",
    "applicable_options",
    "entry_source",
    "loadable_splits",
    "plot_files",
    "pretty_name",
    "strategy_description",
    "template_context",
]
