"""What a build gives its card: the variables the ``publish/templates/`` files use.

Everything here is read from the build output (manifest, shards through
:func:`pairgen.query.summary.summarize`, plots under ``OUT/plots/``) and shaped for the
templates, so the templates hold wording and layout only.  The variables are documented
where they are built, in :func:`template_context`.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

from pairgen.errors import PairgenError
from pairgen.publish.reproduce import ordered_splits, out_name_of, reproduce
from pairgen.query.summary import summarize
from pairgen.sources import get_source

PLOTS_DIR = "plots"
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
SMAUG_CITATION = """@article{pal2024smaug,
  title={Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive},
  author={Pal, Arka and Karkhanis, Deep and Dooley, Samuel and Roberts, Manley and
    Naidu, Siddartha and White, Colin},
  journal={arXiv preprint arXiv:2402.13228},
  year={2024}
}"""


def loadable_splits(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """The configs and splits the card declares as data: those with at least one pair.

    ``load_dataset`` fails on a declared split with no rows ("corresponds to no data"), and
    some splits are empty by nature (HellaSwag's unlabeled test split is all rejects); they
    stay in the body's tables and in the manifest, not in ``configs``/``dataset_info``.
    """
    declared = {}
    for config, entry in manifest["configs"].items():
        splits = [s for s in ordered_splits(entry) if int(entry["splits"][s]["pairs"]) > 0]
        if splits:
            declared[config] = splits
    if not declared:
        raise PairgenError("the build has no pairs at all: there is nothing a card could declare")
    return declared


def pretty_name(manifest: dict[str, Any]) -> str:
    names = [get_source(e["source"]).pretty_name for e in manifest["configs"].values()]
    return " + ".join(dict.fromkeys(names)) + " minimal pairs"


def template_context(out: Path, manifest: dict[str, Any], repo_id: str | None) -> dict[str, Any]:
    """Everything the templates may use besides ``card_data`` (see templates/_base.md)."""
    configs = []
    for index, (config, entry) in enumerate(manifest["configs"].items()):
        source = get_source(entry["source"])
        configs.append(
            {
                "name": config,
                "var": "pairs" if len(manifest["configs"]) == 1 else f"pairs_{index}",
                "source": source.name,
                "source_pretty_name": source.pretty_name,
                "source_config": entry["source_config"],
                "strategy": entry["strategy"],
                "backend": entry["backend"],
                "splits": [
                    {"name": split, **entry["splits"][split]} for split in ordered_splits(entry)
                ],
            }
        )
    sources = []
    for name in dict.fromkeys(entry["source"] for entry in manifest["configs"].values()):
        source = get_source(name)
        own = [c for c, e in manifest["configs"].items() if e["source"] == name]
        sources.append(
            {
                "name": name,
                "pretty_name": source.pretty_name,
                "hub_repo": source.hub_repo,
                "license": source.license,
                "citation": source.citation.strip(),
                "config_list": ", ".join(f"`{c}`" for c in own),
            }
        )
    reproduction = reproduce(manifest, out_name_of(out))
    declared = loadable_splits(manifest)
    order = [(c, s) for c, e in manifest["configs"].items() for s in ordered_splits(e)]

    def position(summary: Any) -> int:
        return order.index((summary.config, summary.split))

    return {
        "pretty_name": pretty_name(manifest),
        "repo_id": repo_id or REPO_PLACEHOLDER,
        "configs": configs,
        "sources": sources,
        "build": {
            "seed": manifest["seed"],
            "shots": manifest["shots"],
            "format": manifest["format"],
            "tokenizer": manifest["tokenizer"],
            "options": manifest["options"],
            "config_hash": manifest["config_hash"],
            "pairgen_version": manifest.get("versions", {}).get("pairgen", _version()),
        },
        "empty_splits": [
            f"`{config}/{split}`"
            for config, entry in manifest["configs"].items()
            for split in ordered_splits(entry)
            if split not in declared.get(config, [])
        ],
        "stats": [_stats_row(s) for s in sorted(summarize(out, manifest), key=position)],
        "rejects": [
            {"config": config, "split": split, "reason": reason, "rows": rows}
            for config, entry in manifest["configs"].items()
            for split, info in entry["splits"].items()
            for reason, rows in info["rejects_by_reason"].items()
        ],
        "inputs": [
            {
                "config": config,
                "split": record["split"],
                "location": record["location"],
                "checksum": record.get("sha256") or record.get("revision") or "",
            }
            for config, entry in manifest["configs"].items()
            for record in entry["inputs"]
        ],
        "plots": [
            {"path": path.relative_to(out).as_posix(), "title": path.stem.replace("_", " ")}
            for path in plot_files(out)
        ],
        "reproduce": {"command": reproduction.command, "pipeline": reproduction.pipeline},
        "smaug_citation": SMAUG_CITATION,
    }


def plot_files(out: Path) -> list[Path]:
    """The PNG plots ``pairgen stats`` wrote under ``OUT/plots/``, in name order."""
    folder = out / PLOTS_DIR
    return sorted(folder.rglob("*.png")) if folder.is_dir() else []


def _stats_row(summary: Any) -> dict[str, Any]:
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
